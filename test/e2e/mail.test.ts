// Mail in and out, end to end: real mail over SMTP into the notifier's collector, and what the
// helpdesk sent read back from the SMTP sink.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { freePort, startMailSink } from '@helpdesk/dev-stack';
import { Store } from '@helpdesk/persistence';
import { api, command, eventually, stack, token, useStore } from '../support/api';
import type { TicketBody } from '../support/api';
import { SUPPORT, sendMail, sentTo, uniqueAddress, waitForMail } from '../support/mail';
import { startPrivateServices } from '../support/private-services';

const store = useStore();
// Look-ups no service makes go through the models' test-only escape hatch; the rest through the repositories.
const models = () => Store.modelsForTestsOnly(store());

const agent = () => token('agent', 'alice');
const mid = () => `<${randomUUID()}@customer.example>`;

/** The ticket a mail made (looked up by its requester), once the collector has acted on it. */
async function ticketFrom(address: string, count = 1) {
  return eventually(
    async () => {
      const docs = await models().Ticket.find({ 'requester.email': address }).sort({ createdAt: 1 }).lean();
      return docs.length >= count ? docs.map((d) => d._id) : undefined;
    },
    30_000,
    `a ticket from ${address}`,
  );
}

async function newTicketByMail(address: string, extra: Record<string, unknown> = {}) {
  const messageId = mid();
  await sendMail({
    from: `Carla <${address}>`,
    subject: 'Cannot print invoices',
    text: 'The printer says PC LOAD LETTER.',
    messageId,
    ...extra,
  });
  const [id] = await ticketFrom(address);
  const ticket = (await store().getTicket(id!))!;
  return { ticket, messageId };
}

describe('inbound mail', () => {
  it('a new mail opens a ticket and the requester gets an acknowledgement, in thread', async () => {
    const address = uniqueAddress('carla');
    const { ticket, messageId } = await newTicketByMail(address, { cc: 'manager@customer.example' });
    expect([ticket.status, ticket.channel, ticket.title, ticket.description]).toEqual([
      'new',
      'email',
      'Cannot print invoices',
      'The printer says PC LOAD LETTER.',
    ]);
    expect(ticket.requester).toMatchObject({ id: address, email: address });
    expect(ticket.ccs).toEqual(['manager@customer.example']);
    expect(ticket.supportAddress).toBe(SUPPORT);
    const [ack] = await waitForMail(address, ticket.reference);
    expect(ack?.subject).toContain(`[${ticket.reference}]`);
    expect(ack?.headers['in-reply-to']).toBe(messageId);
  });

  it('a reply threads by its headers, another by the subject token alone', async () => {
    const address = uniqueAddress('dan');
    const { ticket } = await newTicketByMail(address);
    const [ack] = await waitForMail(address, ticket.reference);
    const ackId = String(ack?.headers['message-id']);
    await sendMail({
      from: address,
      subject: 'Re: whatever the client made of it',
      text: 'Here is a photo.\n\n> quoted old text',
      inReplyTo: ackId,
      references: [ackId],
    });
    await sendMail({
      from: address,
      subject: `Re: [${ticket.reference}] Cannot print invoices`,
      text: 'And another thing.',
    });
    const replies = await eventually(
      async () => {
        const events = (await store().listEvents(ticket.id)).filter((e) => e.type === 'customer_replied');
        return events.length >= 2 ? events : undefined;
      },
      30_000,
      'two replies on the ticket',
    );
    expect(replies.map((e) => e.data?.body)).toEqual(['Here is a photo.', 'And another thing.']);
    expect(replies.every((e) => e.channel === 'email')).toBe(true);
    expect(await models().Ticket.countDocuments({ 'requester.email': address })).toBe(1);
  });

  it('a reply to a waiting ticket brings it back; inside the feedback window it reopens', async () => {
    const address = uniqueAddress('erin');
    const { ticket } = await newTicketByMail(address);
    await command(ticket.id, 'wait', { waitType: 'more_info', days: 1 });
    await sendMail({ from: address, subject: `[${ticket.reference}] info`, text: 'Serial number is 42.' });
    await eventually(
      async () => ((await store().getTicket(ticket.id))?.status === 'in_progress' ? true : undefined),
      30_000,
      'back from waiting',
    );
    await command(ticket.id, 'resolve', { method: 'customer_communication' });
    await sendMail({ from: address, subject: `[${ticket.reference}] still`, text: 'Still broken.' });
    const reopened = await eventually(
      async () => {
        const t = await store().getTicket(ticket.id);
        return t && t.reopenCount === 1 ? t : undefined;
      },
      30_000,
      'the reopen',
    );
    expect(reopened.status).toBe('in_progress');
  });

  it('a reply to a closed ticket makes a follow-up with the address it was sent to and only its CCs', async () => {
    const address = uniqueAddress('fay');
    const { ticket } = await newTicketByMail(address, { cc: 'old-cc@customer.example' });
    await api('PATCH', `/v1/tickets/${ticket.id}`, {
      token: agent(),
      body: { tags: ['printer'], priority: 'high', group: 'support' },
    });
    await command(ticket.id, 'spam');
    await sendMail({
      from: address,
      to: 'billing@helpdesk.local',
      cc: 'new-cc@customer.example',
      subject: `Re: [${ticket.reference}] again`,
      text: 'It happened again.',
    });
    const followUp = await eventually(
      async () => {
        const doc = await models().Ticket.findOne({ 'links.followUpOf': ticket.id }).lean();
        return doc ? store().getTicket(doc._id) : undefined;
      },
      30_000,
      'the follow-up',
    );
    expect(followUp).toMatchObject({
      channel: 'closed_ticket',
      supportAddress: 'billing@helpdesk.local',
      ccs: ['new-cc@customer.example'],
      tags: ['printer'],
      title: ticket.title,
      description: 'It happened again.',
      requester: ticket.requester,
    });
    expect(followUp?.priority).toBeUndefined();
    expect(followUp?.group).toBeUndefined();
    await waitForMail(address, 'Follow-up opened');
  });

  it('mail on a never-submitted draft fills its empty title and description', async () => {
    const address = uniqueAddress('gus');
    const draft = await api<TicketBody>('POST', '/v1/tickets', {
      token: agent(),
      body: { draft: true, requester: { id: address, email: address } },
    });
    await sendMail({ from: address, subject: `[${draft.body.reference}] My keyboard`, text: 'Keys stick.' });
    const filled = await eventually(
      async () => {
        const t = await store().getTicket(draft.body.id);
        return t?.description ? t : undefined;
      },
      30_000,
      'the draft to fill',
    );
    expect([filled.status, filled.title, filled.description]).toEqual([
      'draft',
      `[${draft.body.reference}] My keyboard`,
      'Keys stick.',
    ]);
  });

  it('the same message delivered twice, and in parallel, makes one ticket', async () => {
    const address = uniqueAddress('hal');
    const messageId = mid();
    const message = { from: address, subject: 'Duplicate me', text: 'Once only', messageId };
    await Promise.all([sendMail(message), sendMail(message), sendMail(message)]);
    await sendMail(message);
    await ticketFrom(address);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await models().Ticket.countDocuments({ 'requester.email': address })).toBe(1);
    const [id] = await ticketFrom(address);
    expect((await store().listEvents(id!)).map((e) => e.type)).toEqual(['created']);
    expect(await waitForMail(address, 'Duplicate me')).toHaveLength(1);
  });

  it('an out-of-office reply is suspended and never answered; recovering it makes an ordinary ticket', async () => {
    const address = uniqueAddress('ivy');
    await sendMail({
      from: address,
      subject: 'Out of office',
      text: 'I am away.',
      headers: { 'Auto-Submitted': 'auto-replied' },
    });
    const suspended = await eventually(
      async () => {
        const list = await api<{ items: { id: string; from: string; reason: string }[] }>('GET', '/v1/suspended', {
          token: agent(),
        });
        return list.body.items.find((m) => m.from === address);
      },
      30_000,
      'the suspended mail',
    );
    expect(suspended.reason).toContain('auto-submitted');
    expect(await models().Ticket.countDocuments({ 'requester.email': address })).toBe(0);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await sentTo(address)).toEqual([]);

    const recovered = await api<TicketBody>('POST', `/v1/suspended/${encodeURIComponent(suspended.id)}/recover`, {
      token: agent(),
    });
    expect(recovered.status).toBe(201);
    expect([recovered.body.channel, recovered.body.links.followUpOf, recovered.body.title]).toEqual([
      'email',
      undefined,
      'Out of office',
    ]);
    const again = await api<TicketBody>('POST', `/v1/suspended/${encodeURIComponent(suspended.id)}/recover`, {
      token: agent(),
    });
    expect(again.body.id).toBe(recovered.body.id);
    expect(
      (
        await api('POST', `/v1/suspended/${encodeURIComponent(suspended.id)}/recover`, {
          token: token('requester', 'x'),
        })
      ).status,
    ).toBe(403);
  });

  it("recovering a suspended mail builds its ticket as the collector builds a new mail's: brand of the address, CCs, support address", async () => {
    const address = uniqueAddress('kim');
    const mail = {
      subject: 'Invoice question',
      text: 'Which invoice?',
      to: 'Billing@Helpdesk.local',
      cc: 'Accounts@Customer.example, billing@helpdesk.local',
    };
    await sendMail({ ...mail, from: address, headers: { 'Auto-Submitted': 'auto-replied' } });
    const suspended = await eventually(
      async () => {
        const list = await api<{ items: { id: string; from: string }[] }>('GET', '/v1/suspended', { token: agent() });
        return list.body.items.find((m) => m.from === address);
      },
      30_000,
      'the suspended mail',
    );
    const recovered = await api<TicketBody>('POST', `/v1/suspended/${encodeURIComponent(suspended.id)}/recover`, {
      token: agent(),
    });
    const other = uniqueAddress('kim');
    await sendMail({ ...mail, from: other });
    const [id] = await ticketFrom(other);
    const collected = (await store().getTicket(id!))!;
    const shape = (t: Record<string, unknown>) => [t.brand, t.supportAddress, t.ccs, t.title, t.description];
    expect(shape(recovered.body)).toEqual([
      'billing',
      'billing@helpdesk.local',
      ['accounts@customer.example'],
      'Invoice question',
      'Which invoice?',
    ]);
    expect(shape({ ...collected })).toEqual(shape(recovered.body));
  });

  it('bounces, mail from our own address and mail not to a support address are suspended', async () => {
    const address = uniqueAddress('jo');
    await sendMail({ from: address, subject: 'Bounce', text: 'Undeliverable', envelopeFrom: false });
    await sendMail({ from: SUPPORT, subject: 'Loop', text: 'From ourselves' });
    await sendMail({ from: address, to: 'someone-else@elsewhere.example', subject: 'Wrong door', text: 'Not for you' });
    const reasons = await eventually(
      async () => {
        const docs = await models()
          .InboundMail.find({
            status: 'suspended',
            subject: { $in: ['Bounce', 'Loop', 'Wrong door'] },
            receivedAt: { $gt: Date.now() - 60_000 },
          })
          .lean();
        return docs.length >= 3 ? Object.fromEntries(docs.map((d) => [d.subject, d.suspendedReason])) : undefined;
      },
      30_000,
      'three suspended mails',
    );
    expect(reasons.Bounce).toContain('null return path');
    expect(reasons.Loop).toContain('helpdesk itself');
    expect(reasons['Wrong door']).toContain('not addressed');
  });

  it('a sender over the hourly limit is suspended with that reason', async () => {
    const address = uniqueAddress('kim');
    for (let i = 0; i < 6; i++) await sendMail({ from: address, subject: `Storm ${i}`, text: `message ${i}` });
    const limited = await eventually(
      async () => (await models().InboundMail.findOne({ from: address, status: 'suspended' }).lean()) ?? undefined,
      30_000,
      'the rate-limited mail',
    );
    expect(limited.suspendedReason).toContain('rate limited');
    expect(await models().Ticket.countDocuments({ 'requester.email': address })).toBe(5);
  });

  it('a raw message posted to the HTTP endpoint goes through the same pipeline', async () => {
    const address = uniqueAddress('lea');
    const raw = [
      `From: ${address}`,
      `To: ${SUPPORT}`,
      'Subject: Via webhook',
      `Message-ID: ${mid()}`,
      '',
      'Posted raw.',
    ].join('\r\n');
    const post = (tok?: string) =>
      fetch(stack().inboundHttp, {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822', ...(tok ? { authorization: `Bearer ${tok}` } : {}) },
        body: raw,
      });
    expect((await post()).status).toBe(401);
    expect((await post(token('agent', 'a'))).status).toBe(403);
    const first = await post(token('service', 'mail-provider'));
    expect(first.status).toBe(202);
    const again = await post(token('service', 'mail-provider'));
    expect([again.status, ((await again.json()) as { status: string }).status]).toEqual([200, 'duplicate']);
    await ticketFrom(address);
  });

  it("takes a service API key (what a provider's webhook uses in production), not a revoked or requester one", async () => {
    const address = uniqueAddress('leo');
    const raw = [`From: ${address}`, `To: ${SUPPORT}`, 'Subject: Via key', `Message-ID: ${mid()}`, '', 'Hi.'].join(
      '\r\n',
    );
    const post = (key: string) =>
      fetch(stack().inboundHttp, {
        method: 'POST',
        headers: { 'content-type': 'message/rfc822', authorization: `Bearer ${key}` },
        body: raw,
      });
    const newKey = async (role: string) => {
      const res = await api<{ id: string; key: string }>('POST', '/v1/api-keys', {
        token: token('admin', 'root'),
        body: { name: `inbound-${role}`, role },
      });
      expect(res.status).toBe(201);
      return res.body;
    };
    const requesterKey = await newKey('requester');
    expect((await post(requesterKey.key)).status).toBe(403);
    const serviceKey = await newKey('service');
    expect((await post(`${serviceKey.key}x`)).status).toBe(401);
    expect((await post(serviceKey.key)).status).toBe(202);
    await ticketFrom(address);
    expect((await api('DELETE', `/v1/api-keys/${serviceKey.id}`, { token: token('admin', 'root') })).status).toBe(200);
    expect((await post(serviceKey.key)).status).toBe(401);
  });
});

describe('attachments by mail', () => {
  it('are stored and listed on the ticket', async () => {
    const address = uniqueAddress('oli');
    await sendMail({
      from: address,
      subject: 'With a file',
      text: 'See attached',
      attachments: [{ filename: 'error.txt', content: 'stack trace here' }],
    });
    const [id] = await ticketFrom(address);
    const withFile = await eventually(
      async () => {
        const t = await store().getTicket(id!);
        return t?.attachments?.length ? t : undefined;
      },
      30_000,
      'the attachment on the ticket',
    );
    expect(withFile.attachments?.map((a) => [a.filename, a.size])).toEqual([['error.txt', 16]]);
    const download = await fetch(`${stack().gateway}/v1/attachments/${withFile.attachments?.[0]?.id}`, {
      headers: { authorization: `Bearer ${agent()}` },
    });
    expect(await download.text()).toBe('stack trace here');
  });
});

describe('outbound mail', () => {
  it('an agent reply reaches the requester and CCs with threading headers', async () => {
    const address = uniqueAddress('max');
    const { ticket, messageId } = await newTicketByMail(address, { cc: 'cc-person@customer.example' });
    const [ack] = await waitForMail(address, ticket.reference);
    await command(ticket.id, 'replies', { body: 'Please restart the printer.' });
    const reply = (await waitForMail(address, ticket.reference, 2)).find((m) => m.text?.includes('Please restart'));
    expect(reply).toBeDefined();
    expect(reply?.cc?.map((c) => c.address)).toEqual(['cc-person@customer.example']);
    expect(reply?.headers['in-reply-to']).toBeTruthy();
    expect(String(reply?.headers.references)).toContain(messageId);
    expect(String(reply?.headers.references)).toContain(String(ack?.headers['message-id']));
    expect(reply?.html).toContain('Please restart the printer.');
  });

  it('SMTP down during a notification, then back: the mail is delivered once', async () => {
    const smtpPort = await freePort();
    const webPort = await freePort();
    const svc = await startPrivateServices(['worker', 'notifier', 'gateway'], {
      env: { SMTP_URL: `smtp://127.0.0.1:${smtpPort}` },
    });
    const sink = { stop: async () => undefined } as { stop(): Promise<void> };
    try {
      const address = uniqueAddress('ned');
      const created = await api<TicketBody>('POST', '/v1/tickets', {
        base: svc.gateway,
        token: agent(),
        body: { title: 'While SMTP is down', description: 'x', requester: { id: address, email: address } },
      });
      expect(created.status).toBe(201); // the ticket never waits on mail
      await new Promise((r) => setTimeout(r, 3_000));
      const running = await startMailSink({
        smtpPort,
        webPort,
        mailDir: `${stack().dataDir}/private-mail-${smtpPort}`,
        logDir: `${stack().dataDir}/logs`,
      });
      sink.stop = running.stop;
      const mails = await eventually(
        async () => {
          const res = await fetch(`${running.webUrl}/email`);
          const all = (await res.json()) as { to: { address: string }[]; subject: string }[];
          const ours = all.filter((m) => m.to.some((t) => t.address === address));
          return ours.length > 0 ? ours : undefined;
        },
        60_000,
        'the mail once SMTP is back',
      );
      await new Promise((r) => setTimeout(r, 3_000));
      const res = await fetch(`${running.webUrl}/email`);
      const all = (await res.json()) as { to: { address: string }[] }[];
      expect(all.filter((m) => m.to.some((t) => t.address === address))).toHaveLength(1);
      expect(mails[0]?.subject).toContain(created.body.reference);
    } finally {
      await sink.stop();
      await svc.stop();
    }
  });
});
