export { InboundMailRepository } from './inbound-mail';
export { OutboxRepository } from './outbox';
export { IdempotencyRepository } from './idempotency';
export { TicketReadModel } from './read-model';
