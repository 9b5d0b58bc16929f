export { InboundMailRepository } from './inbound-mail';
export { OutboxRepository } from './outbox';
export { IdempotencyRepository } from './idempotency';
export { TicketReadModel } from './read-model';
export { DirectoryRepository, DirectoryConflictError } from './directory';
export { CredentialsRepository, API_KEY_PREFIX, looksLikeApiKey } from './credentials';
export type { ApiKey, RefreshOutcome, MagicLinkOutcome } from './credentials';
export type {
  NewUser,
  UserPatch,
  NewGroup,
  GroupPatch,
  NewOrganization,
  OrganizationPatch,
  UserFilter,
} from './directory';
