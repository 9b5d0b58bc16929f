// Mongoose models. Only features both MongoDB and FerretDB v1 support: no transactions, no
// $lookup, no text or TTL indexes. Times are epoch milliseconds, as in the workflow state.
import { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import type {
  AutomationAction,
  DirectoryGroup,
  DirectoryUser,
  Organization,
  Settings,
  TicketEvent,
  TicketState,
} from '@helpdesk/contracts';

const mixed = Schema.Types.Mixed;

export type TicketDoc = Omit<TicketState, 'id'> & {
  _id: string;
  purged?: boolean;
  kwPublic?: string[];
  kwAll?: string[];
  /** Custom field values as `<key>=<value>` entries (custom-index.ts), maintained by the projection. */
  cf?: string[];
  /** List keys (list-keys.ts), maintained by the projection. */
  lk?: string[];
};

/**
 * Every field of the workflow's state (but its id, which is `_id`), by name: a field the state
 * gains and the read model does not declare, or the other way round, fails the build here. The
 * projection writes only declared fields, so a missing one would silently never be stored.
 */
const ticketStateFields = {
  reference: { type: String, required: true, unique: true },
  status: { type: String, required: true },
  channel: String,
  assignee: String,
  waitType: String,
  waitUntil: Number,
  closeIfNoResponse: Boolean,
  resolution: mixed,
  read: Boolean,
  awaiting: String,
  attention: Boolean,
  deleted: Boolean,
  links: mixed,
  breaches: mixed,
  sla: mixed,
  slaDueAt: Number,
  slaClock: mixed,
  createdAt: Number,
  createdBy: String,
  submittedAt: Number,
  updatedAt: Number,
  lastActionAt: Number,
  firstPublicReplyAt: Number,
  reopenCount: Number,
  statusChangedAt: Number,
  timeRulesFired: mixed,
  halted: String,
  revision: { type: Number, required: true },
  eventSeq: Number,
  title: String,
  description: String,
  category: String,
  type: String,
  group: String,
  severity: String,
  priority: String,
  requester: mixed,
  primaryContact: mixed,
  company: String,
  ccs: [String],
  notifyThirdParty: Boolean,
  project: String,
  contract: String,
  tags: [String],
  brand: String,
  supportAddress: String,
  attachments: mixed,
  custom: mixed,
  // Written by the satisfaction repository, never by the projection (store.ts leaves it alone).
  satisfaction: mixed,
} satisfies Record<Exclude<keyof TicketState, 'id'>, unknown>;

/** The ticket read model: the workflow's state as last projected, one document per ticket. */
const ticketSchema = new Schema<TicketDoc>(
  {
    _id: { type: String, required: true },
    ...ticketStateFields,
    // Search words (see search.ts), maintained by the projection. Never read back with the ticket.
    kwPublic: { type: [String], select: false },
    kwAll: { type: [String], select: false },
    // Custom field values as index entries (custom-index.ts). Never read back with the ticket.
    cf: { type: [String], select: false },
    // List keys (list-keys.ts). Never read back with the ticket.
    lk: { type: [String], select: false },
  },
  { collection: 'tickets', versionKey: false, strict: true, minimize: false },
);
// Lists (queries.ts) read a filter's equality, then a bounded range of the sort field, in
// (sort, _id) order: one index per filter and sort, `deleted` after the filter (every list names
// it), the `_id` tie-break last. The filter leads so a store that plans one clause at a time can
// still pick it by its leading field.
export const LIST_FILTER_FIELDS = [
  'status',
  'assignee',
  'group',
  'requester.id',
  'company',
  'tags',
  'type',
  'severity',
  'channel',
  'links.followUpOf',
  'attention',
  'breaches.kind',
  // Custom field values (`<key>=<value>`, custom-index.ts): one multikey index for every field.
  'cf',
  // Satisfaction lists (satisfaction=good|bad|none): the rating, absent on unrated tickets.
  'satisfaction.rating',
  // List keys (list-keys.ts): a filter with a status, or any breach, as one equality.
  'lk',
] as const;
export const SEARCH_INDEX_FIELDS = ['kwPublic', 'kwAll'] as const;
for (const sort of ['createdAt', 'updatedAt']) {
  ticketSchema.index({ deleted: 1, [sort]: -1, _id: -1 });
  // The sort field alone: for filters no index above covers, a window of it bounds the scan.
  ticketSchema.index({ [sort]: -1, _id: -1 });
  for (const field of LIST_FILTER_FIELDS) ticketSchema.index({ [field]: 1, deleted: 1, [sort]: -1, _id: -1 });
}
// Lists by SLA due instant (sort=due, dueBefore): only open tickets under a policy have one.
ticketSchema.index({ deleted: 1, slaDueAt: 1, _id: 1 });
// Search reads candidates newest-created first; createdAt never changes, so these multikey
// entries are rewritten only when words are added.
for (const field of SEARCH_INDEX_FIELDS) ticketSchema.index({ [field]: 1, deleted: 1, createdAt: -1, _id: -1 });

/**
 * `projectedAt`: when the event reached the read model (its lag behind `at` is what readers wait).
 * `feedSeq`: its place in the event feed (feed.ts); events projected before the feed have none.
 */
export type TicketEventDoc = TicketEvent & { _id: string; projectedAt?: number; feedSeq?: number };

/** The timeline: one document per event, keyed `<ticketId>:<seq>` so a retried write is a no-op. */
const eventSchema = new Schema<TicketEventDoc>(
  {
    _id: { type: String, required: true },
    ticketId: { type: String, required: true },
    seq: { type: Number, required: true },
    type: { type: String, required: true },
    at: { type: Number, required: true },
    actor: mixed,
    channel: String,
    before: mixed,
    after: mixed,
    data: mixed,
    projectedAt: Number,
    feedSeq: Number,
  },
  { collection: 'ticket_events', versionKey: false, minimize: false },
);
eventSchema.index({ ticketId: 1, seq: 1 });
// The event feed reads ranges of it (feed.ts).
eventSchema.index({ feedSeq: 1 });

export interface SettingsDoc {
  _id: string;
  value: Partial<Settings>;
  updatedAt: number;
  version?: number;
}
const settingsSchema = new Schema<SettingsDoc>(
  { _id: String, value: mixed, updatedAt: Number, version: Number },
  { collection: 'settings', versionKey: false, minimize: false },
);

export interface CounterDoc {
  _id: string;
  seq: number;
}
const counterSchema = new Schema<CounterDoc>(
  { _id: String, seq: Number },
  { collection: 'counters', versionKey: false },
);

/** Which reference a ticket got: makes allocation idempotent per ticket id. */
export interface ReferenceDoc {
  _id: string;
  reference: string;
}
const referenceSchema = new Schema<ReferenceDoc>(
  { _id: String, reference: { type: String, unique: true } },
  { collection: 'ticket_references', versionKey: false },
);

/** Outbound notifications, keyed by a deterministic id so a retried send is not sent twice. */
export interface NotificationDoc {
  _id: string;
  ticketId: string;
  kind: string;
  to: string[];
  subject: string;
  status: 'sending' | 'sent' | 'failed';
  messageId?: string;
  attempts: number;
  /** While an attempt is sending it, no other may (a retry, or the next run after continue-as-new). */
  leaseUntil?: number;
  createdAt: number;
  sentAt?: number;
  error?: string;
  /** Directory references that led to no address, with why. */
  dropped?: { recipient: string; reason: string }[];
}
const notificationSchema = new Schema<NotificationDoc>(
  {
    _id: String,
    ticketId: { type: String, index: true },
    kind: String,
    to: [String],
    subject: String,
    status: String,
    messageId: { type: String, index: true },
    attempts: Number,
    leaseUntil: Number,
    createdAt: Number,
    sentAt: Number,
    error: String,
    dropped: mixed,
  },
  { collection: 'notifications', versionKey: false },
);

/** A remembered answer to a POST with an Idempotency-Key. */
export interface IdempotencyDoc {
  _id: string;
  requestHash: string;
  state: 'pending' | 'done';
  /** The answer as sent: status, JSON text, Location. */
  response?: { status: number; body: string; location?: string };
  createdAt: number;
}
const idempotencySchema = new Schema<IdempotencyDoc>(
  { _id: String, requestHash: String, state: String, response: mixed, createdAt: { type: Number, index: true } },
  { collection: 'idempotency_keys', versionKey: false, minimize: false },
);

/** A mail that came in: its identity (Message-ID or content hash), what it was, what became of it. */
export interface InboundMailDoc {
  _id: string;
  messageId?: string;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  /** The reply with quoted history stripped; the raw message is kept in inbound_raw. */
  body: string;
  receivedAt: number;
  status: 'processing' | 'done' | 'suspended';
  action?: 'added' | 'follow_up' | 'created' | 'rejected_unknown' | 'draft_filled';
  ticketId?: string;
  suspendedReason?: string;
  recoveredTicketId?: string;
  /** Whether the sender counted as known, decided once so that a retry decides the same. */
  senderKnown?: boolean;
  /** CCs the mail named that get nothing (past the cap, or not addresses), with why. */
  droppedCc?: { address: string; reason: string }[];
}
const inboundSchema = new Schema<InboundMailDoc>(
  {
    _id: String,
    messageId: { type: String, index: true },
    from: { type: String, index: true },
    to: [String],
    cc: [String],
    subject: String,
    body: String,
    receivedAt: { type: Number, index: true },
    status: { type: String, index: true },
    action: String,
    ticketId: { type: String, index: true },
    suspendedReason: String,
    recoveredTicketId: String,
    senderKnown: Boolean,
    droppedCc: [{ _id: false, address: String, reason: String }],
  },
  { collection: 'inbound_mail', versionKey: false },
);

export interface InboundRawDoc {
  _id: string;
  raw: Buffer;
}
const inboundRawSchema = new Schema<InboundRawDoc>(
  { _id: String, raw: Buffer },
  { collection: 'inbound_raw', versionKey: false },
);

/** A person in the directory, keyed by their id; the email is unique. */
export type UserDoc = Omit<DirectoryUser, 'id'> & { _id: string };
const userSchema = new Schema<UserDoc>(
  {
    _id: String,
    name: String,
    email: { type: String, required: true, unique: true },
    role: { type: String, required: true },
    locale: String,
    timeZone: String,
    active: { type: Boolean, index: true },
    organizationId: { type: String, index: true },
    skills: [String],
    capacity: Number,
    availability: String,
    signature: String,
    createdAt: Number,
    updatedAt: Number,
  },
  { collection: 'users', versionKey: false, minimize: false },
);
userSchema.index({ role: 1, name: 1 });

/** A group, keyed by its name (tickets carry the name). */
export type GroupDoc = Omit<DirectoryGroup, 'name'> & { _id: string };
const groupSchema = new Schema<GroupDoc>(
  {
    _id: String,
    email: String,
    members: { type: [String], index: true },
    calendar: String,
    routing: mixed,
    createdAt: Number,
    updatedAt: Number,
  },
  { collection: 'groups', versionKey: false, minimize: false },
);

export type OrganizationDoc = Omit<Organization, 'id'> & { _id: string };
const organizationSchema = new Schema<OrganizationDoc>(
  {
    _id: String,
    name: { type: String, required: true },
    domains: { type: [String], index: true },
    shareTickets: Boolean,
    createdAt: Number,
    updatedAt: Number,
  },
  { collection: 'organizations', versionKey: false, minimize: false },
);

/** A user's password (argon2id hash, never the password). Keyed by the directory user's id. */
export interface PasswordDoc {
  _id: string;
  hash: string;
  changedAt: number;
}
const passwordSchema = new Schema<PasswordDoc>(
  { _id: String, hash: { type: String, required: true }, changedAt: Number },
  { collection: 'passwords', versionKey: false },
);

/** Failed sign-ins per (lower-cased) email, known or not, so a lockout says nothing about accounts. */
export interface SignInThrottleDoc {
  _id: string;
  failures: number;
  windowStart: number;
  lockedUntil?: number;
}
const signInThrottleSchema = new Schema<SignInThrottleDoc>(
  { _id: String, failures: Number, windowStart: Number, lockedUntil: Number },
  { collection: 'sign_in_throttle', versionKey: false },
);

/** A refresh token (sha-256 of its secret only); one family per sign-in, rotated on each use. */
export interface RefreshTokenDoc {
  _id: string;
  family: string;
  userId: string;
  hash: string;
  createdAt: number;
  expiresAt: number;
  rotatedAt?: number;
  revokedAt?: number;
}
const refreshTokenSchema = new Schema<RefreshTokenDoc>(
  {
    _id: String,
    family: { type: String, required: true, index: true },
    userId: { type: String, required: true, index: true },
    hash: { type: String, required: true },
    createdAt: Number,
    expiresAt: Number,
    rotatedAt: Number,
    revokedAt: Number,
  },
  { collection: 'refresh_tokens', versionKey: false },
);

/** A magic sign-in link for a requester: the hash is set when the notifier mails it. */
export interface MagicLinkDoc {
  _id: string;
  email: string;
  hash?: string;
  createdAt: number;
  expiresAt: number;
  mailedAt?: number;
  usedAt?: number;
}
const magicLinkSchema = new Schema<MagicLinkDoc>(
  {
    _id: String,
    email: { type: String, required: true, index: true },
    hash: String,
    createdAt: Number,
    expiresAt: Number,
    mailedAt: Number,
    usedAt: Number,
  },
  { collection: 'magic_links', versionKey: false },
);

/** A service's API key: `hk_<id>_<secret>`, of which only the secret's sha-256 is kept. */
export interface ApiKeyDoc {
  _id: string;
  name: string;
  role: string;
  hash: string;
  createdBy: string;
  createdAt: number;
  lastUsedAt?: number;
  revokedAt?: number;
}
const apiKeySchema = new Schema<ApiKeyDoc>(
  {
    _id: String,
    name: { type: String, required: true },
    role: { type: String, required: true },
    hash: { type: String, required: true },
    createdBy: String,
    createdAt: { type: Number, index: true },
    lastUsedAt: Number,
    revokedAt: Number,
  },
  { collection: 'api_keys', versionKey: false },
);

/**
 * A saved ticket list (the console's left rail): the list's query parameters as the API takes
 * them (strings, validated by the gateway with the list's own schema), owned by one user and
 * optionally shared with a directory group.
 */
export interface SavedViewDoc {
  _id: string;
  name: string;
  query: Record<string, string>;
  ownerId: string;
  sharedWithGroup?: string;
  createdAt: number;
  updatedAt: number;
}
const savedViewSchema = new Schema<SavedViewDoc>(
  {
    _id: String,
    name: { type: String, required: true },
    query: mixed,
    ownerId: { type: String, required: true, index: true },
    sharedWithGroup: { type: String, index: true },
    createdAt: Number,
    updatedAt: Number,
  },
  // minimize: false keeps an empty query ({}: every ticket) instead of dropping the field.
  { collection: 'saved_views', versionKey: false, minimize: false },
);

/**
 * A macro: saved actions and a reply an agent applies to a ticket in one command. Personal (only
 * its owner sees it) or shared with every agent.
 */
export interface MacroDoc {
  _id: string;
  name: string;
  ownerId: string;
  shared: boolean;
  actions: AutomationAction[];
  reply?: { body: string; visibility: 'public' | 'private_note' };
  createdAt: number;
  updatedAt: number;
}
const macroSchema = new Schema<MacroDoc>(
  {
    _id: String,
    name: { type: String, required: true },
    ownerId: { type: String, required: true, index: true },
    shared: { type: Boolean, index: true },
    actions: mixed,
    reply: mixed,
    createdAt: Number,
    updatedAt: Number,
  },
  { collection: 'macros', versionKey: false, minimize: false },
);

/**
 * Who is looking at a ticket: one document per (ticket, user), kept alive by heartbeats. Never
 * deleted on leave but marked `left` with a fresh `seenAt`, so every gateway's poller (which reads
 * by `seenAt`) sees the departure; expired and left entries are purged later. No TTL index: FerretDB
 * v1 has none, and readers ignore what has expired anyway.
 */
export interface PresenceDoc {
  _id: string;
  ticketId: string;
  userId: string;
  name: string;
  typing: boolean;
  /** When this viewer arrived (kept across heartbeats). */
  since: number;
  /** The last heartbeat or the departure: what pollers read changes by. */
  seenAt: number;
  expiresAt: number;
  left?: boolean;
}
const presenceSchema = new Schema<PresenceDoc>(
  {
    _id: String,
    ticketId: { type: String, required: true, index: true },
    userId: { type: String, required: true },
    name: String,
    typing: Boolean,
    since: Number,
    seenAt: { type: Number, index: true },
    expiresAt: { type: Number, index: true },
    left: Boolean,
  },
  { collection: 'presence', versionKey: false },
);

/**
 * A stored notification template: the parts that override the shipped default for one brand,
 * locale and kind (`_id` is `<brand>:<locale>:<kind>`).
 */
export interface TemplateDoc {
  _id: string;
  brand: string;
  locale: string;
  kind: string;
  subject?: string;
  text?: string;
  html?: string;
  updatedAt: number;
  updatedBy: string;
}
const templateSchema = new Schema<TemplateDoc>(
  {
    _id: String,
    brand: { type: String, required: true, index: true },
    locale: { type: String, required: true },
    kind: { type: String, required: true },
    subject: String,
    text: String,
    html: String,
    updatedAt: Number,
    updatedBy: String,
  },
  { collection: 'templates', versionKey: false },
);

/**
 * A satisfaction link mailed with a resolution: `sat_<id>_<secret>`, of which only the secret's
 * sha-256 is kept (the notifier mints it when it sends). Used once.
 */
export interface SatisfactionTokenDoc {
  _id: string;
  ticketId: string;
  hash: string;
  createdAt: number;
  usedAt?: number;
}
const satisfactionTokenSchema = new Schema<SatisfactionTokenDoc>(
  {
    _id: String,
    ticketId: { type: String, required: true, index: true },
    hash: { type: String, required: true },
    createdAt: Number,
    usedAt: Number,
  },
  { collection: 'satisfaction_tokens', versionKey: false },
);

export interface Models {
  Ticket: Model<TicketDoc>;
  TicketEvent: Model<TicketEventDoc>;
  Settings: Model<SettingsDoc>;
  Counter: Model<CounterDoc>;
  Reference: Model<ReferenceDoc>;
  Notification: Model<NotificationDoc>;
  Idempotency: Model<IdempotencyDoc>;
  InboundMail: Model<InboundMailDoc>;
  InboundRaw: Model<InboundRawDoc>;
  User: Model<UserDoc>;
  Group: Model<GroupDoc>;
  Organization: Model<OrganizationDoc>;
  Password: Model<PasswordDoc>;
  SignInThrottle: Model<SignInThrottleDoc>;
  RefreshToken: Model<RefreshTokenDoc>;
  MagicLink: Model<MagicLinkDoc>;
  ApiKey: Model<ApiKeyDoc>;
  SavedView: Model<SavedViewDoc>;
  Presence: Model<PresenceDoc>;
  Macro: Model<MacroDoc>;
  Template: Model<TemplateDoc>;
  SatisfactionToken: Model<SatisfactionTokenDoc>;
}

export function registerModels(conn: Connection): Models {
  return {
    Ticket: conn.model<TicketDoc>('Ticket', ticketSchema),
    TicketEvent: conn.model<TicketEventDoc>('TicketEvent', eventSchema),
    Settings: conn.model<SettingsDoc>('Settings', settingsSchema),
    Counter: conn.model<CounterDoc>('Counter', counterSchema),
    Reference: conn.model<ReferenceDoc>('Reference', referenceSchema),
    Notification: conn.model<NotificationDoc>('Notification', notificationSchema),
    Idempotency: conn.model<IdempotencyDoc>('Idempotency', idempotencySchema),
    InboundMail: conn.model<InboundMailDoc>('InboundMail', inboundSchema),
    InboundRaw: conn.model<InboundRawDoc>('InboundRaw', inboundRawSchema),
    User: conn.model<UserDoc>('User', userSchema),
    Group: conn.model<GroupDoc>('Group', groupSchema),
    Organization: conn.model<OrganizationDoc>('Organization', organizationSchema),
    Password: conn.model<PasswordDoc>('Password', passwordSchema),
    SignInThrottle: conn.model<SignInThrottleDoc>('SignInThrottle', signInThrottleSchema),
    RefreshToken: conn.model<RefreshTokenDoc>('RefreshToken', refreshTokenSchema),
    MagicLink: conn.model<MagicLinkDoc>('MagicLink', magicLinkSchema),
    ApiKey: conn.model<ApiKeyDoc>('ApiKey', apiKeySchema),
    SavedView: conn.model<SavedViewDoc>('SavedView', savedViewSchema),
    Presence: conn.model<PresenceDoc>('Presence', presenceSchema),
    Macro: conn.model<MacroDoc>('Macro', macroSchema),
    Template: conn.model<TemplateDoc>('Template', templateSchema),
    SatisfactionToken: conn.model<SatisfactionTokenDoc>('SatisfactionToken', satisfactionTokenSchema),
  };
}
