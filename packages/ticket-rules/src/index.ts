export { decide, allowedCommands, minimalCommand, refuse, reclassification } from './decide';
export { decideClosed } from './closed';
export type { ClosedDecision, ClosedWrite } from './closed';
export { createTicket, creationRefusal } from './create';
export type { CreationRefusal, CreationRequest } from './create';
export { describeRoles, forSomeoneElse, isStaff, mayView, STAFF_ROLES } from './roles';
export { mayDo, whoMay, WHO_MAY_ALSO } from './rules';
export type { TicketAction } from './rules';
export { deadlinesMoved, nextTimer, pendingTimers, fireTimer, slaRecipients } from './timers';
export {
  MAX_SLA_PAUSES,
  ROUND_THE_CLOCK,
  computeSla,
  slaCalendarFor,
  slaDueAt,
  slaPaused,
  slaPolicyFor,
  slaRefreshed,
  withSlaView,
} from './sla';
export type { Timer, TimerKind } from './timers';
export type { Accepted, Decision, Effect, Context, Refused } from './types';
export { childReopened, childResolved, mergedIn, notificationFailed } from './links';
export { followUpFields } from './follow-up';
export { DEFAULT_RECEIPT_GRACE_MS, actsAt, awaitsClose, breachedBefore, receiptGraceMs, receiptTime } from './receipt';
export { restarted, runCancelled, runHalted } from './operator';
export { pickAgent, requiredSkills, routesAutomatically } from './routing';
export type { PickOptions, RoutingAgent, RoutingPick } from './routing';
export {
  conditionHolds,
  conditionsHold,
  dryRun,
  fillPlaceholders,
  performActions,
  timeRuleDeadlines,
  triggerEvents,
  withTriggers,
} from './automation';
export type { DryRun, RuleMark } from './automation';
export {
  appliesTo,
  customFieldProblems,
  customFieldsOf,
  customResolveRefusal,
  customValueProblem,
  customValuesProblems,
  isCustomDate,
  missingCustomFields,
  patchCustomValues,
  withCustomValues,
} from './custom-fields';
export type { CustomFieldProblem } from './custom-fields';
