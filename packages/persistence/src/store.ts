// The store every service uses. One mongoose connection per process; every write is idempotent so
// Temporal activities can retry them freely.
import mongoose from 'mongoose';
import { DEFAULT_SETTINGS } from '@helpdesk/contracts';
import type { Settings, TicketEvent, TicketState } from '@helpdesk/contracts';
import { SettingsConflictError, StoreUnavailableError, isDuplicateKey, onlyDuplicateKeys } from './errors';
import { registerModels } from './models';
import type { CounterDoc, Models, ReferenceDoc, TicketDoc, TicketEventDoc } from './models';
import { counterScope, renderReference } from './numbering';
import { AttachmentStore } from './attachments';
import { SEARCH_FIELDS, searchFields as searchWordsOf, searchFieldsUpdate } from './search';
import { EventFeed, registerFeedModels } from './feed';
import { WebhookRepository, registerWebhookModels } from './repositories/webhooks';
import { CUSTOM_INDEX_FIELD, customIndexOf } from './custom-index';
import { LIST_KEYS_FIELD, listKeysOf } from './list-keys';
import {
  CredentialsRepository,
  DirectoryRepository,
  IdempotencyRepository,
  InboundMailRepository,
  OutboxRepository,
  PresenceRepository,
  MacroRepository,
  SatisfactionRepository,
  SavedViewRepository,
  TemplateRepository,
  TicketReadModel,
} from './repositories';

/**
 * Tries of one settings change before SettingsConflictError reaches the caller: each round of
 * changes racing from one version stores one of them, so this many admins may change at once.
 */
const SETTINGS_CHANGE_ATTEMPTS = 20;
const SETTINGS_ID = 'global';

/** A change worked out from the settings it changes (a rule added to the list as it is now). */
export type SettingsChange = (current: Settings) => Partial<Settings> | Promise<Partial<Settings>>;

export const toDoc = ({ id, ...rest }: TicketState): TicketDoc => ({ _id: id, ...rest });
// The search words (search.ts) are not state: a read through the driver (no mongoose `select`) must not hand them out.
export const fromDoc = ({
  _id,
  purged: _purged,
  kwPublic: _kwp,
  kwAll: _kwa,
  cf: _cf,
  lk: _lk,
  ...rest
}: TicketDoc): TicketState => ({
  id: _id,
  ...rest,
});
/**
 * The read model's fields derived from a ticket's state, not state themselves: its custom values'
 * index entries and its list keys (custom-index.ts, list-keys.ts). Undefined: the field is absent.
 */
const derivedFields = (state: TicketState): Record<string, string[] | undefined> => ({
  [CUSTOM_INDEX_FIELD]: customIndexOf(state),
  [LIST_KEYS_FIELD]: listKeysOf(state),
});

/**
 * The read model's document of a ticket with these events, as the projection would leave it: for
 * imports and benchmark seeds that write the collection directly.
 */
export const storedTicket = (state: TicketState, events: TicketEvent[]): TicketDoc => ({
  ...toDoc(state),
  ...searchWordsOf(state, events),
  ...Object.fromEntries(Object.entries(derivedFields(state)).filter(([, v]) => v !== undefined)),
});
const eventId = (e: Pick<TicketEvent, 'ticketId' | 'seq'>) => `${e.ticketId}:${e.seq}`;

/**
 * Who writes a new ticket's first state: its starter (the ticket client, right after the start, so
 * the answer is readable at once) or its workflow (the same state again, in its first task: the
 * starter may have stopped before writing). The workflow's write is nothing when the starter's is there.
 */
export type FirstStateWrite = 'starter' | 'workflow';

export class Store {
  private settingsCache: { value: Settings; until: number } | undefined;
  /** Bumped by every write of the settings: a read begun before one is not cached. */
  private settingsWrites = 0;

  /** Top-level fields of the ticket read model (from its schema). */
  private readonly ticketFields: string[];

  // Services go through these, never through a model: every query lives in this package.
  readonly inboundMail: InboundMailRepository;
  readonly outbox: OutboxRepository;
  readonly idempotency: IdempotencyRepository;
  readonly readModel: TicketReadModel;
  readonly attachments: AttachmentStore;
  readonly directory: DirectoryRepository;
  readonly credentials: CredentialsRepository;
  readonly views: SavedViewRepository;
  readonly presence: PresenceRepository;
  /** Every ticket's events in one resumable order (feed.ts). */
  readonly feed: EventFeed;
  readonly webhooks: WebhookRepository;
  /** Models registered beside `models` (feed and webhooks), for their indexes. */
  private readonly featureModels: { createIndexes(): Promise<unknown> }[];
  readonly macros: MacroRepository;
  readonly templates: TemplateRepository;
  readonly satisfaction: SatisfactionRepository;

  private constructor(
    readonly connection: mongoose.Connection,
    private readonly models: Models,
  ) {
    this.ticketFields = Object.keys(models.Ticket.schema.paths).filter((p) => p !== '_id' && !p.includes('.'));
    this.inboundMail = new InboundMailRepository(models.InboundMail, models.InboundRaw);
    this.outbox = new OutboxRepository(models.Notification);
    this.idempotency = new IdempotencyRepository(models.Idempotency);
    this.readModel = new TicketReadModel(models.Ticket, models.TicketEvent);
    this.attachments = new AttachmentStore(connection);
    this.directory = new DirectoryRepository(models.User, models.Group, models.Organization);
    this.credentials = new CredentialsRepository(models);
    this.views = new SavedViewRepository(models.SavedView);
    this.presence = new PresenceRepository(models.Presence);
    const feedModels = registerFeedModels(connection);
    const webhookModels = registerWebhookModels(connection);
    this.featureModels = [...Object.values(feedModels), ...Object.values(webhookModels)];
    this.feed = new EventFeed(this.eventCollection, this.counterCollection, feedModels.FeedVoid);
    this.webhooks = new WebhookRepository(webhookModels.WebhookSubscription, webhookModels.WebhookDelivery);
    this.macros = new MacroRepository(models.Macro);
    this.templates = new TemplateRepository(models.Template);
    this.satisfaction = new SatisfactionRepository(models.SatisfactionToken, models.Ticket);
  }

  /**
   * The mongoose models, for tests and the benchmark only (seeding, test-only look-ups). Service
   * code must use the repositories above; test/repo/models.test.ts fails if it calls this.
   */
  static modelsForTestsOnly(store: Store): Models {
    return store.models;
  }

  /**
   * Operations fail fast while the store is unreachable, so callers can answer "unavailable, retry"
   * instead of hanging: the driver looks for a server for `serverSelectionTimeoutMS` (default
   * 1.5 s, enough to ride out a dropped connection; a replica-set election then fails fast too) and
   * mongoose does not queue commands while disconnected (it would hold them 10 s). The first
   * connection is patient instead (`startupTimeoutMs`), so a service may start before its store.
   */
  static async connect(
    url: string,
    opts: { serverSelectionTimeoutMS?: number; startupTimeoutMs?: number } = {},
  ): Promise<Store> {
    const serverSelectionTimeoutMS = opts.serverSelectionTimeoutMS ?? 1_500;
    const startupDeadline = Date.now() + (opts.startupTimeoutMs ?? 10_000);
    let connection: mongoose.Connection;
    for (;;) {
      connection = mongoose.createConnection(url, {
        serverSelectionTimeoutMS,
        bufferCommands: false,
        autoIndex: false,
      });
      try {
        await connection.asPromise();
        break;
      } catch (err) {
        await connection.close().catch(() => undefined);
        if (Date.now() + serverSelectionTimeoutMS > startupDeadline) throw new StoreUnavailableError(url, err);
        await new Promise((r) => setTimeout(r, 250));
      }
    }
    const registered = registerModels(connection);
    const store = new Store(connection, registered);
    await Promise.all(Object.values(registered).map((m) => m.createIndexes()));
    await Promise.all(store.featureModels.map((m) => m.createIndexes()));
    return store;
  }

  /** Driver collections, typed, for the hot paths that skip mongoose's casting. */
  private get ticketCollection(): mongoose.mongo.Collection<TicketDoc> {
    return this.models.Ticket.collection as unknown as mongoose.mongo.Collection<TicketDoc>;
  }
  private get eventCollection(): mongoose.mongo.Collection<TicketEventDoc> {
    return this.models.TicketEvent.collection as unknown as mongoose.mongo.Collection<TicketEventDoc>;
  }

  private get counterCollection(): mongoose.mongo.Collection<CounterDoc> {
    return this.models.Counter.collection as unknown as mongoose.mongo.Collection<CounterDoc>;
  }
  private get referenceCollection(): mongoose.mongo.Collection<ReferenceDoc> {
    return this.models.Reference.collection as unknown as mongoose.mongo.Collection<ReferenceDoc>;
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  async ping(): Promise<boolean> {
    try {
      await this.connection.db?.admin().ping();
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Write a ticket's state and its new timeline events. Events are inserted by id (a retry or a
   * replayed projection inserts nothing twice); the ticket document only moves forward in revision.
   *
   * `first`: a new ticket's first state, which both its starter and its workflow project (see
   * FirstStateWrite). Such writes put the events before the ticket, so a ticket present at a
   * revision always has its events, and the workflow's copy is one read when the starter's landed.
   */
  async projectTicket(state: TicketState, events: TicketEvent[], first?: FirstStateWrite): Promise<void> {
    // The driver's collections, not mongoose's casting: this runs for every command, and the
    // state comes from the rules, already in the schema's shape.
    const writeEvents = async () => {
      if (events.length === 0) return;
      // The event feed's numbers for this batch (feed.ts): the one extra round trip on the
      // command path, before the events' write (which must carry them).
      const first = await this.feed.allocate(events.length);
      const projectedAt = Date.now();
      let result: mongoose.mongo.BulkWriteResult | undefined;
      try {
        result = await this.eventCollection.bulkWrite(
          events.map((e, i) => ({
            updateOne: {
              filter: { _id: eventId(e) },
              update: { $setOnInsert: { ...e, _id: eventId(e), projectedAt, feedSeq: first + i } },
              upsert: true,
            },
          })),
          { ordered: false },
        );
      } catch (err) {
        // Two projections of the same events at once (the starter and the workflow project a new
        // ticket's first state): the upsert that loses the race is refused on _id, and its event
        // is already there.
        if (!onlyDuplicateKeys(err)) throw err;
        result = err instanceof mongoose.mongo.MongoBulkWriteError ? err.result : undefined;
      }
      // Numbers drawn for events that were there already are void at once, so feed readers need
      // not wait for them. In doubt (no result), all: a void under a present event is ignored.
      const inserted = result?.upsertedIds ?? {};
      const unused = events.flatMap((_, i) => (i in inserted ? [] : [first + i]));
      if (unused.length > 0) await this.feed.voidSeqs(unused, projectedAt);
    };
    const { _id, ...fields } = toDoc(state);
    // A field the state no longer has (a resolution after a reopen, an assignee after a release)
    // must go from the document too: $set alone would leave the old value behind.
    const set: Record<string, unknown> = {};
    const unset: Record<string, ''> = {};
    const searchFields: string[] = Object.values(SEARCH_FIELDS);
    const derived = derivedFields(state);
    for (const key of this.ticketFields) {
      // The search words are not state: they only grow, by $addToSet below.
      if (searchFields.includes(key)) continue;
      // The requester's rating is written by the satisfaction repository, not by the workflow: a
      // close projected after a rating must not $unset it (repositories/satisfaction.ts).
      if (key === 'satisfaction') continue;
      const value = key in derived ? derived[key] : (fields as Record<string, unknown>)[key];
      if (value === undefined) unset[key] = '';
      else set[key] = value;
    }
    const writeTicket = async () => {
      try {
        await this.ticketCollection.updateOne(
          { _id, revision: { $lt: state.revision } },
          {
            $set: set,
            ...(Object.keys(unset).length > 0 ? { $unset: unset } : {}),
            ...searchFieldsUpdate(state, events),
          },
          { upsert: true },
        );
      } catch (err) {
        // The filter missed because a newer revision is stored, and the upsert hit its _id: nothing to do.
        if (!isDuplicateKey(err)) throw err;
      }
    };
    if (first === 'workflow') {
      const present = await this.ticketCollection.findOne(
        { _id, revision: { $gte: state.revision } },
        { projection: { _id: 1 } },
      );
      if (present) return;
    }
    if (first) {
      await writeEvents();
      await writeTicket();
      return;
    }
    // Independent writes, both idempotent: in parallel, one round trip instead of two.
    await Promise.all([writeEvents(), writeTicket()]);
  }

  // Hot-path reads use plain equality filters and no server-side sort: FerretDB v1 pushes those
  // down to SQLite, while a sort or an operator such as $ne turns the query into a full scan.
  async getTicket(id: string): Promise<TicketState | undefined> {
    const doc = await this.ticketCollection.findOne(
      { _id: id },
      { projection: { [SEARCH_FIELDS.public]: 0, [SEARCH_FIELDS.all]: 0 } },
    );
    return doc && !doc.purged ? fromDoc(doc) : undefined;
  }

  async listEvents(ticketId: string): Promise<TicketEvent[]> {
    const docs = await this.models.TicketEvent.find({ ticketId }).lean<TicketEventDoc[]>();
    return docs.sort((a, b) => a.seq - b.seq).map(({ _id, projectedAt: _projectedAt, feedSeq: _feedSeq, ...e }) => e);
  }

  /** How long events took to reach the read model (ms, from `at` to written), for the benchmark. */
  async projectionLags(ticketIds: string[]): Promise<number[]> {
    const docs = await this.eventCollection
      .find({ ticketId: { $in: ticketIds } }, { projection: { at: 1, projectedAt: 1 } })
      .toArray();
    return docs.flatMap((d) => (d.projectedAt === undefined ? [] : [Math.max(0, d.projectedAt - d.at)]));
  }

  /** Every ticket whose workflow may still have deadlines (a cursor: bounded memory). */
  async *openTickets(): AsyncGenerator<TicketState> {
    const cursor = this.models.Ticket.find({ status: { $in: ['new', 'in_progress', 'waiting', 'resolved'] } })
      .lean<TicketDoc>()
      .cursor();
    for await (const doc of cursor) yield fromDoc(doc as TicketDoc);
  }

  /**
   * Reclassify a closed ticket (when the settings allow it). Its workflow has ended, so the read
   * model is changed here, with a timeline event numbered after the last one.
   */
  async reclassifyClosed(
    id: string,
    patch: Partial<Pick<TicketState, 'type' | 'group' | 'severity'>>,
    actor: TicketEvent['actor'],
    at: number,
  ): Promise<TicketState | undefined> {
    const doc = await this.models.Ticket.findOneAndUpdate(
      { _id: id, status: 'closed' },
      { $set: { ...patch, updatedAt: at }, $inc: { revision: 1, eventSeq: 1 } },
      { new: true },
    ).lean<TicketDoc>();
    if (!doc) return undefined;
    const event: TicketEvent = {
      ticketId: id,
      seq: doc.eventSeq,
      type: 'reclassified',
      at,
      actor,
      channel: doc.channel,
      data: patch,
    };
    // Not through projectTicket (the workflow has ended): the feed number is drawn here.
    const feedSeq = await this.feed.allocate(1);
    await this.models.TicketEvent.create({ ...event, _id: eventId(event), projectedAt: Date.now(), feedSeq });
    return fromDoc(doc);
  }

  /** List a follow-up on the closed ticket it follows (the closed ticket's workflow has ended). */
  async addFollowUp(closedId: string, followUpId: string): Promise<void> {
    await this.models.Ticket.updateOne({ _id: closedId }, { $addToSet: { 'links.followUps': followUpId } });
  }

  /** Purge: the ticket and its whole history go for good. */
  async purgeTicket(id: string): Promise<void> {
    await this.attachments.deleteForTicket(id);
    await this.inboundMail.deleteForTicket(id);
    // Its feed numbers become void first: feed readers must not wait for events that are gone.
    await this.feed.voidTicket(id);
    await this.models.TicketEvent.deleteMany({ ticketId: id });
    await this.outbox.deleteForTicket(id);
    await this.models.Ticket.deleteOne({ _id: id });
  }

  /**
   * The ticket's reference, allocated once: a retry for the same ticket gets the same reference,
   * and a counter value is never handed out twice (a crash may skip one, never reuse one).
   * The unique index on the reference is the real guard: FerretDB v1 does not make `$inc` in
   * findAndModify atomic under concurrency, so a clash draws the next number.
   */
  async allocateReference(
    ticketId: string,
    mask: string,
    at: Date = new Date(),
    opts: { fresh?: boolean } = {},
  ): Promise<string> {
    const scope = counterScope(mask, at);
    for (let attempt = 0; attempt < 50; attempt++) {
      // A freshly generated id cannot have a reference yet: skip the look-up the first time.
      const existing = opts.fresh && attempt === 0 ? null : await this.models.Reference.findById(ticketId).lean();
      if (existing) return existing.reference;
      try {
        // Two first-ever upserts of a counter can clash too: then simply draw again.
        // Driver calls: this runs for every new ticket, and there is nothing to cast.
        const counter = await this.counterCollection.findOneAndUpdate(
          { _id: scope },
          { $inc: { seq: 1 } },
          { upsert: true, returnDocument: 'after' },
        );
        const reference = renderReference(mask, at, counter?.seq ?? 1);
        await this.referenceCollection.insertOne({ _id: ticketId, reference });
        return reference;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
      }
    }
    throw new Error(`Could not allocate a reference for ticket ${ticketId}`);
  }

  /**
   * The settings, read at most once a second per process (they are read on every ticket creation
   * and mail); a change made through this process is seen at once, elsewhere within a second.
   */
  async getSettings(): Promise<Settings> {
    if (this.settingsCache && this.settingsCache.until > Date.now()) return this.settingsCache.value;
    const writes = this.settingsWrites;
    const doc = await this.models.Settings.findById(SETTINGS_ID).lean();
    const value: Settings = { ...DEFAULT_SETTINGS, ...(doc?.value ?? {}), version: doc?.version ?? 0 };
    if (writes === this.settingsWrites) this.settingsCache = { value, until: Date.now() + 1_000 };
    return value;
  }

  /**
   * The settings as stored now, past the one-second cache: for a deadline about to act on them,
   * which must see a change made a moment ago.
   */
  async currentSettings(): Promise<Settings> {
    const doc = await this.models.Settings.findOne({}, { value: 1, version: 1 }).lean();
    return { ...DEFAULT_SETTINGS, ...(doc?.value ?? {}), version: doc?.version ?? 0 };
  }

  /**
   * Change settings: `change` works out the fields to set from the settings as they are, and the
   * result is stored as the next version only if no other change landed meanwhile (compare-and-set
   * on the version); else it is worked out again from that one. So a change made from what was
   * read (a rule added to the list) never drops another, made by this process or another. What
   * `change` throws (a refusal) is thrown as it is, nothing written. Answers the stored settings
   * and the ones they replaced.
   */
  async changeSettings(change: SettingsChange): Promise<{ settings: Settings; previous: Settings }> {
    for (let attempt = 1; ; attempt++) {
      const previous = await this.currentSettings();
      const patch = await change(previous);
      try {
        return { settings: await this.writeSettingsOnto(previous, patch), previous };
      } catch (err) {
        if (!(err instanceof SettingsConflictError) || attempt >= SETTINGS_CHANGE_ATTEMPTS) throw err;
        // A few ms at random, so changes that lost together do not race together again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
      }
    }
  }

  /** Set these fields over the current settings, as the next version (changeSettings). */
  async putSettings(value: Partial<Settings>): Promise<Settings> {
    return (await this.changeSettings(() => value)).settings;
  }

  /** The next version, written only onto `previous`'s (SettingsConflictError if it is gone). */
  private async writeSettingsOnto(previous: Settings, patch: Partial<Settings>): Promise<Settings> {
    const { version: basedOn, ...current } = previous;
    const { version: _ignored, ...merged } = { ...current, ...patch };
    // Version 0 is no document yet. A filter that misses makes the upsert insert a second
    // document under the same _id, which the unique _id refuses: that is the conflict.
    const filter = { _id: SETTINGS_ID, version: basedOn === 0 ? { $exists: false } : basedOn };
    try {
      const doc = await this.models.Settings.findOneAndUpdate(
        filter,
        { $set: { value: merged, updatedAt: Date.now() }, $inc: { version: 1 } },
        { upsert: true, new: true },
      ).lean();
      return { ...merged, version: doc?.version ?? basedOn + 1 };
    } catch (err) {
      if (isDuplicateKey(err)) throw new SettingsConflictError(basedOn);
      throw err;
    } finally {
      // Seen at once by this process: whatever was cached, or is being read, is older.
      this.settingsWrites++;
      this.settingsCache = undefined;
    }
  }
}
