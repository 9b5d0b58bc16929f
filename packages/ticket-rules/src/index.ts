export { decide, allowedCommands, refuse } from './decide';
export { createTicket } from './create';
export { deadlinesMoved, nextTimer, pendingTimers, fireTimer } from './timers';
export type { Timer, TimerKind } from './timers';
export type { Accepted, Decision, Effect, Context, Refused } from './types';
export { childReopened, childResolved, mergedIn, notificationFailed } from './links';
export { followUpFields } from './follow-up';
export { DEFAULT_RECEIPT_GRACE_MS, actsAt, awaitsClose, receiptGraceMs, receiptTime } from './receipt';
export { restarted, runCancelled, runHalted } from './operator';
