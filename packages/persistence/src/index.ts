export { Store, toDoc, fromDoc, storedTicket } from './store';
export type { FirstStateWrite, SettingsChange } from './store';
export type {
  Models,
  UserDoc,
  GroupDoc,
  OrganizationDoc,
  TicketDoc,
  TicketEventDoc,
  NotificationDoc,
  IdempotencyDoc,
  InboundMailDoc,
} from './models';
// The queries that take a model (lists, report, backfill) are reached through Store.readModel.
export { listPlan, InvalidCursorError, WindowWalk, nextWidth } from './queries';
export type { TicketFilter, ListOptions, TicketPage, DurationStats, TicketCount, TicketChange } from './queries';
export { keywordsOf, normalizeText, referenceKeyword, searchFields, searchFieldsUpdate, SEARCH_FIELDS } from './search';
export type { SearchScope, SearchField } from './search';
export { AttachmentStore } from './attachments';
export type { StoredAttachment } from './attachments';
export type {
  InboundMailRepository,
  OutboxRepository,
  IdempotencyRepository,
  TicketReadModel,
  DirectoryRepository,
  NewUser,
  UserPatch,
  NewGroup,
  GroupPatch,
  NewOrganization,
  OrganizationPatch,
  UserFilter,
} from './repositories';
export {
  DirectoryConflictError,
  API_KEY_PREFIX,
  looksLikeApiKey,
  SavedViewRepository,
  PresenceRepository,
  MacroRepository,
  isPresent,
  viewerOf,
} from './repositories';
export type { SavedView, NewSavedView, SavedViewPatch, Viewer, PresenceEntry } from './repositories';
export type { Macro, MacroPatch, NewMacro } from './repositories';
export type { CredentialsRepository, ApiKey, RefreshOutcome, MagicLinkOutcome } from './repositories';
export { renderReference, counterScope, validateMask, InvalidMaskError } from './numbering';
export { SettingsConflictError, StoreUnavailableError, isDuplicateKey, redact } from './errors';
export { CUSTOM_INDEX_FIELD, customIndexEntry } from './custom-index';
export { EventFeed, FEED_GAP_BOUND_MS, feedItemJson, formatFeedCursor, parseFeedCursor } from './feed';
export type { FeedItem, FeedPage } from './feed';
export {
  WebhookRepository,
  DEFAULT_DISABLE_POLICY,
  DELIVERY_BODY_MAX,
  DELIVERY_LOG_SIZE,
  generateWebhookSecret,
} from './repositories/webhooks';
export type {
  WebhookSubscription,
  WebhookDelivery,
  WebhookDisablePolicy,
  NewWebhook,
  WebhookPatch,
  AttemptResult,
} from './repositories/webhooks';
export { TemplateRepository, SatisfactionRepository, SATISFACTION_TOKEN_PREFIX } from './repositories';
export type { StoredTemplate, TemplatePartsInput, SatisfactionLink, RatingOutcome } from './repositories';
