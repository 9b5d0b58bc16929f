export { Store, toDoc, fromDoc } from './store';
export type { Models, TicketDoc, TicketEventDoc, NotificationDoc } from './models';
export { renderReference, counterScope, validateMask, InvalidMaskError } from './numbering';
export { StoreUnavailableError, isDuplicateKey, redact } from './errors';
