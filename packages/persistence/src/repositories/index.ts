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
export { SavedViewRepository } from './views';
export type { SavedView, NewSavedView, SavedViewPatch } from './views';
export { PresenceRepository, isPresent, viewerOf } from './presence';
export type { Viewer, PresenceEntry } from './presence';
export { MacroRepository } from './macros';
export type { Macro, MacroPatch, NewMacro } from './macros';
export { TemplateRepository } from './templates';
export type { StoredTemplate, TemplatePartsInput } from './templates';
export { SatisfactionRepository, SATISFACTION_TOKEN_PREFIX } from './satisfaction';
export type { SatisfactionLink, RatingOutcome } from './satisfaction';
