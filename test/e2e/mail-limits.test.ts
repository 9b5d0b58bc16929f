// Mail that can never succeed is not "retry later": mail beyond what a ticket holds is cut to the
// API's limits and kept whole (raw message, full text as an attachment), mail beyond what the
// store holds is refused for good, no record stays "processing", CCs are capped as on the API,
// and a permanent SMTP rejection of outbound mail is on the timeline at once, not retried.
import { randomUUID } from 'node:crypto';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECIPIENTS, TEXT_LIMITS } from '@helpdesk/contracts';
import { freePort } from '@helpdesk/dev-stack';
import { Store } from '@helpdesk/persistence';
import { api, createTicket, eventually, stack, token, useStore } from '../support/api';
import { SUPPORT, sendMail, uniqueAddress } from '../support/mail';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

const store = useStore();
// Look-ups no service makes go through the models' test-only escape hatch; the rest through the repositories.
const models = () => Store.modelsForTestsOnly(store());
const mid = () => `<${randomUUID()}@customer.example>`;

function postRaw(raw: string | Buffer): Promise<Response> {
  return fetch(stack().inboundHttp, {
    method: 'POST',
    headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${token('service', 'mail-provider')}` },
    body: raw,
  });
}
const rawMail = (headers: Record<string, string>, body: string) =>
  [...Object.entries({ To: SUPPORT, 'Message-ID': mid(), ...headers }).map(([k, v]) => `${k}: ${v}`), '', body].join(
    '\r\n',
  );

/** The collector's record of a mail, once it is no longer being processed. */
async function settled(from: string) {
  return eventually(
    async () => {
      const doc = await models().InboundMail.findOne({ from }).lean();
      return doc && doc.status !== 'processing' ? doc : undefined;
    },
    60_000,
    `the mail from ${from} to be acted on`,
  );
}

describe('mail beyond what a ticket holds', () => {
  it('a 3 MB body opens a ticket with the text cut to the limit and the whole of it attached (HTTP 202)', async () => {
    const from = uniqueAddress('big-body');
    const body = `First line of a very long log.\n${'0123456789 abcdefghij\n'.repeat(150_000)}`;
    const res = await postRaw(rawMail({ From: from, Subject: 'Huge log' }, body));
    expect([res.status, ((await res.json()) as { status: string }).status]).toEqual([202, 'done']);
    const mail = await settled(from);
    expect(mail.status).toBe('done');
    const ticket = (await store().getTicket(mail.ticketId ?? ''))!;
    expect(ticket.description?.length).toBeLessThanOrEqual(TEXT_LIMITS.description);
    expect(ticket.description).toMatch(/^First line of a very long log\./);
    expect(ticket.description).toContain('the full text is attached as message.txt');
    const full = await eventually(
      async () => (await store().getTicket(ticket.id))?.attachments?.find((a) => a.filename === 'message.txt'),
      30_000,
      'message.txt',
    );
    expect(full.size).toBeGreaterThan(3_000_000);
    const download = await fetch(`${stack().gateway}/v1/attachments/${full.id}`, {
      headers: { authorization: `Bearer ${token('agent', 'alice')}` },
    });
    expect((await download.text()).length).toBe(full.size);
    // The raw message is kept whole.
    const raw = await store().inboundMail.rawMessage(mail._id);
    expect(raw?.length).toBeGreaterThan(3_000_000);
  });

  it('a 3 MB body over SMTP is accepted (250), not answered "try again later"', async () => {
    const from = uniqueAddress('big-smtp');
    await sendMail({ from, subject: 'Huge log by SMTP', text: 'x'.repeat(3 * 1024 * 1024), messageId: mid() });
    const mail = await settled(from);
    expect([mail.status, mail.action]).toEqual(['done', 'created']);
  });

  it('a long subject makes a title cut to the limit', async () => {
    const from = uniqueAddress('long-subject');
    const res = await postRaw(rawMail({ From: from, Subject: `Broken ${'s'.repeat(100_000)}` }, 'Body'));
    expect(res.status).toBe(202);
    const mail = await settled(from);
    const ticket = (await store().getTicket(mail.ticketId ?? ''))!;
    expect(ticket.title?.length).toBe(TEXT_LIMITS.title);
    expect(ticket.title).toMatch(/^Broken s+…$/);
  });

  it('a 1 MiB subject, more than mail headers may hold, is kept raw and suspended with the reason (HTTP 202, SMTP 250)', async () => {
    const from = uniqueAddress('huge-subject');
    const subject = `Broken ${'s'.repeat(1024 * 1024)}`;
    const res = await postRaw(rawMail({ From: from, Subject: subject }, 'Body'));
    const outcome = (await res.json()) as { status: string; reason: string };
    expect([res.status, outcome.status, outcome.reason]).toEqual([202, 'suspended', expect.stringContaining('header')]);
    const mail = await settled(from);
    expect([mail.status, mail.suspendedReason]).toEqual(['suspended', outcome.reason]);
    expect((await store().inboundMail.rawMessage(mail._id))?.length).toBeGreaterThan(1024 * 1024);
    const listed = await api<{ items: { id: string; from: string; reason: string }[] }>('GET', '/v1/suspended', {
      token: token('agent', 'alice'),
    });
    expect(listed.body.items.find((m) => m.id === mail._id)).toMatchObject({ from, reason: outcome.reason });
    const bySmtp = uniqueAddress('huge-subject-smtp');
    await sendMail({ from: bySmtp, subject, text: 'Body', messageId: mid() });
    expect((await settled(bySmtp)).status).toBe('suspended');
  });

  it('a reply longer than a message holds is cut, and whole as an attachment', async () => {
    const from = uniqueAddress('big-reply');
    const ticket = await createTicket({ requester: { id: from, email: from } });
    const res = await postRaw(
      rawMail({ From: from, Subject: `Re: [${ticket.reference}] more` }, 'y'.repeat(TEXT_LIMITS.message * 3)),
    );
    expect(res.status).toBe(202);
    const mail = await settled(from);
    expect([mail.status, mail.action]).toEqual(['done', 'added']);
    const reply = (await store().listEvents(ticket.id)).find((e) => e.type === 'customer_replied');
    expect(String(reply?.data?.body).length).toBeLessThanOrEqual(TEXT_LIMITS.message);
    const full = await eventually(
      async () => (await store().getTicket(ticket.id))?.attachments?.find((a) => a.filename === 'message.txt'),
      30_000,
      'message.txt',
    );
    expect(full.size).toBe(TEXT_LIMITS.message * 3);
  });
});

describe('mail beyond what the store holds', () => {
  it('is refused for good: HTTP 413 and SMTP 552, never a temporary answer', async () => {
    const from = uniqueAddress('too-big');
    const huge = 'z'.repeat(16 * 1024 * 1024);
    const res = await postRaw(rawMail({ From: from, Subject: 'Too big' }, huge));
    expect(res.status).toBe(413);
    const smtp = await sendMail({ from, subject: 'Too big by SMTP', text: huge }).then(
      () => 'accepted',
      (err: { responseCode?: number }) => err.responseCode,
    );
    expect(smtp).toBe(552);
    expect(await models().InboundMail.countDocuments({ from })).toBe(0);
  });
});

describe('CCs on mail', () => {
  it('are capped as on the API: the first addresses are kept, the rest recorded as dropped', async () => {
    const from = uniqueAddress('many-cc');
    const ccs = Array.from({ length: 100 }, (_, i) => `third-${i}@party.example`);
    const res = await postRaw(
      rawMail(
        { From: from, Subject: 'Everyone', Cc: ['bad@localhost', SUPPORT, from, ...ccs].join(', ') },
        'Hello all',
      ),
    );
    const outcome = (await res.json()) as { status: string; droppedCc?: { address: string; reason: string }[] };
    expect([res.status, outcome.status]).toEqual([202, 'done']);
    const mail = await settled(from);
    const ticket = (await store().getTicket(mail.ticketId ?? ''))!;
    expect(ticket.ccs).toEqual(ccs.slice(0, MAX_RECIPIENTS));
    expect(mail.droppedCc?.length).toBe(100 - MAX_RECIPIENTS + 1);
    expect(outcome.droppedCc).toEqual(mail.droppedCc);
    expect(mail.droppedCc?.[0]).toEqual({ address: 'bad@localhost', reason: 'not an email address' });
    expect(mail.droppedCc?.[1]).toEqual({
      address: ccs[MAX_RECIPIENTS],
      reason: `more than ${MAX_RECIPIENTS} recipients`,
    });
  });
});

describe('outbound mail the server refuses', () => {
  // A mail server of our own: 550 for "reject-…" recipients, 451 once for "later-…" ones.
  const seen: string[] = [];
  const delivered: string[] = [];
  let server: SMTPServer;
  let svc: PrivateServices;
  beforeAll(async () => {
    const deferred = new Set<string>();
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo(address, _session, callback) {
        seen.push(address.address);
        if (address.address.startsWith('reject-'))
          return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
        if (address.address.startsWith('later-') && !deferred.has(address.address)) {
          deferred.add(address.address);
          return callback(Object.assign(new Error('Mailbox busy, try again'), { responseCode: 451 }));
        }
        callback();
      },
      onData(stream, session, callback) {
        stream.resume();
        stream.on('end', () => {
          delivered.push(...session.envelope.rcptTo.map((r) => r.address));
          callback();
        });
      },
    });
    const port = await freePort();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    svc = await startPrivateServices(['worker', 'notifier', 'gateway'], {
      env: { SMTP_URL: `smtp://127.0.0.1:${port}` },
    });
  });
  afterAll(async () => {
    await svc?.stop();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('a 5xx rejection is on the timeline at once and tried once', async () => {
    const to = `reject-${randomUUID().slice(0, 8)}@customer.example`;
    const ticket = await createTicket({ requester: { id: to, email: to } }, { base: svc.gateway });
    const failed = await eventually(
      async () => {
        const events = await api<{ items: { type: string; data?: Record<string, unknown> }[] }>(
          'GET',
          `/v1/tickets/${ticket.id}/events`,
          { base: svc.gateway, token: token('agent', 'alice') },
        );
        return events.body.items.find((e) => e.type === 'notification_failed');
      },
      8_000,
      'the rejection on the timeline',
    );
    expect(failed.data).toMatchObject({ kind: 'ticket_received', to: [to] });
    // The timeline says what the server answered, not only that an activity failed.
    expect(String(failed.data?.error)).toContain('550');
    const outbox = await models().Notification.findOne({ ticketId: ticket.id, kind: 'ticket_received' }).lean();
    expect([outbox?.status, outbox?.attempts, outbox?.error]).toEqual(['failed', 1, expect.stringContaining('550')]);
    // A retry would come 2 s after the first attempt: none comes.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(seen.filter((a) => a === to)).toEqual([to]);
  });

  it('a 4xx is temporary: retried, then delivered, nothing on the timeline', async () => {
    const to = `later-${randomUUID().slice(0, 8)}@customer.example`;
    const ticket = await createTicket({ requester: { id: to, email: to } }, { base: svc.gateway });
    await eventually(
      async () => (delivered.includes(to) ? true : undefined),
      20_000,
      'the retried mail to be delivered',
    );
    expect(seen.filter((a) => a === to)).toEqual([to, to]);
    const events = await api<{ items: { type: string }[] }>('GET', `/v1/tickets/${ticket.id}/events`, {
      base: svc.gateway,
      token: token('agent', 'alice'),
    });
    expect(events.body.items.map((e) => e.type)).not.toContain('notification_failed');
  });
});
