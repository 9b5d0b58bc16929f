export { Tickets } from './tickets';
export type { TicketsOptions, CreateOptions, CommandOptions, CustomerMessage, CustomerReplyOptions, ReplyOutcome } from './tickets';
export { TicketNotFoundError, TicketForbiddenError, TicketRefusedError } from './errors';
export { uuidFrom } from './ids';
