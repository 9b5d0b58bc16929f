// Which timer a ticket sleeps on next, and what happens when it fires. Deadlines are derived from
// absolute times in the state plus the current settings, so a settings change moves the next
// deadline at once and nothing is lost across restarts or continue-as-new.
import { HOUR_MS, SYSTEM_ACTOR } from '@helpdesk/contracts/workflow';
import type { Breach, Settings, SlaTarget, TicketState } from '@helpdesk/contracts/workflow';
import { Change } from './builder';
import { fireTimeRule, timeRuleDeadlines } from './automation';
import { close, resolve } from './decide';
import { runningTargets } from './sla';
import type { Accepted, Context } from './types';

export type TimerKind =
  'wait_over' | 'feedback_over' | 'response_due' | 'action_due' | 'sla_warning' | 'sla_due' | 'time_rule';

export interface Timer {
  kind: TimerKind;
  at: number;
  /** sla_warning, sla_due: the policy's target and its due instant. */
  target?: SlaTarget;
  dueAt?: number;
  /** time_rule: which rule, and the anchor instant it counts from. */
  rule?: string;
  anchorAt?: number;
}

const breached = (s: TicketState, kind: Breach['kind'], dueAt: number) =>
  s.breaches.some((b) => b.kind === kind && b.dueAt === dueAt);

const warned = (s: TicketState, kind: SlaTarget, dueAt: number) =>
  (s.slaClock?.warned ?? []).some((w) => w.kind === kind && w.dueAt === dueAt);

/** Who hears of a policy's warnings and breaches: directory references the notifier resolves. */
export const slaRecipients = (s: TicketState): string[] => [
  ...(s.group ? [`group:${s.group}`] : []),
  ...(s.assignee ? [`user:${s.assignee}`] : []),
];

const TARGET_NAMES: Record<SlaTarget, string> = {
  firstResponse: 'first response',
  nextResponse: 'next response',
  resolution: 'resolution',
};

/** Every deadline that applies to the ticket now (possibly in the past: then it is due). */
export function pendingTimers(s: TicketState, settings: Settings): Timer[] {
  const timers: Timer[] = [];
  if (s.status === 'waiting' && s.waitUntil !== undefined) timers.push({ kind: 'wait_over', at: s.waitUntil });
  if (s.status === 'resolved' && s.resolution) {
    timers.push({ kind: 'feedback_over', at: s.resolution.at + Math.round(settings.feedbackWindowHours * HOUR_MS) });
  }
  const open = s.status === 'new' || s.status === 'in_progress' || s.status === 'waiting';
  // A matching SLA policy sets the ticket's service levels; the two global delays apply to the others.
  const targets = runningTargets(s, settings);
  if (targets) {
    for (const t of targets) {
      if (breached(s, t.kind, t.dueAt)) continue;
      if (t.warnAt !== undefined && !warned(s, t.kind, t.dueAt))
        timers.push({ kind: 'sla_warning', at: t.warnAt, target: t.kind, dueAt: t.dueAt });
      timers.push({ kind: 'sla_due', at: t.dueAt, target: t.kind, dueAt: t.dueAt });
    }
  } else if (open && !s.deleted) {
    if (settings.responseDelayHours !== null && s.firstPublicReplyAt === undefined && s.submittedAt !== undefined) {
      const at = s.submittedAt + Math.round(settings.responseDelayHours * HOUR_MS);
      if (!breached(s, 'response', at)) timers.push({ kind: 'response_due', at });
    }
    // Waiting is paused time for the action delay: the team is waiting on someone else.
    if (settings.actionDelayHours !== null && s.status !== 'waiting') {
      const at = s.lastActionAt + Math.round(settings.actionDelayHours * HOUR_MS);
      if (!breached(s, 'action', at)) timers.push({ kind: 'action_due', at });
    }
  }
  for (const { rule, at, anchorAt } of timeRuleDeadlines(s, settings.timeRules))
    timers.push({ kind: 'time_rule', at, rule: rule.id, anchorAt });
  return timers;
}

/** The earliest deadline, which is what the workflow sleeps until. */
export function nextTimer(s: TicketState, settings: Settings): Timer | undefined {
  return pendingTimers(s, settings).reduce<Timer | undefined>((min, t) => (!min || t.at < min.at ? t : min), undefined);
}

/** Whether a settings change moves any of the ticket's deadlines (else it need not be told now). */
export function deadlinesMoved(s: TicketState, before: Settings, after: Settings): boolean {
  const key = (settings: Settings) => JSON.stringify(pendingTimers(s, settings));
  return key(before) !== key(after);
}

/** Apply a deadline that has come. */
export function fireTimer(s: TicketState, timer: Timer, now: number, settings: Settings): Accepted {
  const ctx: Context = { now, actor: SYSTEM_ACTOR, settings };
  const change = new Change(s, ctx);
  switch (timer.kind) {
    case 'wait_over':
      if (s.waitType === 'more_info' && s.closeIfNoResponse) {
        change.record(
          'note_added',
          {},
          { data: { body: 'No response within the waiting time', visibility: 'private_note' }, counts: false },
        );
        return resolve(change, 'no_response', ctx).done();
      }
      return change
        .record(
          'resumed',
          {
            status: 'in_progress',
            waitType: undefined,
            waitUntil: undefined,
            closeIfNoResponse: undefined,
            attention: true,
          },
          {
            data: { reason: 'wait_over' },
            counts: false,
          },
        )
        .done();
    case 'feedback_over':
      return close(change, ctx).done();
    case 'response_due':
    case 'action_due': {
      const kind = timer.kind === 'response_due' ? 'response' : 'action';
      const breach: Breach = { kind, dueAt: timer.at, at: now };
      change.record(
        'breached',
        { breaches: [...s.breaches, breach] },
        { data: { kind, dueAt: timer.at }, counts: false },
      );
      const to = s.assignee?.includes('@') ? s.assignee : s.group ? `${s.group}@groups.helpdesk.local` : undefined;
      return change.notify('breach', [to], { body: `${kind} delay exceeded` }).done();
    }
    case 'sla_warning': {
      const kind = timer.target ?? 'firstResponse';
      const dueAt = timer.dueAt ?? timer.at;
      const clock = s.slaClock ?? { pauses: [], warned: [] };
      change.record(
        'sla_warning',
        { slaClock: { ...clock, warned: [...clock.warned, { kind, dueAt }] } },
        { data: { kind, dueAt, warnAt: timer.at }, counts: false },
      );
      return change
        .notify('sla_warning', slaRecipients(s), {
          body: `${TARGET_NAMES[kind]} due ${new Date(dueAt).toISOString()}`,
        })
        .done();
    }
    case 'time_rule': {
      // The rule as the settings have it now: gone, or no longer matching, it does nothing.
      const due = timeRuleDeadlines(s, settings.timeRules).find(
        (d) => d.rule.id === timer.rule && d.anchorAt === timer.anchorAt,
      );
      if (due) fireTimeRule(change, due.rule, due.anchorAt, ctx);
      return change.done();
    }
    case 'sla_due': {
      const kind = timer.target ?? 'firstResponse';
      const dueAt = timer.dueAt ?? timer.at;
      change.record(
        'breached',
        { breaches: [...s.breaches, { kind, dueAt, at: now }] },
        { data: { kind, dueAt }, counts: false },
      );
      return change
        .notify('breach', slaRecipients(s), {
          body: `${TARGET_NAMES[kind]} target missed (due ${new Date(dueAt).toISOString()})`,
        })
        .done();
    }
  }
}
