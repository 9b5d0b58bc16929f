export { Store, toDoc, fromDoc } from './store';
export type { Models, TicketDoc, TicketEventDoc, NotificationDoc, IdempotencyDoc, InboundMailDoc } from './models';
export { listTickets, reportRows, ticketQuery, InvalidCursorError } from './queries';
export type { TicketFilter, ListOptions } from './queries';
export { AttachmentStore } from './attachments';
export type { StoredAttachment } from './attachments';
export { renderReference, counterScope, validateMask, InvalidMaskError } from './numbering';
export { StoreUnavailableError, isDuplicateKey, redact } from './errors';
