// Webhook subscriptions and their delivery log. A subscription's dispatcher (a Temporal workflow)
// delivers its events in feed order; what it delivered is `deliveredThrough` here (a feedSeq), so
// an event delivered with success is never sent again, whatever restarts or retries happen.
import { randomBytes, randomUUID } from 'node:crypto';
import { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import type { TicketEventType } from '@helpdesk/contracts';

/** When repeated failure disables a subscription: failures in a row AND spanning at least this long. */
export interface WebhookDisablePolicy {
  failures: number;
  seconds: number;
}
export const DEFAULT_DISABLE_POLICY: WebhookDisablePolicy = { failures: 20, seconds: 24 * 3600 };

export interface WebhookSubscription {
  id: string;
  url: string;
  /** Subscribed event types; unset: all. */
  eventTypes?: TicketEventType[];
  /** Set by the admin; false after an automatic disabling too (`disabled` says why). */
  active: boolean;
  disableAfter: WebhookDisablePolicy;
  /** The feed cursor it started after (its creation): it gets the events from then on. */
  startAfter: number;
  /** The last feedSeq delivered with success: never delivered again. */
  deliveredThrough: number;
  /** Delivery attempts made (numbers the log). */
  attempts: number;
  /** Failed attempts since the last success, and since when. */
  failureStreak: number;
  failingSince?: number;
  lastSuccessAt?: number;
  disabled?: { at: number; reason: string; mailedAt?: number };
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** The secret is kept apart from what is shown: read only to sign. */
type SubscriptionDoc = Omit<WebhookSubscription, 'id'> & { _id: string; secret: string };

export interface WebhookDelivery {
  subscriptionId: string;
  /** The attempt's number (1, 2, …) within its subscription. */
  attempt: number;
  eventId: string;
  eventType: string;
  feedSeq: number;
  at: number;
  durationMs: number;
  ok: boolean;
  /** The receiver's HTTP status, when it answered. */
  status?: number;
  /** The start of its answer (DELIVERY_BODY_MAX characters). */
  responseBody?: string;
  error?: string;
}
type DeliveryDoc = WebhookDelivery & { _id: string };

/** Attempts kept per subscription: the log is a ring of this many slots (no deletes, bounded). */
export const DELIVERY_LOG_SIZE = 100;
export const DELIVERY_BODY_MAX = 1_000;

const mixed = Schema.Types.Mixed;
const subscriptionSchema = new Schema<SubscriptionDoc>(
  {
    _id: String,
    url: { type: String, required: true },
    secret: { type: String, required: true },
    eventTypes: { type: [String], default: undefined },
    active: Boolean,
    disableAfter: mixed,
    startAfter: Number,
    deliveredThrough: Number,
    attempts: Number,
    failureStreak: Number,
    failingSince: Number,
    lastSuccessAt: Number,
    disabled: mixed,
    createdBy: String,
    createdAt: { type: Number, index: true },
    updatedAt: Number,
  },
  { collection: 'webhook_subscriptions', versionKey: false, minimize: false },
);
const deliverySchema = new Schema<DeliveryDoc>(
  {
    _id: String,
    subscriptionId: { type: String, required: true, index: true },
    attempt: Number,
    eventId: String,
    eventType: String,
    feedSeq: Number,
    at: Number,
    durationMs: Number,
    ok: Boolean,
    status: Number,
    responseBody: String,
    error: String,
  },
  { collection: 'webhook_deliveries', versionKey: false },
);

export function registerWebhookModels(conn: Connection) {
  return {
    WebhookSubscription: conn.model<SubscriptionDoc>('WebhookSubscription', subscriptionSchema),
    WebhookDelivery: conn.model<DeliveryDoc>('WebhookDelivery', deliverySchema),
  };
}

export interface NewWebhook {
  url: string;
  /** Unset: one is generated (and shown once). */
  secret?: string | undefined;
  eventTypes?: TicketEventType[] | undefined;
  active?: boolean | undefined;
  disableAfter?: WebhookDisablePolicy | undefined;
  createdBy: string;
  startAfter: number;
}
export interface WebhookPatch {
  url?: string | undefined;
  secret?: string | undefined;
  /** null: all event types. */
  eventTypes?: TicketEventType[] | null | undefined;
  /** true also re-enables a subscription disabled after failures (its failure streak starts again). */
  active?: boolean | undefined;
  disableAfter?: WebhookDisablePolicy | undefined;
}

/** What a delivery attempt found, for the log. */
export type AttemptResult = Omit<WebhookDelivery, 'subscriptionId' | 'attempt'>;

const subscriptionOf = ({ _id, secret: _secret, ...rest }: SubscriptionDoc): WebhookSubscription => ({
  id: _id,
  ...rest,
});

/** A generated secret: 32 random bytes, `whsec_` + base64url. */
export const generateWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

export class WebhookRepository {
  constructor(
    private readonly subscriptions: Model<SubscriptionDoc>,
    private readonly deliveries: Model<DeliveryDoc>,
  ) {}

  /** Answers the subscription and its secret (the only time the secret is handed out). */
  async create(input: NewWebhook, now = Date.now()): Promise<{ subscription: WebhookSubscription; secret: string }> {
    const secret = input.secret ?? generateWebhookSecret();
    const doc: SubscriptionDoc = {
      _id: `wh-${randomUUID()}`,
      url: input.url,
      secret,
      ...(input.eventTypes ? { eventTypes: input.eventTypes } : {}),
      active: input.active ?? true,
      disableAfter: input.disableAfter ?? DEFAULT_DISABLE_POLICY,
      startAfter: input.startAfter,
      deliveredThrough: input.startAfter,
      attempts: 0,
      failureStreak: 0,
      createdBy: input.createdBy,
      createdAt: now,
      updatedAt: now,
    };
    await this.subscriptions.create(doc);
    return { subscription: subscriptionOf(doc), secret };
  }

  async get(id: string): Promise<WebhookSubscription | undefined> {
    const doc = await this.subscriptions.findById(id).lean<SubscriptionDoc>();
    return doc ? subscriptionOf(doc) : undefined;
  }

  /** The subscription with its secret: for the dispatcher, which signs with it. */
  async getForDelivery(id: string): Promise<{ subscription: WebhookSubscription; secret: string } | undefined> {
    const doc = await this.subscriptions.findById(id).lean<SubscriptionDoc>();
    return doc ? { subscription: subscriptionOf(doc), secret: doc.secret } : undefined;
  }

  /** Oldest first (an admin's list: a helpdesk has few). */
  async list(limit = 500): Promise<WebhookSubscription[]> {
    const docs = await this.subscriptions.find({}).limit(limit).lean<SubscriptionDoc[]>();
    return docs.sort((a, b) => a.createdAt - b.createdAt || (a._id < b._id ? -1 : 1)).map(subscriptionOf);
  }

  async update(id: string, patch: WebhookPatch, now = Date.now()): Promise<WebhookSubscription | undefined> {
    const $set: Record<string, unknown> = { updatedAt: now };
    const $unset: Record<string, ''> = {};
    if (patch.url !== undefined) $set.url = patch.url;
    if (patch.secret !== undefined) $set.secret = patch.secret;
    if (patch.eventTypes === null) $unset.eventTypes = '';
    else if (patch.eventTypes !== undefined) $set.eventTypes = patch.eventTypes;
    if (patch.disableAfter !== undefined) $set.disableAfter = patch.disableAfter;
    if (patch.active !== undefined) $set.active = patch.active;
    if (patch.active === true) {
      // Re-enabled: the failures that disabled it are history.
      $unset.disabled = '';
      $unset.failingSince = '';
      $set.failureStreak = 0;
    }
    const doc = await this.subscriptions
      .findOneAndUpdate({ _id: id }, { $set, ...(Object.keys($unset).length > 0 ? { $unset } : {}) }, { new: true })
      .lean<SubscriptionDoc>();
    return doc ? subscriptionOf(doc) : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const { deletedCount } = await this.subscriptions.deleteOne({ _id: id });
    if (deletedCount > 0) await this.deliveries.deleteMany({ subscriptionId: id });
    return deletedCount > 0;
  }

  /**
   * Record one delivery attempt: the subscription's counters (a success moves `deliveredThrough`
   * forward and ends the failure streak), then the log slot. A failure that makes the streak reach
   * the subscription's policy disables it; `disabledNow` is true for the one attempt that did.
   */
  async recordAttempt(
    id: string,
    result: AttemptResult,
  ): Promise<{ subscription: WebhookSubscription; disabledNow: boolean } | undefined> {
    const update = result.ok
      ? {
          $inc: { attempts: 1 },
          $set: { failureStreak: 0, lastSuccessAt: result.at },
          $unset: { failingSince: '' },
          $max: { deliveredThrough: result.feedSeq },
        }
      : { $inc: { attempts: 1, failureStreak: 1 }, $min: { failingSince: result.at } };
    const doc = await this.subscriptions.findOneAndUpdate({ _id: id }, update, { new: true }).lean<SubscriptionDoc>();
    if (!doc) return undefined;
    const slot = doc.attempts % DELIVERY_LOG_SIZE;
    await this.deliveries.replaceOne(
      { _id: `${id}:${slot}` },
      { _id: `${id}:${slot}`, subscriptionId: id, attempt: doc.attempts, ...result },
      { upsert: true },
    );
    let subscription = subscriptionOf(doc);
    if (result.ok || !doc.active) return { subscription, disabledNow: false };
    const policy = doc.disableAfter ?? DEFAULT_DISABLE_POLICY;
    const since = doc.failingSince ?? result.at;
    if (doc.failureStreak < policy.failures || result.at - since < policy.seconds * 1000)
      return { subscription, disabledNow: false };
    const reason =
      `${doc.failureStreak} failed deliveries in a row over ${Math.round((result.at - since) / 1000)} s ` +
      `(last: ${result.error ?? `HTTP ${result.status ?? '?'}`})`;
    // Only the attempt that flips it reports it (one mail to the admins).
    const disabled = await this.subscriptions
      .findOneAndUpdate(
        { _id: id, active: true },
        { $set: { active: false, disabled: { at: result.at, reason }, updatedAt: result.at } },
        { new: true },
      )
      .lean<SubscriptionDoc>();
    if (disabled) subscription = subscriptionOf(disabled);
    return { subscription, disabledNow: disabled !== null };
  }

  /**
   * Mark the disabling as mailed (after the mail went out: a crash in between sends it twice, under
   * the same Message-ID, rather than never).
   */
  async markDisabledMailed(id: string, disabledAt: number, now = Date.now()): Promise<void> {
    await this.subscriptions.updateOne({ _id: id, 'disabled.at': disabledAt }, { $set: { 'disabled.mailedAt': now } });
  }

  /** The last attempts, newest first. */
  async deliveriesOf(id: string, limit = DELIVERY_LOG_SIZE): Promise<WebhookDelivery[]> {
    const docs = await this.deliveries.find({ subscriptionId: id }).lean<DeliveryDoc[]>();
    return docs
      .sort((a, b) => b.attempt - a.attempt)
      .slice(0, limit)
      .map(({ _id: _i, ...d }) => d);
  }
}
