// Collector rule: when unknown senders may not open tickets, their mail becomes a ticket that is
// rejected (unknown address) and closed at once, and they get no acknowledgement. Runs on private
// services with their own database, since it changes settings.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer from 'nodemailer';
import { Store } from '@helpdesk/persistence';
import { eventually } from '../support/api';
import { SUPPORT, sentTo, uniqueAddress, waitForMail } from '../support/mail';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

let svc: PrivateServices & { mongoUrl: string };
let store: Store;
let smtp: string;

beforeAll(async () => {
  svc = await startPrivateServices(['worker', 'notifier', 'gateway'], {
    database: `helpdesk_collector_${randomUUID().slice(0, 8)}`,
  });
  store = await Store.connect(svc.mongoUrl);
  await store.putSettings({
    collectorAllowUnknownSenders: false,
    collectorKnownDomains: ['partner.example'],
    responseDelayHours: null,
    actionDelayHours: null,
  });
  smtp = `smtp://127.0.0.1:${String(svc.ready('notifier').smtpPort)}`;
});
afterAll(async () => {
  await svc?.stop();
  await store?.close();
});

async function send(from: string, subject: string) {
  const transport = nodemailer.createTransport(smtp);
  try {
    await transport.sendMail({ from, to: SUPPORT, subject, text: 'Hello', messageId: `<${randomUUID()}@x.example>` });
  } finally {
    transport.close();
  }
}

const ticketOf = (from: string) =>
  eventually(
    async () => (await Store.modelsForTestsOnly(store).Ticket.findOne({ 'requester.email': from }).lean()) ?? undefined,
    30_000,
    `a ticket from ${from}`,
  );

describe('unknown senders', () => {
  it('are rejected as unknown address and closed, without an acknowledgement', async () => {
    const stranger = uniqueAddress('stranger');
    await send(stranger, 'Let me in');
    const doc = await ticketOf(stranger);
    const ticket = await eventually(
      async () => {
        const t = await store.getTicket(doc._id);
        return t?.status === 'closed' ? t : undefined;
      },
      30_000,
      'the rejected ticket to close',
    );
    expect(ticket.resolution?.method).toBe('unknown_address');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await sentTo(stranger)).toEqual([]);

    // A second mail from them is still unknown: their own rejected ticket does not vouch for them.
    await send(stranger, 'Please');
    await eventually(
      async () =>
        (await Store.modelsForTestsOnly(store).Ticket.countDocuments({ 'requester.email': stranger })) === 2
          ? true
          : undefined,
      30_000,
      'the second ticket',
    );
    const all = await Store.modelsForTestsOnly(store).Ticket.find({ 'requester.email': stranger }).lean();
    await eventually(
      async () => {
        const states = await Promise.all(all.map((t) => store.getTicket(t._id)));
        return states.every((t) => t?.resolution?.method === 'unknown_address') ? true : undefined;
      },
      30_000,
      'both rejected',
    );
  });

  it('from a known domain open tickets as usual', async () => {
    const partner = `p-${randomUUID().slice(0, 8)}@partner.example`;
    await send(partner, 'Known one');
    const doc = await ticketOf(partner);
    expect(doc.status).toBe('new');
    await waitForMail(partner, 'Request received');
  });
});
