// Service levels under an SLA policy (settings `slaPolicies`): which policy and calendar apply to a
// ticket, the clocks' bookkeeping kept in the state (pauses, the next-response start), and the one
// function that computes every due instant. Pure: the instant is always an argument, so the workflow
// and the settings broadcast compute the same deadlines.
//
// Clock rules. First response runs from submission to the first public agent reply; next response
// from a requester's reply that follows an agent's reply to the next public agent reply; resolution
// from submission to resolution (a reopen resumes it). Only working time of the calendar counts, and
// every clock stands still while the ticket waits on the requester (waiting for more information)
// and while it is resolved. A warning comes `warnBeforeMinutes` of working time before a due instant.
import { dueWithPauses, slaClock } from '@helpdesk/business-calendar';
import type { BusinessCalendar, Pause } from '@helpdesk/business-calendar';
import { MINUTE_MS, SLA_TARGETS } from '@helpdesk/contracts/workflow';
import type {
  Settings,
  SlaClockState,
  SlaPolicy,
  SlaTarget,
  SlaTargetState,
  TicketEvent,
  TicketSla,
  TicketState,
} from '@helpdesk/contracts/workflow';
import type { Accepted } from './types';

/** Pauses kept per ticket: past this the oldest go (their time then counts), so the state stays bounded. */
export const MAX_SLA_PAUSES = 100;
const MAX_WARNED = 10;

const ALL_DAY = [{ from: '00:00', to: '24:00' }];
/** No calendar named: every hour counts. */
export const ROUND_THE_CLOCK: BusinessCalendar = {
  timeZone: 'UTC',
  weeklyHours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
};

const MINUTES: Record<SlaTarget, 'firstResponseMinutes' | 'nextResponseMinutes' | 'resolutionMinutes'> = {
  firstResponse: 'firstResponseMinutes',
  nextResponse: 'nextResponseMinutes',
  resolution: 'resolutionMinutes',
};

const listed = (list: string[] | undefined, value: string | undefined) =>
  !list || list.length === 0 || (value !== undefined && list.includes(value));

/** The first policy (in order) whose priorities, groups and types all hold the ticket's. */
export function slaPolicyFor(s: Pick<TicketState, 'priority' | 'group' | 'type'>, settings: Settings) {
  return (settings.slaPolicies ?? []).find(
    (p) => listed(p.priorities, s.priority) && listed(p.groups, s.group) && listed(p.types, s.type),
  );
}

/** The policy's calendar, else the ticket group's, else round the clock. */
export function slaCalendarFor(
  policy: SlaPolicy,
  group: string | undefined,
  settings: Settings,
): { name?: string; calendar: BusinessCalendar } {
  const name = policy.calendar ?? (group !== undefined ? settings.groupCalendars?.[group] : undefined);
  const calendar = name !== undefined ? settings.businessCalendars?.[name] : undefined;
  return name !== undefined && calendar ? { name, calendar } : { calendar: ROUND_THE_CLOCK };
}

/** Whether every clock stands still: the ticket waits on the requester, or is resolved (or closed, for good). */
export const slaPaused = (s: Pick<TicketState, 'status' | 'waitType'>): boolean =>
  s.status === 'resolved' || s.status === 'closed' || (s.status === 'waiting' && s.waitType === 'more_info');

const isOpen = (s: TicketState) =>
  (s.status === 'new' || s.status === 'in_progress' || s.status === 'waiting') && !s.deleted;

/** A clock that stopped at `end` ignores what came after: pauses clipped there. */
const pausesUntil = (pauses: readonly Pause[], end: number): Pause[] =>
  pauses.filter((p) => p.from < end).map((p) => ({ from: p.from, to: p.to == null ? end : Math.min(p.to, end) }));

const pausesOf = (clock: SlaClockState | undefined): Pause[] =>
  (clock?.pauses ?? []).map((p) => (p.to === undefined ? { from: p.from } : { from: p.from, to: p.to }));

/**
 * The ticket's service levels under the current settings: the matching policy and, per target,
 * its due instant (null while a pause holds it), warning instant, breach and when it was met. The
 * one place due instants are computed. Undefined when no policy matches or the ticket is a draft.
 */
export function computeSla(s: TicketState, settings: Settings): TicketSla | undefined {
  if (s.submittedAt === undefined) return undefined;
  const policy = slaPolicyFor(s, settings);
  if (!policy) return undefined;
  const { name, calendar } = slaCalendarFor(policy, s.group, settings);
  const pauses = pausesOf(s.slaClock);
  const warnMs = policy.warnBeforeMinutes != null ? policy.warnBeforeMinutes * MINUTE_MS : 0;

  const target = (kind: SlaTarget, start: number, metAt: number | undefined): SlaTargetState | undefined => {
    const minutes = policy[MINUTES[kind]];
    if (minutes == null) return undefined;
    const ms = Math.round(minutes * MINUTE_MS);
    const counted = metAt !== undefined ? pausesUntil(pauses, metAt) : pauses;
    try {
      const dueAt = dueWithPauses(calendar, start, ms, counted);
      const out: SlaTargetState = { dueAt };
      if (warnMs > 0 && warnMs < ms) {
        const warnAt = dueWithPauses(calendar, start, ms - warnMs, counted);
        if (warnAt !== null) out.warnAt = warnAt;
      }
      const breach = s.breaches.find((b) => b.kind === kind && b.dueAt === dueAt);
      if (breach) out.breachedAt = breach.at;
      if (metAt !== undefined) out.metAt = metAt;
      else if (dueAt === null) {
        const held = counted.find((p) => p.to == null);
        out.paused = true;
        if (held) out.remainingMs = slaClock(calendar, start, ms, counted, held.from).remainingMs;
      }
      return out;
    } catch {
      // Beyond the arithmetic's horizon (or a calendar stored past the API's checks): no deadline
      // rather than a workflow task that fails for ever.
      return undefined;
    }
  };

  const clock = s.slaClock;
  const resolvedAt = s.status === 'resolved' || s.status === 'closed' ? s.resolution?.at : undefined;
  const sla: TicketSla = { policy: policy.name };
  if (name !== undefined) sla.calendar = name;
  const first = target('firstResponse', s.submittedAt, s.firstPublicReplyAt);
  if (first) sla.firstResponse = first;
  const next = clock?.nextFrom
    ? target('nextResponse', clock.nextFrom, undefined)
    : clock?.nextMet
      ? target('nextResponse', clock.nextMet.from, clock.nextMet.at)
      : undefined;
  if (next) sla.nextResponse = next;
  const resolution = target('resolution', s.submittedAt, resolvedAt);
  if (resolution) sla.resolution = resolution;
  return sla;
}

/** The earliest due instant of an unmet target whose clock runs, on an open ticket: what lists sort by. */
export function slaDueAt(s: TicketState, sla: TicketSla | undefined): number | undefined {
  if (!sla || !isOpen(s)) return undefined;
  let min: number | undefined;
  for (const kind of SLA_TARGETS) {
    const t = sla[kind];
    if (t && t.metAt === undefined && t.dueAt !== null && (min === undefined || t.dueAt < min)) min = t.dueAt;
  }
  return min;
}

/** The running targets of the ticket (unmet, due instant known), for timers. */
export function runningTargets(
  s: TicketState,
  settings: Settings,
): { kind: SlaTarget; dueAt: number; warnAt?: number }[] | undefined {
  const sla = computeSla(s, settings);
  if (!sla) return undefined;
  const out: { kind: SlaTarget; dueAt: number; warnAt?: number }[] = [];
  if (!isOpen(s)) return out;
  for (const kind of SLA_TARGETS) {
    const t = sla[kind];
    if (!t || t.metAt !== undefined || t.dueAt === null) continue;
    out.push(t.warnAt !== undefined ? { kind, dueAt: t.dueAt, warnAt: t.warnAt } : { kind, dueAt: t.dueAt });
  }
  return out;
}

const isEmpty = (c: SlaClockState) =>
  c.pauses.length === 0 && c.nextFrom === undefined && c.nextMet === undefined && c.warned.length === 0;

/**
 * The clocks' bookkeeping after a change from `before` to `after` (its events, at `now`, a reply
 * counting at `at`): a pause opens when the ticket starts waiting on the requester or is resolved
 * and closes when that ends; a requester's reply after an agent's starts the next-response clock,
 * a public agent reply meets it.
 */
export function trackSla(
  before: TicketState,
  after: TicketState,
  events: readonly TicketEvent[],
  now: number,
  at: number,
): SlaClockState | undefined {
  if (after.submittedAt === undefined) return after.slaClock;
  const base = after.slaClock ?? before.slaClock;
  const clock: SlaClockState = {
    pauses: [...(base?.pauses ?? [])],
    warned: [...(base?.warned ?? [])].slice(-MAX_WARNED),
    ...(base?.nextFrom !== undefined ? { nextFrom: base.nextFrom } : {}),
    ...(base?.nextMet !== undefined ? { nextMet: base.nextMet } : {}),
  };
  const wasPaused = before.submittedAt !== undefined && slaPaused(before);
  const isPaused = slaPaused(after);
  const last = clock.pauses[clock.pauses.length - 1];
  if (!wasPaused && isPaused && !(last && last.to === undefined)) clock.pauses.push({ from: now });
  if (wasPaused && !isPaused && last && last.to === undefined) {
    clock.pauses[clock.pauses.length - 1] = { from: last.from, to: Math.max(last.from, now) };
  }
  if (clock.pauses.length > MAX_SLA_PAUSES) clock.pauses = clock.pauses.slice(-MAX_SLA_PAUSES);

  let awaiting = before.awaiting;
  for (const e of events) {
    if (e.type === 'customer_replied') {
      if (awaiting === 'customer' && clock.nextFrom === undefined) clock.nextFrom = at;
      awaiting = 'agent';
    } else if (e.type === 'replied' && e.data?.visibility === 'public') {
      if (clock.nextFrom !== undefined) {
        clock.nextMet = { from: clock.nextFrom, at: Math.max(clock.nextFrom, at) };
        delete clock.nextFrom;
      }
      awaiting = 'customer';
    }
  }
  return isEmpty(clock) && base === undefined ? undefined : clock;
}

/** The state with its SLA bookkeeping and view brought up to date (see Change.done). */
export function withSla(
  before: TicketState,
  after: TicketState,
  events: readonly TicketEvent[],
  settings: Settings,
  now: number,
  at: number,
): TicketState {
  const next: TicketState = { ...after };
  const clock = trackSla(before, after, events, now, at);
  if (clock) next.slaClock = clock;
  else delete next.slaClock;
  return withSlaView(next, settings);
}

/** The state with `sla` and `slaDueAt` computed anew (keys absent, not undefined, when none). */
export function withSlaView(s: TicketState, settings: Settings): TicketState {
  const next: TicketState = { ...s };
  const sla = computeSla(s, settings);
  const due = slaDueAt(s, sla);
  if (sla) next.sla = sla;
  else delete next.sla;
  if (due !== undefined) next.slaDueAt = due;
  else delete next.slaDueAt;
  return next;
}

/**
 * After settings that move the ticket's deadlines: its SLA view (due instants) anew, with no
 * timeline event; undefined when nothing shown changes.
 */
export function slaRefreshed(s: TicketState, settings: Settings): Accepted | undefined {
  const next = withSlaView(s, settings);
  if (JSON.stringify([next.sla, next.slaDueAt]) === JSON.stringify([s.sla, s.slaDueAt])) return undefined;
  return { ok: true, state: { ...next, revision: s.revision + 1 }, events: [], effects: [] };
}
