// Receipt time: a command counts at the moment the helpdesk received it (the gateway and the mail
// collector stamp it), not when a busy worker got to it, trusted within a bounded grace. The close
// at the end of the feedback window waits out that grace, so a reply received before the lapse and
// still in flight reopens the ticket, and one received after it waits for the close to be final
// (then it makes a follow-up): always exactly one of the two. Service-level breaches wait out the
// grace too: an answer received before the deadline prevents the breach, and one received after it
// records the breach first.
import type { Settings, TicketState } from '@helpdesk/contracts/workflow';
import { fireTimer, pendingTimers } from './timers';
import type { Timer } from './timers';
import type { Accepted } from './types';

export const DEFAULT_RECEIPT_GRACE_MS = 3_000;

export const receiptGraceMs = (settings: Settings): number =>
  settings.receiptGraceSeconds === undefined
    ? DEFAULT_RECEIPT_GRACE_MS
    : Math.max(0, Math.round(settings.receiptGraceSeconds * 1000));

/**
 * When a command counts: its receipt stamp, unless the stamp is missing, in the future (another
 * clock) or older than the grace (a stale retry, a bad stamp): then now.
 */
export function receiptTime(receivedAt: number | undefined, now: number, settings: Settings): number {
  if (typeof receivedAt !== 'number' || !Number.isFinite(receivedAt)) return now;
  return receivedAt > now || receivedAt < now - receiptGraceMs(settings) ? now : receivedAt;
}

/** Service-level deadlines: a breach is decided by when the answer or action was received. */
const SERVICE_LEVEL: ReadonlySet<Timer['kind']> = new Set(['response_due', 'action_due', 'sla_due']);

/**
 * When a due deadline may act: the close and (with `serviceLevels`, the rule since it was
 * versioned in) the service-level breaches wait out the grace, for commands received before them
 * and still in flight. A wait's end needs none: a command in flight then acts the same either way.
 */
export const actsAt = (timer: Timer, settings: Settings, serviceLevels = true): number =>
  timer.kind === 'feedback_over' || (serviceLevels && SERVICE_LEVEL.has(timer.kind))
    ? timer.at + receiptGraceMs(settings)
    : timer.at;

/**
 * Breaches a command comes too late to prevent: service-level deadlines that passed before it was
 * received (`at`), still waiting out the grace. They act first, as they would have had the command
 * been processed when it arrived; then the command. One decision per deadline, earliest first.
 */
export function breachedBefore(s: TicketState, settings: Settings, at: number, now: number): Accepted[] {
  const out: Accepted[] = [];
  let state = s;
  for (;;) {
    const due = pendingTimers(state, settings)
      .filter((t) => SERVICE_LEVEL.has(t.kind) && t.at < at)
      .sort((a, b) => a.at - b.at)[0];
    if (!due) return out;
    const fired = fireTimer(state, due, now, settings);
    out.push(fired);
    state = fired.state;
  }
}

/**
 * A command received at `at` on a resolved ticket whose feedback window had lapsed by then: it must
 * wait until the close is final, or until a command received earlier reopens the ticket.
 */
export function awaitsClose(s: TicketState, settings: Settings, at: number): boolean {
  const lapse = pendingTimers(s, settings).find((t) => t.kind === 'feedback_over')?.at;
  return lapse !== undefined && at >= lapse;
}
