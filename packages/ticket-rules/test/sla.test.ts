// SLA policies: which policy and calendar apply, the due instants of each target (working time,
// pauses while waiting on the requester, reopen, next response), and the timers they arm.
import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { MINUTE_MS, slaSettingsProblems } from '@helpdesk/contracts';
import type { Actor, Settings, SlaPolicy, TicketCommand, TicketState } from '@helpdesk/contracts';
import {
  actsAt,
  breachedBefore,
  computeSla,
  createTicket,
  decide,
  deadlinesMoved,
  fireTimer,
  nextTimer,
  pendingTimers,
  slaRefreshed,
} from '../src';
import type { Accepted, Context } from '../src';
import { alice, rita, settings, ticket, T0, HOUR } from './fixtures';

const ZONE = 'Europe/Paris';
const NINE_TO_SIX = [{ from: '09:00', to: '18:00' }];
const OFFICE = {
  timeZone: ZONE,
  weeklyHours: { mon: NINE_TO_SIX, tue: NINE_TO_SIX, wed: NINE_TO_SIX, thu: NINE_TO_SIX, fri: NINE_TO_SIX },
};
/** An instant given as Paris wall-clock time. */
const paris = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toMillis();
const local = (ms: number | null | undefined) =>
  ms == null ? ms : DateTime.fromMillis(ms, { zone: ZONE }).toFormat('ccc yyyy-MM-dd HH:mm');

const slaSettings = (policies: SlaPolicy[], over: Partial<Settings> = {}) =>
  settings({
    responseDelayHours: 8,
    actionDelayHours: 72,
    businessCalendars: { office: OFFICE },
    slaPolicies: policies,
    ...over,
  });
const OFFICE_POLICY: SlaPolicy = { name: 'standard', calendar: 'office', firstResponseMinutes: 60 };

const at = (now: number, actor: Actor, s: Settings): Context => ({ now, actor, settings: s });

function create(now: number, s: Settings, fields: Partial<TicketState> = {}): TicketState {
  return createTicket(
    {
      ticketId: 't1',
      reference: 'TK-1',
      actor: alice,
      channel: 'web',
      draft: false,
      fields: {
        title: 'Printer',
        description: 'On fire',
        requester: { id: 'rita', email: 'rita@example.com' },
        ...fields,
      },
      settings: s,
    },
    at(now, alice, s),
  ).state;
}

function run(state: TicketState, command: TicketCommand, actor: Actor, now: number, s: Settings): TicketState {
  const d = decide(state, { command, actor }, at(now, actor, s));
  if (!d.ok) throw new Error(d.refusal.message);
  return d.state;
}

const notified = (r: Accepted) =>
  r.effects.flatMap((e) => (e.type === 'notify' ? [{ kind: e.notification.kind, to: e.notification.to }] : []));

describe('SLA policy and calendar', () => {
  it('Friday 17:55 in a 9–18 Mon–Fri calendar with a 1-hour first response is due Monday 09:55 local', () => {
    const s = slaSettings([OFFICE_POLICY]);
    const t = create(paris('2026-11-20T17:55'), s);
    expect(t.sla?.policy).toBe('standard');
    expect(t.sla?.calendar).toBe('office');
    expect(local(t.sla?.firstResponse?.dueAt)).toBe('Mon 2026-11-23 09:55');
    expect(t.slaDueAt).toBe(paris('2026-11-23T09:55'));
    // The policy replaces the two global delays: its deadline is the only service-level timer.
    expect(pendingTimers(t, s)).toEqual([
      { kind: 'sla_due', at: paris('2026-11-23T09:55'), target: 'firstResponse', dueAt: paris('2026-11-23T09:55') },
    ]);
  });

  it('the first matching policy wins, by priority, group and type; none matching keeps the global delays', () => {
    const s = slaSettings([
      { name: 'urgent', priorities: ['high'], firstResponseMinutes: 15 },
      { name: 'billing', groups: ['billing'], types: ['incident'], firstResponseMinutes: 30 },
      { name: 'billing-any', groups: ['billing'], firstResponseMinutes: 45 },
    ]);
    const now = T0;
    expect(create(now, s, { priority: 'high', group: 'billing' }).sla?.policy).toBe('urgent');
    expect(create(now, s, { group: 'billing', type: 'incident' }).sla?.policy).toBe('billing');
    expect(create(now, s, { group: 'billing', type: 'question' }).sla?.policy).toBe('billing-any');
    const none = create(now, s, { group: 'support' });
    expect(none.sla).toBeUndefined();
    expect(none.slaDueAt).toBeUndefined();
    expect(
      pendingTimers(none, s)
        .map((t) => t.kind)
        .sort(),
    ).toEqual(['action_due', 'response_due']);
    // Round the clock when neither the policy nor the group names a calendar: 15 minutes of wall time.
    expect(create(now, s, { priority: 'high' }).sla?.firstResponse?.dueAt).toBe(now + 15 * MINUTE_MS);
  });

  it("uses the group's calendar when the policy names none, and the policy's over the group's", () => {
    const night = { timeZone: 'UTC', weeklyHours: { mon: [{ from: '22:00', to: '06:00', nextDay: true }] } };
    const s = slaSettings([{ name: 'p', firstResponseMinutes: 60 }], {
      businessCalendars: { office: OFFICE, night },
      groupCalendars: { support: 'office', ops: 'night' },
    });
    const friday = paris('2026-11-20T17:55');
    expect(local(create(friday, s, { group: 'support' }).sla?.firstResponse?.dueAt)).toBe('Mon 2026-11-23 09:55');
    // Ops works Monday nights (UTC): the hour runs Monday 22:00–23:00 UTC.
    expect(create(friday, s, { group: 'ops' }).sla?.firstResponse?.dueAt).toBe(Date.UTC(2026, 10, 23, 23, 0));
    const pinned = slaSettings([{ name: 'p', calendar: 'night', firstResponseMinutes: 60 }], {
      businessCalendars: { office: OFFICE, night },
      groupCalendars: { support: 'office' },
    });
    expect(create(friday, pinned, { group: 'support' }).sla?.calendar).toBe('night');
  });

  it('counts working time across a DST change and a holiday', () => {
    const s = slaSettings([{ ...OFFICE_POLICY, firstResponseMinutes: 120 }], {
      businessCalendars: { office: { ...OFFICE, holidays: [{ date: '2026-03-30', name: 'closed' }] } },
    });
    // Friday 17:30 before the clocks go forward (29 March 2026); Monday is a holiday.
    const t = create(paris('2026-03-27T17:30'), s);
    expect(local(t.sla?.firstResponse?.dueAt)).toBe('Tue 2026-03-31 10:30');
  });
});

describe('SLA clocks', () => {
  const s = slaSettings([
    { ...OFFICE_POLICY, firstResponseMinutes: 120, nextResponseMinutes: 60, resolutionMinutes: 9 * 60 },
  ]);
  const monday = (time: string) => paris(`2026-11-23T${time}`);

  it('waiting on the requester pauses every clock, and their reply resumes them', () => {
    let t = create(monday('09:00'), s);
    expect(local(t.sla?.firstResponse?.dueAt)).toBe('Mon 2026-11-23 11:00');
    t = run(t, { type: 'wait', waitType: 'more_info', days: 3 }, alice, monday('10:00'), s);
    expect(t.sla?.firstResponse).toMatchObject({ dueAt: null, paused: true, remainingMs: HOUR });
    expect(t.sla?.resolution).toMatchObject({ dueAt: null, paused: true, remainingMs: 8 * HOUR });
    expect(t.slaDueAt).toBeUndefined();
    expect(pendingTimers(t, s).filter((x) => x.kind.startsWith('sla'))).toEqual([]);
    // Back Wednesday 09:30: an hour of first response and eight of resolution left.
    t = run(t, { type: 'customer_reply', body: 'Here it is', via: 'web' }, rita, paris('2026-11-25T09:30'), s);
    expect(local(t.sla?.firstResponse?.dueAt)).toBe('Wed 2026-11-25 10:30');
    expect(local(t.sla?.resolution?.dueAt)).toBe('Wed 2026-11-25 17:30');
    expect(t.slaClock?.pauses).toEqual([{ from: monday('10:00'), to: paris('2026-11-25T09:30') }]);
    // No next-response clock: the requester's reply followed no agent reply.
    expect(t.sla?.nextResponse).toBeUndefined();
  });

  it('a "wait until" is not waiting on the requester: the clocks run on', () => {
    let t = create(monday('09:00'), s);
    t = run(t, { type: 'wait', waitType: 'until', until: monday('16:00') }, alice, monday('10:00'), s);
    expect(local(t.sla?.firstResponse?.dueAt)).toBe('Mon 2026-11-23 11:00');
  });

  it('the first public reply meets first response; a requester reply after it starts next response', () => {
    let t = create(monday('09:00'), s);
    t = run(t, { type: 'reply', body: 'Looking', visibility: 'private_note' }, alice, monday('09:10'), s);
    expect(t.sla?.firstResponse?.metAt).toBeUndefined();
    t = run(t, { type: 'reply', body: 'Try this', visibility: 'public' }, alice, monday('09:30'), s);
    expect(t.sla?.firstResponse).toMatchObject({ metAt: monday('09:30'), dueAt: monday('11:00') });
    expect(t.slaDueAt).toBe(monday('18:00'));
    t = run(t, { type: 'customer_reply', body: 'Did not help', via: 'web' }, rita, monday('17:30'), s);
    expect(local(t.sla?.nextResponse?.dueAt)).toBe('Tue 2026-11-24 09:30');
    expect(t.slaDueAt).toBe(monday('18:00'));
    // A second requester reply does not restart it.
    t = run(t, { type: 'customer_reply', body: 'Hello?', via: 'web' }, rita, monday('17:45'), s);
    expect(local(t.sla?.nextResponse?.dueAt)).toBe('Tue 2026-11-24 09:30');
    t = run(t, { type: 'reply', body: 'Now?', visibility: 'public' }, alice, paris('2026-11-24T09:00'), s);
    expect(t.sla?.nextResponse).toMatchObject({ metAt: paris('2026-11-24T09:00') });
    expect(t.slaClock?.nextFrom).toBeUndefined();
  });

  it('resolution stops at resolve, and a reopen resumes it with what was left', () => {
    let t = create(monday('09:00'), s);
    t = run(t, { type: 'reply', body: 'Fixed', visibility: 'public' }, alice, monday('10:00'), s);
    t = run(t, { type: 'resolve', method: 'customer_communication' }, alice, monday('12:00'), s);
    expect(t.sla?.resolution).toMatchObject({ metAt: monday('12:00'), dueAt: monday('18:00') });
    expect(t.slaDueAt).toBeUndefined();
    // Reopened Tuesday 09:00 with six hours left.
    t = run(t, { type: 'reopen' }, rita, paris('2026-11-24T09:00'), s);
    expect(t.sla?.resolution?.metAt).toBeUndefined();
    expect(local(t.sla?.resolution?.dueAt)).toBe('Tue 2026-11-24 15:00');
    expect(t.slaDueAt).toBe(paris('2026-11-24T15:00'));
  });

  it('the pauses a ticket keeps are bounded', () => {
    let t = create(monday('09:00'), s);
    for (let i = 0; i < 120; i++) {
      t = run(t, { type: 'wait', waitType: 'more_info', days: 1 }, alice, monday('09:00') + i * 2000 + 1, s);
      t = run(t, { type: 'resume' }, alice, monday('09:00') + i * 2000 + 1001, s);
    }
    expect(t.slaClock?.pauses).toHaveLength(100);
  });
});

describe('SLA timers', () => {
  const s = slaSettings([{ ...OFFICE_POLICY, warnBeforeMinutes: 15 }]);

  it('warns in working time before the due instant, then breaches, telling the group and the assignee', () => {
    let t = create(paris('2026-11-20T17:55'), s, { group: 'support' });
    t = { ...t, assignee: 'alice' };
    const warning = nextTimer(t, s);
    expect(warning).toMatchObject({ kind: 'sla_warning', target: 'firstResponse' });
    expect(local(warning?.at)).toBe('Mon 2026-11-23 09:40');
    expect(t.sla?.firstResponse?.warnAt).toBe(warning?.at);
    const warned = fireTimer(t, warning!, warning!.at, s);
    expect(warned.events.map((e) => [e.type, e.data])).toEqual([
      ['sla_warning', { kind: 'firstResponse', dueAt: paris('2026-11-23T09:55'), warnAt: warning!.at }],
    ]);
    expect(notified(warned)).toEqual([{ kind: 'sla_warning', to: ['group:support', 'user:alice'] }]);
    t = warned.state;
    const due = nextTimer(t, s);
    expect(due).toMatchObject({ kind: 'sla_due', at: paris('2026-11-23T09:55') });
    expect(pendingTimers(t, s).some((x) => x.kind === 'sla_warning')).toBe(false);
    const breached = fireTimer(t, due!, due!.at + 10, s);
    expect(breached.events.map((e) => [e.type, e.data])).toEqual([
      ['breached', { kind: 'firstResponse', dueAt: paris('2026-11-23T09:55') }],
    ]);
    expect(notified(breached)).toEqual([{ kind: 'breach', to: ['group:support', 'user:alice'] }]);
    t = breached.state;
    expect(t.sla?.firstResponse?.breachedAt).toBe(due!.at + 10);
    // Unmet, so still what lists sort by; no timer left for it.
    expect(t.slaDueAt).toBe(paris('2026-11-23T09:55'));
    expect(pendingTimers(t, s)).toEqual([]);
  });

  it('a breach waits out the receipt grace; a command received after the due instant records it first', () => {
    const t = create(paris('2026-11-20T17:55'), slaSettings([OFFICE_POLICY]));
    const due = nextTimer(t, slaSettings([OFFICE_POLICY]))!;
    expect(actsAt(due, s)).toBe(due.at + 3_000);
    expect(breachedBefore(t, slaSettings([OFFICE_POLICY]), due.at + 1, due.at + 2_000)).toHaveLength(1);
    expect(breachedBefore(t, slaSettings([OFFICE_POLICY]), due.at - 1, due.at + 2_000)).toEqual([]);
  });

  it('settings that move a deadline are noticed, and the view follows them; others move nothing', () => {
    const t = create(paris('2026-11-20T17:55'), s);
    expect(deadlinesMoved(t, s, { ...s, notificationFooter: 'Bye' })).toBe(false);
    const later = slaSettings([{ ...OFFICE_POLICY, firstResponseMinutes: 120, warnBeforeMinutes: 15 }]);
    expect(deadlinesMoved(t, s, later)).toBe(true);
    const calendarMoved = { ...s, businessCalendars: { office: { ...OFFICE, timeZone: 'Europe/London' } } };
    expect(deadlinesMoved(t, s, calendarMoved)).toBe(true);
    const refreshed = slaRefreshed(t, later);
    expect(local(refreshed?.state.sla?.firstResponse?.dueAt)).toBe('Mon 2026-11-23 10:55');
    expect(refreshed?.events).toEqual([]);
    expect(slaRefreshed(t, s)).toBeUndefined();
  });

  it('a priority change recomputes the deadline with the policy it now matches', () => {
    const two = slaSettings([
      { name: 'urgent', priorities: ['high'], calendar: 'office', firstResponseMinutes: 15 },
      OFFICE_POLICY,
    ]);
    let t = create(paris('2026-11-23T09:00'), two);
    expect(t.sla?.policy).toBe('standard');
    t = run(t, { type: 'modify', fields: { priority: 'high' } }, alice, paris('2026-11-23T09:05'), two);
    expect(t.sla?.policy).toBe('urgent');
    expect(local(t.slaDueAt)).toBe('Mon 2026-11-23 09:15');
  });
});

describe('SLA settings', () => {
  it('names calendars that do not parse and names that name no calendar', () => {
    const problems = slaSettingsProblems(
      settings({
        businessCalendars: { office: OFFICE, broken: { timeZone: 'Mars/Olympus', weeklyHours: {} } },
        groupCalendars: { support: 'office', ops: 'nowhere' },
        slaPolicies: [
          { name: 'a', calendar: 'office' },
          { name: 'a', calendar: 'missing' },
        ],
      }),
    );
    expect(problems.map((p) => p.field)).toEqual([
      'businessCalendars.broken.timeZone',
      'groupCalendars.ops',
      'slaPolicies[1].calendar',
      'slaPolicies[1].name',
    ]);
    expect(slaSettingsProblems(slaSettings([OFFICE_POLICY]))).toEqual([]);
  });

  it('drafts have no clock', () => {
    const s = slaSettings([OFFICE_POLICY]);
    expect(computeSla(ticket('draft'), s)).toBeUndefined();
  });
});
