// Receipt time: a command counts at the moment the helpdesk received it (the gateway and the mail
// collector stamp it), not when a busy worker got to it, trusted within a bounded grace. The close
// at the end of the feedback window waits out that grace, so a reply received before the lapse and
// still in flight reopens the ticket, and one received after it waits for the close to be final
// (then it makes a follow-up): always exactly one of the two.
import type { Settings, TicketState } from '@helpdesk/contracts/workflow';
import { pendingTimers } from './timers';
import type { Timer } from './timers';

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

/** When a due deadline may act: the close waits out the grace for commands received before it. */
export const actsAt = (timer: Timer, settings: Settings): number =>
  timer.kind === 'feedback_over' ? timer.at + receiptGraceMs(settings) : timer.at;

/**
 * A command received at `at` on a resolved ticket whose feedback window had lapsed by then: it must
 * wait until the close is final, or until a command received earlier reopens the ticket.
 */
export function awaitsClose(s: TicketState, settings: Settings, at: number): boolean {
  const lapse = pendingTimers(s, settings).find((t) => t.kind === 'feedback_over')?.at;
  return lapse !== undefined && at >= lapse;
}
