// SLA policies over HTTP: targets and calendars set through PUT /v1/settings (validated), each
// ticket's due instants, the list filter and sort by due instant, a pause while waiting on the
// requester, and the warning, breach and breach mail. Settings change here, so this runs on
// private services with a database of their own. Targets are seconds long on a round-the-clock
// calendar, so nothing depends on the hour the suite runs at.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '@helpdesk/persistence';
import { api, command, createTicket, eventually, mailTo, token } from '../support/api';
import type { TicketBody } from '../support/api';
import { startPrivateServices } from '../support/private-services';
import type { PrivateServices } from '../support/private-services';

const SECOND_IN_MINUTES = 1 / 60;
const ALL_DAY = [{ from: '00:00', to: '24:00' }];
const ALWAYS = {
  timeZone: 'Europe/Paris',
  weeklyHours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
};

type SlaTarget = { dueAt: string | null; warnAt?: string; breachedAt?: string; metAt?: string; paused?: boolean };
type Ticket = TicketBody & {
  submittedAt: string;
  slaDueAt?: string;
  sla?: { policy: string; calendar?: string; firstResponse?: SlaTarget };
};
type List = { items: Ticket[]; nextCursor: string | null };

let svc: PrivateServices;
let store: Store;
const admin = () => token('admin', 'root');
const opts = () => ({ base: svc.gateway });
const get = async (id: string) => (await api<Ticket>('GET', `/v1/tickets/${id}`, { ...opts(), token: admin() })).body;
const list = async (query: string) =>
  (await api<List>('GET', `/v1/tickets?${query}`, { ...opts(), token: admin() })).body;
const eventTypes = async (id: string) => (await store.listEvents(id)).map((e) => e.type);

beforeAll(async () => {
  const database = `helpdesk_sla_${randomUUID().slice(0, 8)}`;
  svc = await startPrivateServices(['worker', 'notifier', 'gateway'], { database });
  store = await Store.connect((svc as PrivateServices & { mongoUrl: string }).mongoUrl);
});
afterAll(async () => {
  await svc?.stop();
  await store?.close();
});

describe('SLA settings', () => {
  it('refuse calendars that do not parse and names that name no calendar, field by field', async () => {
    const bad = await api<{ errors: { field: string }[] }>('PUT', '/v1/settings', {
      ...opts(),
      token: admin(),
      body: {
        businessCalendars: {
          office: { timeZone: 'Mars/Olympus', weeklyHours: { mon: [{ from: '09:00', to: '18:00' }] } },
        },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e) => e.field)).toContain('body.businessCalendars.office.timeZone');
    for (const [body, field] of [
      [{ slaPolicies: [{ name: 'p', calendar: 'missing', firstResponseMinutes: 60 }] }, 'body.slaPolicies[0].calendar'],
      [{ groupCalendars: { support: 'nowhere' } }, 'body.groupCalendars.support'],
    ] as const) {
      const unknown = await api<{ errors: { field: string }[] }>('PUT', '/v1/settings', {
        ...opts(),
        token: admin(),
        body,
      });
      expect(unknown.status, field).toBe(400);
      expect(unknown.body.errors.map((e) => e.field)).toEqual([field]);
    }
  });

  it('are stored and read back', async () => {
    const put = await api<{ slaPolicies: unknown[] }>('PUT', '/v1/settings', {
      ...opts(),
      token: admin(),
      body: {
        groups: ['support', 'fast', 'slow'],
        businessCalendars: { always: ALWAYS },
        groupCalendars: { fast: 'always' },
        slaPolicies: [
          // Due 8 s after submission, warned 4 s before.
          {
            name: 'fast',
            groups: ['fast'],
            firstResponseMinutes: 8 * SECOND_IN_MINUTES,
            warnBeforeMinutes: 4 * SECOND_IN_MINUTES,
          },
          { name: 'slow', groups: ['slow'], calendar: 'always', firstResponseMinutes: 5 * SECOND_IN_MINUTES },
        ],
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.slaPolicies).toHaveLength(2);
  });
});

describe('SLA on tickets', () => {
  it('shows dueAt, lists by it, warns, breaches and mails the group', async () => {
    const first = await createTicket({ group: 'fast' }, opts());
    const second = await createTicket({ group: 'fast' }, opts());
    const t = await get(first.id);
    expect(t.sla).toMatchObject({ policy: 'fast', calendar: 'always' });
    const dueAt = Date.parse(t.sla?.firstResponse?.dueAt ?? '');
    expect(dueAt - Date.parse(t.submittedAt)).toBe(8_000);
    expect(Date.parse(t.sla?.firstResponse?.warnAt ?? '')).toBe(dueAt - 4_000);
    expect(t.slaDueAt).toBe(t.sla?.firstResponse?.dueAt);
    // The requester does not see service levels.
    const mine = await api<Ticket>('GET', `/v1/tickets/${first.id}`, {
      ...opts(),
      token: token('requester', String((first.requester as { id: string }).id)),
    });
    expect(mine.body.sla).toBeUndefined();

    // Lists: due before an instant, and sorted by due instant both ways, a page at a time.
    const before = await list(`group=fast&dueBefore=${new Date(dueAt + 1).toISOString()}`);
    expect(before.items.map((i) => i.id)).toEqual([first.id]);
    const asc: string[] = [];
    let cursor: string | null = null;
    do {
      const page: List = await list(`group=fast&sort=due&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      asc.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(asc).toEqual([first.id, second.id]);
    expect((await list('group=fast&sort=due&order=desc')).items.map((i) => i.id)).toEqual([second.id, first.id]);
    const refused = await api<{ errors: { field: string }[] }>(
      'GET',
      `/v1/tickets?sort=updated&dueBefore=${new Date().toISOString()}`,
      { ...opts(), token: admin() },
    );
    expect(refused.status).toBe(400);

    // The warning, then the breach, on the timeline and in the read model.
    await eventually(
      async () => ((await eventTypes(first.id)).includes('sla_warning') ? true : undefined),
      20_000,
      'the warning',
    );
    const breached = await eventually(
      async () => {
        const doc = await store.getTicket(first.id);
        return doc && doc.breaches.length > 0 ? doc : undefined;
      },
      20_000,
      'the breach',
    );
    expect(breached.breaches).toEqual([{ kind: 'firstResponse', dueAt, at: expect.any(Number) }]);
    expect(breached.breaches[0]?.at).toBeGreaterThanOrEqual(dueAt);
    const events = await store.listEvents(first.id);
    expect(events.filter((e) => e.type === 'breached').map((e) => e.data)).toEqual([{ kind: 'firstResponse', dueAt }]);
    const types = events.map((e) => e.type);
    expect(types.indexOf('sla_warning')).toBeLessThan(types.indexOf('breached'));
    expect((await get(first.id)).sla?.firstResponse?.breachedAt).toBeDefined();
    expect((await list('group=fast&breached=true')).items.map((i) => i.id)).toContain(first.id);
    // Breached and unanswered: still listed by its due instant.
    expect((await list('group=fast&sort=due')).items.map((i) => i.id)).toContain(first.id);
    await eventually(
      async () => {
        const mail = await mailTo('fast@groups.helpdesk.local', first.reference);
        return mail.some((m) => m.subject.includes('Service level breached')) ? mail : undefined;
      },
      20_000,
      'the breach mail',
    );
    // Answered: the target is met and the ticket leaves the due list.
    expect((await command(second.id, 'replies', { body: 'On it' }, opts())).status).toBe(200);
    const answered = await get(second.id);
    expect(answered.sla?.firstResponse?.metAt).toBeDefined();
    expect(answered.slaDueAt).toBeUndefined();
    expect((await list('group=fast&sort=due')).items.map((i) => i.id)).not.toContain(second.id);
  });

  it('waiting on the requester pauses the clock; their reply resumes it', async () => {
    const created = await createTicket({ group: 'slow' }, opts());
    expect((await command(created.id, 'wait', { waitType: 'more_info', days: 1 }, opts())).status).toBe(200);
    const waiting = await get(created.id);
    expect(waiting.sla?.firstResponse).toMatchObject({ dueAt: null, paused: true });
    expect(waiting.slaDueAt).toBeUndefined();
    // Past the 5-second target in wall time: no breach while it waits.
    await new Promise((r) => setTimeout(r, 7_000));
    expect(await eventTypes(created.id)).not.toContain('breached');
    const requester = token('requester', String((created.requester as { id: string }).id));
    const reply = await api('POST', `/v1/tickets/${created.id}/replies`, {
      ...opts(),
      token: requester,
      body: { body: 'Here is the log' },
    });
    expect(reply.status).toBe(200);
    const resumed = await get(created.id);
    expect(resumed.status).toBe('in_progress');
    const dueAt = Date.parse(resumed.sla?.firstResponse?.dueAt ?? '');
    // The seconds it waited do not count: due well after the 5 s from submission.
    expect(dueAt - Date.parse(resumed.submittedAt)).toBeGreaterThan(11_000);
    expect(resumed.slaDueAt).toBe(resumed.sla?.firstResponse?.dueAt);
    await eventually(
      async () => ((await eventTypes(created.id)).includes('breached') ? true : undefined),
      20_000,
      'the breach',
    );
  });
});
