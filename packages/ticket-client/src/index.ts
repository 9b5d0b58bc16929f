export { Tickets } from './tickets';
export type {
  TicketsOptions,
  CreateOptions,
  CommandOptions,
  CustomerMessage,
  CustomerReplyOptions,
  ReplyOutcome,
} from './tickets';
export { DirectoryRefusedError, TicketNotFoundError, TicketForbiddenError, TicketRefusedError } from './errors';
export { actionsRefusal, assigneeRefusal, checkCommand, checkCreation, sharedOrganization } from './directory';
export { uuidFrom } from './ids';
export { mailCcs, supportAddressOf, supportAddresses, ticketFromMail } from './mail';
export type { MailForTicket } from './mail';
// The rules the services ask before or beside a command (they reach tickets through this client).
export {
  WHO_MAY_ALSO,
  creationRefusal,
  describeRoles,
  isStaff,
  mayDo,
  mayView,
  routesAutomatically,
  whoMay,
  conditionsHold,
  dryRun,
  fillPlaceholders,
  timeRuleDeadlines,
  triggerEvents,
  withTriggers,
} from '@helpdesk/ticket-rules';
export type { CreationRefusal, DryRun } from '@helpdesk/ticket-rules';
export { agentAvailabilityChanged, queueTicket, queueWaitingTickets, wakeGroupQueue } from './routing';
export { customFieldProblems, customFieldsOf, customValuesProblems } from '@helpdesk/ticket-rules';
