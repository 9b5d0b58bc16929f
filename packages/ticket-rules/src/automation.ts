// Automation rules: triggers (act on a ticket event), time rules (act when a ticket has been in a
// state for a while) and macros (an agent's saved actions). One action engine serves all three.
// Pure: the workflow runs triggers on every change it commits, with the settings in effect then,
// and records the settings version that acted on each event it adds.
import { HOUR_MS, MAX_TRIGGER_PASSES } from '@helpdesk/contracts/workflow';
import type {
  AutomationAction,
  Condition,
  Conditions,
  MailTarget,
  TicketEvent,
  TicketState,
  TimeRule,
  Trigger,
  TriggerEvent,
} from '@helpdesk/contracts/workflow';
import Mustache from 'mustache';
import { Change } from './builder';
import { close, resolve } from './decide';
import type { Accepted, Context } from './types';

/** Which rule acted: written on the events it records, so the timeline says why a ticket changed. */
export interface RuleMark {
  kind: 'trigger' | 'time_rule' | 'macro';
  id: string;
  name: string;
  /** The settings version the rule came from (macros: none, they travel with the command). */
  version?: number | undefined;
}

const lower = (v: string | undefined) => (v ?? '').toLowerCase();

function fieldValue(s: TicketState, field: Condition['field']): string | string[] | undefined {
  if (field.startsWith('custom.')) {
    const value = s.custom?.[field.slice('custom.'.length)];
    return Array.isArray(value) ? value : value === undefined ? undefined : String(value);
  }
  const plain = field as Exclude<Condition['field'], `custom.${string}`>;
  switch (plain) {
    case 'tags':
      return s.tags;
    case 'requester.email':
      return s.requester?.email;
    case 'requester.domain':
      return s.requester?.email?.split('@')[1];
    default:
      return s[plain];
  }
}

/** Whether one condition holds for the ticket. */
export function conditionHolds(s: TicketState, c: Condition): boolean {
  const value = fieldValue(s, c.field);
  const wanted = lower(c.value);
  if (Array.isArray(value)) {
    const has = value.some((v) => lower(v) === wanted);
    switch (c.op) {
      case 'is':
      case 'contains':
        return has;
      case 'is_not':
      case 'not_contains':
        return !has;
      case 'present':
        return value.length > 0;
      case 'absent':
        return value.length === 0;
    }
  }
  const text = lower(value);
  switch (c.op) {
    case 'is':
      return text === wanted;
    case 'is_not':
      return text !== wanted;
    case 'contains':
      return text.includes(wanted);
    case 'not_contains':
      return !text.includes(wanted);
    case 'present':
      return text !== '';
    case 'absent':
      return text === '';
  }
}

/** Every `all` condition holds and, when `any` lists some, at least one of them. */
export function conditionsHold(s: TicketState, conditions: Conditions): boolean {
  const all = conditions.all ?? [];
  const any = conditions.any ?? [];
  return all.every((c) => conditionHolds(s, c)) && (any.length === 0 || any.some((c) => conditionHolds(s, c)));
}

/** The trigger events a change's timeline events amount to. */
export function triggerEvents(
  before: TicketState | undefined,
  after: TicketState,
  events: TicketEvent[],
): TriggerEvent[] {
  const found = new Set<TriggerEvent>();
  for (const e of events) {
    if (e.type === 'created') {
      found.add('created');
      if (after.links.followUpOf) found.add('follow_up_created');
    } else found.add('updated');
    if (e.type === 'customer_replied') found.add('reply_received');
    if (e.type === 'sla_warning') found.add('sla_warning');
    if (e.type === 'breached') found.add('sla_breach');
  }
  if (before && before.status !== after.status) found.add('status_changed');
  return [...found];
}

/**
 * Fills a rule's or macro's text: {{ticket.reference}}, {{ticket.title}}, {{ticket.status}},
 * {{ticket.id}}, {{requester.name}}, {{requester.email}}, {{agent.name}} (Mustache, logic-less and
 * free of code generation, so it runs in workflow code). Plain text: nothing is HTML-escaped here;
 * the mail renderer escapes the HTML part.
 */
export function fillPlaceholders(text: string, s: TicketState, agentName?: string): string {
  const view = {
    ticket: { reference: s.reference, title: s.title ?? '', status: s.status, id: s.id },
    requester: { name: s.requester?.name ?? s.requester?.email ?? '', email: s.requester?.email ?? '' },
    agent: { name: agentName ?? '' },
  };
  try {
    return Mustache.render(text, view, {}, { escape: (v: unknown) => String(v) });
  } catch {
    // A template the save-time check let through but Mustache cannot parse: sent as written.
    return text;
  }
}

function mailRecipients(s: TicketState, to: MailTarget[]): string[] {
  return to.flatMap((t) => {
    if (t === 'requester') return s.requester?.email ? [s.requester.email] : [];
    if (t === 'assignee') return s.assignee ? [`user:${s.assignee}`] : [];
    if (t === 'group') return s.group ? [`group:${s.group}`] : [];
    return t.includes('@') ? [t] : [];
  });
}

/**
 * Carry out actions on a change. Each action records its natural event (modified, assigned, a
 * note…) marked with the rule; an action that would change nothing records nothing.
 */
export function performActions(change: Change, actions: AutomationAction[], mark: RuleMark, ctx: Context): void {
  const by = { automation: mark };
  for (const action of actions) {
    const s = change.current;
    if (s.status === 'closed') return;
    switch (action.type) {
      case 'set_fields': {
        const fields = Object.fromEntries(
          Object.entries(action.fields).filter(([k, v]) => v !== undefined && s[k as keyof typeof action.fields] !== v),
        );
        if (Object.keys(fields).length > 0)
          change.record('modified', fields, { data: { fields: Object.keys(fields), ...by }, counts: false });
        break;
      }
      case 'add_tags': {
        const tags = [...new Set([...s.tags, ...action.tags])];
        if (tags.length !== s.tags.length)
          change.record('modified', { tags }, { data: { fields: ['tags'], ...by }, counts: false });
        break;
      }
      case 'remove_tags': {
        const tags = s.tags.filter((t) => !action.tags.includes(t));
        if (tags.length !== s.tags.length)
          change.record('modified', { tags }, { data: { fields: ['tags'], ...by }, counts: false });
        break;
      }
      case 'assign_group':
        if (s.group !== action.group)
          change.record(
            'reclassified',
            { group: action.group },
            { data: { group: action.group, ...by }, counts: false },
          );
        break;
      case 'assign_agent':
        if (s.assignee !== action.agent && (s.status === 'new' || s.status === 'in_progress')) {
          change.record(
            'assigned',
            { status: 'new', assignee: action.agent, attention: false },
            { data: by, counts: false },
          );
          change.notify('assigned', [`user:${action.agent}`]);
        }
        break;
      case 'send_mail': {
        const to = mailRecipients(s, action.to);
        if (to.length === 0) break;
        const subject = fillPlaceholders(action.subject, s);
        const body = fillPlaceholders(action.body, s);
        change.record(
          'message_sent',
          {},
          { data: { body, subject, recipients: to, visibility: 'private_message', ...by }, counts: false },
        );
        change.notify('automation', to, { body, subject });
        break;
      }
      case 'add_note':
        change.record(
          'note_added',
          {},
          { data: { body: fillPlaceholders(action.body, s), visibility: 'private_note', ...by }, counts: false },
        );
        break;
      case 'call_webhook':
        change.effect({ type: 'call_webhook', webhook: action.webhook, rule: mark });
        break;
      case 'close':
        if (s.status === 'resolved') close(change, ctx);
        break;
      case 'resolve':
        if (s.status === 'new' || s.status === 'in_progress' || s.status === 'waiting')
          resolve(change, 'no_response', ctx);
        break;
    }
  }
}

const triggerMark = (t: Trigger | TimeRule, kind: RuleMark['kind'], version: number): RuleMark => ({
  kind,
  id: t.id,
  name: t.name,
  version,
});

/**
 * Run the triggers on an accepted change: each active trigger whose events and conditions match
 * acts, in order. What they change may set off others (a group set → "updated"), pass after pass,
 * but each trigger acts at most once per change and the passes stop at MAX_TRIGGER_PASSES: no loop.
 * `before` is the state before the change (undefined: a new ticket).
 */
export function withTriggers(before: TicketState | undefined, accepted: Accepted, ctx: Context): Accepted {
  const triggers = (ctx.settings.triggers ?? []).filter((t) => t.active);
  if (triggers.length === 0 || accepted.state.status === 'draft') return accepted;
  const acted = new Set<string>();
  let result = accepted;
  let from = before;
  let events = accepted.events;
  for (let pass = 0; pass < MAX_TRIGGER_PASSES && events.length > 0; pass++) {
    const happened = triggerEvents(from, result.state, events);
    const change = new Change(result.state, {
      ...ctx,
      actor: { id: 'automation', role: 'service', name: 'Automation' },
    });
    for (const t of triggers) {
      if (acted.has(t.id) || !t.on.some((e) => happened.includes(e))) continue;
      if (!conditionsHold(change.current, t.conditions)) continue;
      acted.add(t.id);
      performActions(change, t.actions, triggerMark(t, 'trigger', ctx.settings.version), ctx);
    }
    const next = change.done();
    if (next.events.length === 0 && next.effects.length === 0) break;
    from = result.state;
    events = next.events;
    result = {
      ok: true,
      state: next.state,
      events: [...result.events, ...next.events],
      effects: [...result.effects, ...next.effects],
    };
  }
  return result;
}

/** Where a time rule counts from, for this ticket now (undefined: it does not apply). */
export function timeRuleAnchor(s: TicketState, rule: TimeRule): number | undefined {
  switch (rule.anchor) {
    case 'created':
      return s.createdAt;
    case 'last_action':
      return s.lastActionAt;
    case 'status_changed':
      return s.statusChangedAt ?? s.submittedAt ?? s.createdAt;
    case 'resolved':
      return s.status === 'resolved' ? s.resolution?.at : undefined;
  }
}

/** The time rules due on this ticket: active, not yet acted for this anchor, and matching now. */
export function timeRuleDeadlines(
  s: TicketState,
  rules: TimeRule[] | undefined,
): { rule: TimeRule; at: number; anchorAt: number }[] {
  if (s.status === 'closed' || s.status === 'draft' || s.deleted) return [];
  return (rules ?? []).flatMap((rule) => {
    if (!rule.active) return [];
    const anchorAt = timeRuleAnchor(s, rule);
    if (anchorAt === undefined) return [];
    if ((s.timeRulesFired ?? []).some((f) => f.rule === rule.id && f.anchorAt === anchorAt)) return [];
    if (!conditionsHold(s, rule.conditions)) return [];
    return [{ rule, at: anchorAt + Math.round(rule.hours * HOUR_MS), anchorAt }];
  });
}

/** How many acted time rules a ticket keeps (older anchors no longer matter). */
const FIRED_KEPT = 50;

/** A time rule's instant has come: it acts, and is marked as done for this anchor. */
export function fireTimeRule(change: Change, rule: TimeRule, anchorAt: number, ctx: Context): void {
  const fired = [...(change.current.timeRulesFired ?? []), { rule: rule.id, anchorAt }].slice(-FIRED_KEPT);
  change.record(
    'automation_acted',
    { timeRulesFired: fired },
    { data: { automation: triggerMark(rule, 'time_rule', ctx.settings.version), anchorAt }, counts: false },
  );
  performActions(change, rule.actions, triggerMark(rule, 'time_rule', ctx.settings.version), ctx);
}

/** What a rule would do to a ticket now (nothing is committed): `POST /v1/triggers/:id/test`. */
export interface DryRun {
  /** Whether the rule listens to the event asked about (triggers). */
  listens: boolean;
  matches: boolean;
  conditions: (Condition & { group: 'all' | 'any'; holds: boolean })[];
  /** The fields it would change, with their new values. */
  changes: Record<string, unknown>;
  events: { type: TicketEvent['type']; data?: Record<string, unknown> | undefined }[];
  mail: { kind: string; to: string[]; subject?: string | undefined }[];
  webhooks: string[];
}

const COMPARED: (keyof TicketState)[] = [
  'status',
  'assignee',
  'group',
  'type',
  'priority',
  'severity',
  'category',
  'tags',
  'resolution',
];

export function dryRun(
  s: TicketState,
  rule: Pick<Trigger, 'conditions' | 'actions'> & { id: string; name: string },
  kind: RuleMark['kind'],
  ctx: Context,
  listens = true,
): DryRun {
  const conditions = [
    ...(rule.conditions.all ?? []).map((c) => ({ ...c, group: 'all' as const, holds: conditionHolds(s, c) })),
    ...(rule.conditions.any ?? []).map((c) => ({ ...c, group: 'any' as const, holds: conditionHolds(s, c) })),
  ];
  const matches = conditionsHold(s, rule.conditions);
  const none = { listens, matches, conditions, changes: {}, events: [], mail: [], webhooks: [] };
  if (!matches || !listens) return none;
  const change = new Change(s, ctx);
  performActions(change, rule.actions, { kind, id: rule.id, name: rule.name, version: ctx.settings.version }, ctx);
  const r = change.done();
  const changes = Object.fromEntries(
    COMPARED.filter((k) => JSON.stringify(s[k]) !== JSON.stringify(r.state[k])).map((k) => [k, r.state[k] ?? null]),
  );
  return {
    ...none,
    changes,
    events: r.events.map((e) => ({ type: e.type, data: e.data })),
    mail: r.effects.flatMap((e) =>
      e.type === 'notify'
        ? [{ kind: e.notification.kind, to: e.notification.to, subject: e.notification.subject }]
        : [],
    ),
    webhooks: r.effects.flatMap((e) => (e.type === 'call_webhook' ? [e.webhook] : [])),
  };
}
