export { decide, allowedCommands, refuse } from './decide';
export { createTicket } from './create';
export { deadlinesMoved, nextTimer, pendingTimers, fireTimer } from './timers';
export type { Timer, TimerKind } from './timers';
export type { Accepted, Decision, Effect, Context, Refused } from './types';
export { childResolved, mergedIn, notificationFailed } from './links';
export { followUpFields } from './follow-up';
