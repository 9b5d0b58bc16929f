export { InboundMailRepository } from './inbound-mail';
export { OutboxRepository } from './outbox';
export { IdempotencyRepository } from './idempotency';
export { TicketReadModel } from './read-model';
export { DirectoryRepository, DirectoryConflictError } from './directory';
export type {
  NewUser,
  UserPatch,
  NewGroup,
  GroupPatch,
  NewOrganization,
  OrganizationPatch,
  UserFilter,
} from './directory';
