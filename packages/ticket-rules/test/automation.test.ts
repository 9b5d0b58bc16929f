// Triggers, time rules and macros as plain functions: what matches, what acts, and the loop guard.
import { describe, expect, it } from 'vitest';
import type { TicketFields, TicketState, TimeRule, Trigger } from '@helpdesk/contracts';
import {
  conditionsHold,
  createTicket,
  decide,
  fillPlaceholders,
  fireTimer,
  nextTimer,
  pendingTimers,
  withTriggers,
} from '../src';
import type { Accepted } from '../src';
import { HOUR, T0, alice, ctx, settings, ticket } from './fixtures';

const quiet = { responseDelayHours: null, actionDelayHours: null };

const trigger = (over: Partial<Trigger>): Trigger => ({
  id: 'tr1',
  name: 'Printers to hardware',
  on: ['created'],
  conditions: {},
  actions: [],
  active: true,
  ...over,
});

const rita = { id: 'rita', role: 'requester' as const, email: 'rita@acme.example' };
const byMail = (fields: Partial<TicketFields> = {}): Accepted =>
  createTicket(
    {
      ticketId: 'm1',
      reference: 'TK-1',
      channel: 'email',
      actor: rita,
      draft: false,
      fields: { title: 'The printer is on fire', description: 'Smoke', requester: rita, ...fields },
      settings: settings(quiet),
    },
    { ...ctx(rita, quiet), now: T0 },
  );

describe('conditions', () => {
  const s = ticket('new', { group: 'support', tags: ['vip'], requester: { id: 'r', email: 'Ann@Acme.example' } });
  it('compare whole values and substrings case-insensitively, and tags by membership', () => {
    expect(conditionsHold(s, { all: [{ field: 'group', op: 'is', value: 'SUPPORT' }] })).toBe(true);
    expect(conditionsHold(s, { all: [{ field: 'title', op: 'contains', value: 'printer' }] })).toBe(true);
    expect(conditionsHold(s, { all: [{ field: 'title', op: 'not_contains', value: 'printer' }] })).toBe(false);
    expect(conditionsHold(s, { all: [{ field: 'tags', op: 'is', value: 'vip' }] })).toBe(true);
    expect(conditionsHold(s, { all: [{ field: 'tags', op: 'is_not', value: 'vip' }] })).toBe(false);
    expect(conditionsHold(s, { all: [{ field: 'requester.domain', op: 'is', value: 'acme.example' }] })).toBe(true);
    expect(conditionsHold(s, { all: [{ field: 'priority', op: 'absent' }] })).toBe(true);
  });
  it('test custom field values as custom.<key> (numbers and checkboxes as text, multi-selects by option)', () => {
    const t = { ...s, custom: { plan: 'gold', seats: 12, vip: true, modules: ['crm', 'billing'] } };
    expect(conditionsHold(t, { all: [{ field: 'custom.plan', op: 'is', value: 'GOLD' }] })).toBe(true);
    expect(conditionsHold(t, { all: [{ field: 'custom.seats', op: 'is', value: '12' }] })).toBe(true);
    expect(conditionsHold(t, { all: [{ field: 'custom.vip', op: 'is', value: 'true' }] })).toBe(true);
    expect(conditionsHold(t, { all: [{ field: 'custom.modules', op: 'contains', value: 'crm' }] })).toBe(true);
    expect(conditionsHold(t, { all: [{ field: 'custom.modules', op: 'is', value: 'hr' }] })).toBe(false);
    expect(conditionsHold(t, { all: [{ field: 'custom.missing', op: 'absent' }] })).toBe(true);
    expect(conditionsHold(s, { all: [{ field: 'custom.plan', op: 'present' }] })).toBe(false);
  });

  it('need every "all" and one of "any"', () => {
    const any = [
      { field: 'group' as const, op: 'is' as const, value: 'billing' },
      { field: 'status' as const, op: 'is' as const, value: 'new' },
    ];
    expect(conditionsHold(s, { any })).toBe(true);
    expect(conditionsHold(s, { all: [{ field: 'status', op: 'is', value: 'closed' }], any })).toBe(false);
    expect(conditionsHold(s, { any: [any[0]!] })).toBe(false);
  });
});

describe('triggers', () => {
  it('tag and assign a group to a ticket created by mail, marking the events with the rule and its version', () => {
    const created = byMail();
    expect(created.ok).toBe(true);
    const rules = trigger({
      conditions: {
        all: [
          { field: 'channel', op: 'is', value: 'email' },
          { field: 'title', op: 'contains', value: 'printer' },
        ],
      },
      actions: [
        { type: 'add_tags', tags: ['hardware'] },
        { type: 'assign_group', group: 'it' },
      ],
    });
    const c = { ...ctx(alice, { ...quiet, triggers: [rules], version: 7 }), now: T0 };
    const r = withTriggers(undefined, created, c);
    expect(r.state.tags).toContain('hardware');
    expect(r.state.group).toBe('it');
    const marked = r.events.filter((e) => e.data?.['automation']);
    expect(marked.map((e) => e.type)).toEqual(['modified', 'reclassified']);
    expect(marked[0]?.data?.['automation']).toEqual({
      kind: 'trigger',
      id: 'tr1',
      name: 'Printers to hardware',
      version: 7,
    });
    expect(r.state.revision).toBeGreaterThan(created.state.revision);
  });

  it('do nothing when the conditions fail, the trigger is inactive or listens to other events', () => {
    const created = byMail();
    const act = [{ type: 'add_tags' as const, tags: ['x'] }];
    for (const t of [
      trigger({ actions: act, conditions: { all: [{ field: 'channel', op: 'is', value: 'web' }] } }),
      trigger({ actions: act, active: false }),
      trigger({ actions: act, on: ['reply_received'] }),
    ]) {
      expect(withTriggers(undefined, created, ctx(alice, { triggers: [t] }))).toBe(created);
    }
  });

  it('set off one another (a group set is an update) but each acts once: two triggers that undo each other stop', () => {
    const add = trigger({ id: 'a', on: ['created', 'updated'], actions: [{ type: 'add_tags', tags: ['ping'] }] });
    const remove = trigger({
      id: 'b',
      on: ['updated'],
      conditions: { all: [{ field: 'tags', op: 'is', value: 'ping' }] },
      actions: [{ type: 'remove_tags', tags: ['ping'] }],
    });
    const r = withTriggers(undefined, byMail(), ctx(alice, { triggers: [add, remove] }));
    expect(r.state.tags).not.toContain('ping');
    expect(r.events.filter((e) => e.data?.['automation']).length).toBe(2);
  });

  it('act on a customer reply and on a status change', () => {
    const s = ticket('waiting', {}, 'more_info');
    const replied = decide(
      s,
      { command: { type: 'customer_reply', body: 'here it is', via: 'email' }, actor: alice },
      ctx(alice, quiet),
    ) as Accepted;
    const t = trigger({
      on: ['reply_received'],
      conditions: { all: [{ field: 'status', op: 'is', value: 'in_progress' }] },
      actions: [
        { type: 'set_fields', fields: { priority: 'high' } },
        { type: 'add_note', body: 'Back from {{requester.email}}' },
      ],
    });
    const r = withTriggers(s, replied, ctx(alice, { ...quiet, triggers: [t] }));
    expect(r.state.priority).toBe('high');
    expect(r.events.at(-1)?.data?.['body']).toBe('Back from rita@example.com');
  });

  it('send mail from a template to the requester and the group', () => {
    const t = trigger({
      actions: [
        {
          type: 'send_mail',
          to: ['requester', 'group'],
          subject: 'About {{ticket.reference}}',
          body: 'Hello {{requester.name}}',
        },
      ],
    });
    const r = withTriggers(
      undefined,
      byMail({ group: 'support', requester: { ...rita, name: 'Rita' } }),
      ctx(alice, { triggers: [t] }),
    );
    const mail = r.effects.find((e) => e.type === 'notify' && e.notification.kind === 'automation');
    expect(mail).toMatchObject({
      notification: { to: ['rita@acme.example', 'group:support'], subject: 'About TK-1', body: 'Hello Rita' },
    });
  });
});

describe('time rules', () => {
  const reminder: TimeRule = {
    id: 'remind',
    name: 'Remind after 48 h waiting',
    anchor: 'status_changed',
    hours: 48,
    conditions: { all: [{ field: 'status', op: 'is', value: 'waiting' }] },
    actions: [
      { type: 'send_mail', to: ['requester'], subject: 'Still waiting on you', body: 'About {{ticket.reference}}' },
    ],
    active: true,
  };
  const waiting = (): TicketState => ({ ...ticket('waiting', { waitUntil: T0 + 500 * HOUR }), statusChangedAt: T0 });

  it('arm an exact timer at anchor + hours and act once for that anchor', () => {
    const cfg = settings({ ...quiet, timeRules: [reminder] });
    const t = nextTimer(waiting(), cfg);
    expect(t).toEqual({ kind: 'time_rule', at: T0 + 48 * HOUR, rule: 'remind', anchorAt: T0 });
    const r = fireTimer(waiting(), t!, t!.at, cfg);
    expect(r.effects.some((e) => e.type === 'notify' && e.notification.subject === 'Still waiting on you')).toBe(true);
    expect(r.events[0]).toMatchObject({ type: 'automation_acted', data: { anchorAt: T0 } });
    expect(pendingTimers(r.state, cfg).some((x) => x.kind === 'time_rule')).toBe(false);
  });

  it('close a resolved ticket 72 h after resolution, and does nothing once its conditions no longer hold', () => {
    const close: TimeRule = {
      ...reminder,
      id: 'close',
      anchor: 'resolved',
      hours: 72,
      conditions: {},
      actions: [{ type: 'close' }],
    };
    const cfg = settings({ ...quiet, feedbackWindowHours: 1000, timeRules: [close] });
    const resolved = ticket('resolved');
    const t = nextTimer(resolved, cfg)!;
    expect(t).toMatchObject({ kind: 'time_rule', at: T0 + 72 * HOUR });
    expect(fireTimer(resolved, t, t.at, cfg).state.status).toBe('closed');
    // Removed from the settings before its instant: nothing happens.
    expect(fireTimer(resolved, t, t.at, settings({ ...quiet, feedbackWindowHours: 1000 })).events).toEqual([]);
  });
});

describe('macros', () => {
  it('reply with filled placeholders and act, as one command', () => {
    const s = ticket('in_progress');
    const body = fillPlaceholders('Hello {{requester.email}}, about {{ticket.reference}}', s);
    const r = decide(
      s,
      {
        command: {
          type: 'apply_macro',
          macro: {
            id: 'm',
            name: 'Close out',
            actions: [{ type: 'add_tags', tags: ['done'] }],
            reply: { body, visibility: 'public' },
          },
        },
        actor: alice,
      },
      ctx(alice, quiet),
    ) as Accepted;
    expect(r.ok).toBe(true);
    expect(r.events.map((e) => e.type)).toEqual(['replied', 'modified']);
    expect(r.events[0]?.data?.['body']).toBe('Hello rita@example.com, about TK-202611-00001');
    expect(r.state.tags).toContain('done');
  });

  it('are refused on a closed ticket and when they do nothing', () => {
    const macro = { id: 'm', name: 'x', actions: [] };
    expect(
      decide(ticket('in_progress'), { command: { type: 'apply_macro', macro }, actor: alice }, ctx(alice)).ok,
    ).toBe(false);
    expect(
      decide(
        ticket('closed'),
        {
          command: { type: 'apply_macro', macro: { ...macro, actions: [{ type: 'add_tags', tags: ['a'] }] } },
          actor: alice,
        },
        ctx(alice),
      ).ok,
    ).toBe(false);
  });
});
