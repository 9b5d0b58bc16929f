// Automation over HTTP and mail on the real stack: a trigger assigns and tags a ticket created by
// mail, a dry run says what a rule would do, a macro replies and acts in one call, a time rule
// mails a reminder when its instant comes. Rules are settings, so this runs on private services
// with a database of their own.
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '@helpdesk/persistence';
import { api, command, createTicket, eventually, token } from '../support/api';
import type { TicketBody } from '../support/api';
import { SUPPORT, uniqueAddress, waitForMail } from '../support/mail';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

let svc: PrivateServices & { mongoUrl: string };
let store: Store;
const admin = () => token('admin', 'root');
const alice = () => token('agent', 'alice', 'alice@example.com');
const opts = () => ({ base: svc.gateway });

beforeAll(async () => {
  svc = await startPrivateServices(['worker', 'notifier', 'gateway'], {
    database: `helpdesk_automation_${randomUUID().slice(0, 8)}`,
  });
  store = await Store.connect(svc.mongoUrl);
  await store.putSettings({ responseDelayHours: null, actionDelayHours: null });
});
afterAll(async () => {
  await svc?.stop();
  await store?.close();
});

async function mailIn(from: string, subject: string, text: string) {
  const transport = nodemailer.createTransport(`smtp://127.0.0.1:${String(svc.ready('notifier').smtpPort)}`);
  try {
    await transport.sendMail({ from, to: SUPPORT, subject, text, messageId: `<${randomUUID()}@customer.example>` });
  } finally {
    transport.close();
  }
}

interface Trigger {
  id: string;
  name: string;
}

describe('triggers', () => {
  it('assign and tag a ticket created by mail, and the timeline names the trigger and the settings version', async () => {
    const marker = randomUUID().slice(0, 8);
    const made = await api<Trigger>('POST', '/v1/triggers', {
      ...opts(),
      token: admin(),
      body: {
        name: 'Printers to Alice',
        on: ['created'],
        conditions: {
          all: [
            { field: 'channel', op: 'is', value: 'email' },
            { field: 'title', op: 'contains', value: marker },
          ],
        },
        actions: [
          { type: 'assign_group', group: 'support' },
          { type: 'assign_agent', agent: 'alice' },
          { type: 'add_tags', tags: ['printer', 'auto'] },
        ],
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const { version } = (await api<{ version: number }>('GET', '/v1/settings', { ...opts(), token: admin() })).body;

    const from = uniqueAddress('trigger');
    await mailIn(from, `Printer ${marker} jams`, 'It eats paper.');
    const ticket = await eventually(
      async () => {
        const t = await Store.modelsForTestsOnly(store).Ticket.findOne({ 'requester.email': from }).lean();
        return t?.assignee === 'alice' ? t : undefined;
      },
      30_000,
      'the trigger to assign the ticket',
    );
    expect(ticket).toMatchObject({ group: 'support', assignee: 'alice', channel: 'email' });
    expect(ticket.tags).toEqual(expect.arrayContaining(['printer', 'auto']));
    // The timeline is written beside the ticket's row, not with it (no transactions): it may follow a moment later.
    const marked = await eventually(
      async () => {
        const events = await store.listEvents(ticket._id);
        const byRule = events.filter((e) => (e.data as { automation?: unknown } | undefined)?.automation);
        return byRule.length >= 3 ? byRule : undefined;
      },
      10_000,
      "the trigger's events in the timeline",
    );
    expect(marked.map((e) => e.type)).toEqual(['reclassified', 'assigned', 'modified']);
    for (const e of marked)
      expect(e.data?.['automation']).toEqual({ kind: 'trigger', id: made.body.id, name: 'Printers to Alice', version });
    // Alice hears of the assignment at her directory address.
    await waitForMail('alice@agents.helpdesk.test', ticket.reference);

    // A mail without the marker is left alone.
    const other = uniqueAddress('untouched');
    await mailIn(other, 'Printer jams', 'Same here.');
    const plain = await eventually(
      async () =>
        (await Store.modelsForTestsOnly(store).Ticket.findOne({ 'requester.email': other }).lean()) ?? undefined,
      30_000,
    );
    expect(plain.assignee).toBeUndefined();
    expect(plain.tags).not.toContain('auto');
  });

  it('refuse rules that name an unknown agent or group, or an unknown field, with a 400 naming it', async () => {
    const base = { name: 'x', on: ['created'], conditions: {} };
    const agent = await api<{ errors?: { field: string }[] }>('POST', '/v1/triggers', {
      ...opts(),
      token: admin(),
      body: { ...base, actions: [{ type: 'assign_agent', agent: 'no-such-agent' }] },
    });
    expect(agent.status).toBe(400);
    expect(JSON.stringify(agent.body)).toContain('body.actions.0.agent');
    const group = await api('POST', '/v1/triggers', {
      ...opts(),
      token: admin(),
      body: { ...base, actions: [{ type: 'assign_group', group: 'nowhere' }] },
    });
    expect(group.status).toBe(400);
    const field = await api('POST', '/v1/triggers', {
      ...opts(),
      token: admin(),
      body: { ...base, conditions: { all: [{ field: 'shoe_size', op: 'is', value: '9' }] }, actions: [] },
    });
    expect(field.status).toBe(400);
    const agentMay = await api('POST', '/v1/triggers', {
      ...opts(),
      token: alice(),
      body: { ...base, actions: [{ type: 'add_tags', tags: ['a'] }] },
    });
    expect(agentMay.status).toBe(403);
    const before = (await api<{ items: unknown[] }>('GET', '/v1/triggers', { ...opts(), token: alice() })).body.items;
    expect(before.every((t) => (t as { name: string }).name !== 'x')).toBe(true);
  });

  it('dry run: says whether the conditions hold and what would change, and commits nothing', async () => {
    const ticket = await createTicket({ title: 'Dry run printer', priority: 'low' }, opts());
    const made = await api<Trigger>('POST', '/v1/triggers', {
      ...opts(),
      token: admin(),
      body: {
        name: 'Urgent printers',
        on: ['updated'],
        active: false,
        conditions: { all: [{ field: 'title', op: 'contains', value: 'dry run' }] },
        actions: [
          { type: 'set_fields', fields: { priority: 'high' } },
          { type: 'send_mail', to: ['requester'], subject: 'About {{ticket.reference}}', body: 'On it.' },
        ],
      },
    });
    expect(made.status).toBe(201);
    const run = await api<{
      matches: boolean;
      listens: boolean;
      changes: Record<string, unknown>;
      mail: { subject: string }[];
    }>('POST', `/v1/triggers/${made.body.id}/test`, { ...opts(), token: admin(), body: { ticketId: ticket.id } });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    expect(run.body).toMatchObject({ matches: true, listens: true, changes: { priority: 'high' } });
    expect(run.body.mail.map((m) => m.subject)).toEqual([`About ${ticket.reference}`]);
    const after = await api<TicketBody>('GET', `/v1/tickets/${ticket.id}`, { ...opts(), token: admin() });
    expect(after.body['priority']).toBe('low');
    expect(after.body['revision']).toBe(ticket['revision']);
    // Another ticket: the conditions fail.
    const other = await createTicket({ title: 'Keyboard' }, opts());
    const no = await api<{ matches: boolean; changes: object }>('POST', `/v1/triggers/${made.body.id}/test`, {
      ...opts(),
      token: admin(),
      body: { ticketId: other.id },
    });
    expect(no.body).toMatchObject({ matches: false, changes: {} });
    expect(
      (
        await api('POST', `/v1/triggers/${made.body.id}/test`, {
          ...opts(),
          token: admin(),
          body: { ticketId: 'nope' },
        })
      ).status,
    ).toBe(404);
    expect((await api('DELETE', `/v1/triggers/${made.body.id}`, { ...opts(), token: admin() })).status).toBe(204);
    expect((await api('GET', `/v1/triggers/${made.body.id}`, { ...opts(), token: admin() })).status).toBe(404);
  });
});

describe('settings changed at the same moment', () => {
  it('through two gateways, lose no change: rules and custom fields added and removed at once are each there once', async () => {
    // A second gateway on the same database and task queue: the changes race across processes.
    const second = await startPrivateServices(['gateway'], {
      database: new URL(svc.mongoUrl).pathname.slice(1),
      env: { TICKETS_TASK_QUEUE: svc.taskQueue },
    });
    try {
      const marker = randomUUID().slice(0, 8);
      const gateways = [svc.gateway, second.gateway];
      const via = (i: number) => ({ base: gateways[i % 2], token: admin() });
      const rule = (i: number) => ({
        name: `At once ${marker} ${String(i)}`,
        on: ['created'],
        // Never holds: these rules must not act on the other tests' tickets.
        conditions: { all: [{ field: 'title', op: 'contains', value: `never-${marker}` }] },
        actions: [{ type: 'add_tags', tags: ['at-once'] }],
      });
      const field = (i: number) => ({
        key: `at_once_${marker}_${String(i)}`,
        label: 'At once',
        kind: 'text',
        active: true,
      });
      const made = await Promise.all([
        ...Array.from({ length: 6 }, (_, i) => api<Trigger>('POST', '/v1/triggers', { ...via(i), body: rule(i) })),
        ...Array.from({ length: 4 }, (_, i) => api('POST', '/v1/custom-fields', { ...via(i), body: field(i) })),
      ]);
      expect(
        made.map((r) => r.status),
        JSON.stringify(made.map((r) => r.body)),
      ).toEqual(Array(10).fill(201));
      const rulesNow = async () =>
        (await api<{ items: Trigger[] }>('GET', '/v1/triggers', via(0))).body.items.filter((t) =>
          t.name.includes(marker),
        );
      const fieldsNow = async () =>
        (await api<{ items: { key: string }[] }>('GET', '/v1/custom-fields', via(1))).body.items.filter((f) =>
          f.key.includes(marker),
        );
      const ruleIds = made.slice(0, 6).map((r) => (r.body as Trigger).id);
      expect((await rulesNow()).map((t) => t.id).sort()).toEqual([...ruleIds].sort());
      expect((await fieldsNow()).map((f) => f.key).sort()).toEqual(
        Array.from({ length: 4 }, (_, i) => field(i).key).sort(),
      );
      const settings = await store.currentSettings();

      // Removed at once, through both: none left, none brought back by a change made from an older list.
      const removed = await Promise.all([
        ...ruleIds.map((id, i) => api('DELETE', `/v1/triggers/${id}`, via(i))),
        ...Array.from({ length: 4 }, (_, i) => api('DELETE', `/v1/custom-fields/${field(i).key}`, via(i + 1))),
      ]);
      expect(removed.map((r) => r.status)).toEqual(Array(10).fill(204));
      expect(await rulesNow()).toEqual([]);
      expect(await fieldsNow()).toEqual([]);
      // Each change its own settings version: ten more.
      expect((await store.currentSettings()).version).toBe(settings.version + 10);
    } finally {
      await second.stop();
    }
  });

  it('a change is stored only onto the version it was worked out from: a refusal writes nothing', async () => {
    const before = await store.currentSettings();
    let calls = 0;
    await expect(
      store.changeSettings(async (current) => {
        calls++;
        // Another change lands between the read and the write, the first time only.
        if (calls === 1) await store.putSettings({ notificationFooter: `meanwhile ${randomUUID()}` });
        return { defaultWaitDays: current.defaultWaitDays + 1 };
      }),
    ).resolves.toMatchObject({ settings: { defaultWaitDays: before.defaultWaitDays + 1 } });
    // Worked out again from the change that landed first, which it keeps.
    expect(calls).toBe(2);
    const after = await store.currentSettings();
    expect(after.version).toBe(before.version + 2);
    expect(after.notificationFooter).toMatch(/^meanwhile /);

    const refused = store.changeSettings(() => {
      throw new Error('refused');
    });
    await expect(refused).rejects.toThrow('refused');
    expect((await store.currentSettings()).version).toBe(after.version);
    await store.putSettings({ defaultWaitDays: before.defaultWaitDays });
  });
});

describe('a trigger calling a webhook', () => {
  it("posts the ticket to the subscription's URL, signed with its secret, once", async () => {
    const calls: { body: string; signature: string; id: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        // Only the rule's calls: the subscription's dispatcher delivers feed events here too.
        if (req.headers['x-helpdesk-event-type'] === 'automation')
          calls.push({
            body,
            signature: String(req.headers['x-helpdesk-signature']),
            id: String(req.headers['x-helpdesk-event-id']),
          });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const secret = `whsec-${randomUUID()}`;
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const sub = await api<{ id: string }>('POST', '/v1/webhooks', {
        ...opts(),
        token: admin(),
        body: { url, secret, eventTypes: ['workflow_halted'] },
      });
      expect(sub.status, JSON.stringify(sub.body)).toBe(201);
      const unknown = await api('POST', '/v1/triggers', {
        ...opts(),
        token: admin(),
        body: { name: 'x', on: ['created'], actions: [{ type: 'call_webhook', webhook: 'no-such-webhook' }] },
      });
      expect(unknown.status).toBe(400);
      const marker = randomUUID().slice(0, 8);
      const made = await api<Trigger>('POST', '/v1/triggers', {
        ...opts(),
        token: admin(),
        body: {
          name: 'Tell the CRM',
          on: ['created'],
          conditions: { all: [{ field: 'title', op: 'contains', value: marker }] },
          actions: [{ type: 'call_webhook', webhook: sub.body.id }],
        },
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const ticket = await createTicket({ title: `CRM ${marker}` }, opts());
      const [call] = await eventually(async () => (calls.length > 0 ? calls : undefined), 30_000, 'the call');
      const t = /t=(\d+)/.exec(call?.signature ?? '')?.[1];
      const expected = createHmac('sha256', secret).update(`${t}.${call?.body}`).digest('hex');
      expect(call?.signature).toBe(`t=${t},v1=${expected}`);
      const payload = JSON.parse(call?.body ?? '{}') as { ticket: { id: string }; rule: { id: string } };
      expect(payload.ticket.id).toBe(ticket.id);
      expect(payload.rule.id).toBe(made.body.id);
      expect(call?.id.startsWith(`${ticket.id}:`)).toBe(true);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(calls).toHaveLength(1);
      await api('DELETE', `/v1/triggers/${made.body.id}`, { ...opts(), token: admin() });
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});

describe('macros', () => {
  it('apply in one call: the reply with its placeholders filled, and the actions, as one command', async () => {
    const requester = uniqueAddress('macro');
    const ticket = await createTicket(
      { title: 'Macro printer', requester: { id: `r-${randomUUID()}`, name: 'Rita', email: requester } },
      opts(),
    );
    const made = await api<{ id: string }>('POST', '/v1/macros', {
      ...opts(),
      token: alice(),
      body: {
        name: 'Ask for the model',
        reply: { body: 'Hello {{requester.name}}, which model is it? ({{ticket.reference}}, {{agent.name}})' },
        actions: [
          { type: 'add_tags', tags: ['needs-model'] },
          { type: 'set_fields', fields: { priority: 'normal' } },
        ],
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const applied = await api<TicketBody & { tags: string[]; priority: string }>(
      'POST',
      `/v1/tickets/${ticket.id}/macros/${made.body.id}`,
      { ...opts(), token: alice(), body: {} },
    );
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body.tags).toContain('needs-model');
    expect(applied.body.priority).toBe('normal');
    expect(applied.body.revision).toBe((ticket['revision'] as number) + 1);
    const events = await eventually(async () => {
      const list = await store.listEvents(ticket.id);
      return list.some((e) => e.type === 'replied') ? list : undefined;
    });
    const replied = events.find((e) => e.type === 'replied');
    expect(replied?.data?.['body']).toBe(`Hello Rita, which model is it? (${ticket.reference}, alice)`);
    const mail = await waitForMail(requester, ticket.reference);
    expect(mail.some((m) => m.text?.includes('which model is it?'))).toBe(true);

    // Personal: another agent neither sees nor applies it; a macro with a rule-only action is refused.
    const bob = token('agent', 'bob');
    expect(
      (await api<{ items: { id: string }[] }>('GET', '/v1/macros', { ...opts(), token: bob })).body.items.map(
        (m) => m.id,
      ),
    ).not.toContain(made.body.id);
    expect(
      (await api('POST', `/v1/tickets/${ticket.id}/macros/${made.body.id}`, { ...opts(), token: bob, body: {} }))
        .status,
    ).toBe(404);
    const closing = await api('POST', '/v1/macros', {
      ...opts(),
      token: alice(),
      body: { name: 'Close it', actions: [{ type: 'close' }] },
    });
    expect(closing.status).toBe(400);
    expect(
      (
        await api('POST', '/v1/macros', {
          ...opts(),
          token: alice(),
          body: { name: 'x', shared: true, actions: [{ type: 'add_tags', tags: ['a'] }] },
        })
      ).status,
    ).toBe(403);
  });

  it('a refused macro leaves the ticket exactly as it was', async () => {
    const ticket = await createTicket({ title: 'Closed macro' }, opts());
    expect((await command(ticket.id, 'resolve', { method: 'spam' }, opts())).status).toBe(200);
    const made = await api<{ id: string }>('POST', '/v1/macros', {
      ...opts(),
      token: alice(),
      body: { name: 'Tag', actions: [{ type: 'add_tags', tags: ['late'] }] },
    });
    const before = await api<TicketBody>('GET', `/v1/tickets/${ticket.id}`, { ...opts(), token: admin() });
    const refused = await api('POST', `/v1/tickets/${ticket.id}/macros/${made.body.id}`, {
      ...opts(),
      token: alice(),
      body: {},
    });
    expect(refused.status).toBe(409);
    const after = await api<TicketBody>('GET', `/v1/tickets/${ticket.id}`, { ...opts(), token: admin() });
    expect(after.body['revision']).toBe(before.body['revision']);
    expect(after.body['tags']).toEqual(before.body['tags']);
  });
});

describe('time rules', () => {
  it('mail a reminder a few seconds after a ticket went on hold (the instant comes from the rule, not a sweep)', async () => {
    const requester = uniqueAddress('reminder');
    const made = await api<{ id: string }>('POST', '/v1/time-rules', {
      ...opts(),
      token: admin(),
      body: {
        name: 'Remind on hold',
        anchor: 'status_changed',
        hours: 3 / 3600,
        conditions: { all: [{ field: 'requester.email', op: 'is', value: requester }] },
        actions: [
          { type: 'send_mail', to: ['requester'], subject: 'Reminder about {{ticket.reference}}', body: 'Any news?' },
        ],
      },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const ticket = await createTicket(
      { title: 'On hold', requester: { id: `r-${randomUUID()}`, email: requester } },
      opts(),
    );
    const waiting = await command<TicketBody & { statusChangedAt: string }>(
      ticket.id,
      'wait',
      { waitType: 'more_info', days: 1 },
      opts(),
    );
    expect(waiting.status).toBe(200);
    const [mail] = await waitForMail(requester, `Reminder about ${ticket.reference}`);
    expect(mail).toBeDefined();
    const acted = (await store.listEvents(ticket.id)).find((e) => e.type === 'automation_acted');
    expect(acted?.at).toBeGreaterThanOrEqual(Date.parse(waiting.body.statusChangedAt) + 3_000);
    expect(acted?.data?.['automation']).toMatchObject({ kind: 'time_rule', id: made.body.id });
  });
});
