// The event feed: every ticket's timeline events, across all tickets, in one order a consumer can
// resume from (GET /v1/events, the webhook dispatchers).
//
// Order. Each event the projection inserts gets a global `feedSeq`, drawn with one atomic `$inc` on a
// counter for the whole batch (n numbers at once). Projections of different tickets run
// concurrently on several workers, so number 41 may be written after 42: a reader takes only the
// contiguous prefix of the numbers, and stops at a gap. A gap is passed only when it is provably
// permanent:
//   - void: numbers a projection drew but did not use (its upsert found the event already there, as
//     when the ticket client and the workflow both project a new ticket's first events; or a purge
//     took the event away) are recorded in `event_feed_voids` at once, so the feed does not stall.
//   - lapsed: the next present event was projected more than FEED_GAP_BOUND_MS ago. A number is
//     drawn before any later one, and the write that uses it happens within the projection's
//     time-out (10 s), so a number still missing after 30 s belongs to a projection that failed
//     after drawing (its retry draws new numbers). The bound is wall-clock across processes: it
//     also absorbs modest clock skew between the workers and the reader.
// Events projected before the feed existed have no feedSeq and are not in it.
import type mongoose from 'mongoose';
import { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import type { TicketEvent } from '@helpdesk/contracts';
import type { CounterDoc, TicketEventDoc } from './models';
import { isDuplicateKey, onlyDuplicateKeys } from './errors';

/** A missing feed number whose next present event is older than this is skipped for good. */
export const FEED_GAP_BOUND_MS = 30_000;
const FEED_COUNTER_ID = 'event-feed';

/** A feed number drawn but never used by an event. */
export interface FeedVoidDoc {
  _id: number;
  at: number;
}
const voidSchema = new Schema<FeedVoidDoc>(
  { _id: Number, at: Number },
  { collection: 'event_feed_voids', versionKey: false },
);

export function registerFeedModels(conn: Connection): { FeedVoid: Model<FeedVoidDoc> } {
  return { FeedVoid: conn.model<FeedVoidDoc>('FeedVoid', voidSchema) };
}

export interface FeedItem {
  /** Position in the feed; the cursor after this item. */
  feedSeq: number;
  event: TicketEvent;
  projectedAt: number;
}

export interface FeedPage {
  items: FeedItem[];
  /** The cursor to read on from: past every item and every void or lapsed gap read. */
  next: number;
}

/** A feed cursor as clients see it: the decimal feedSeq (opaque to them). */
export const formatFeedCursor = (seq: number): string => String(seq);
/** The feedSeq of a cursor this API handed out, or undefined for anything else. */
export function parseFeedCursor(cursor: string): number | undefined {
  if (!/^(0|[1-9][0-9]{0,15})$/.test(cursor)) return undefined;
  const n = Number(cursor);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** An event as the feed and webhooks show it: its id, ISO time, the timeline's fields. */
export function feedItemJson(item: FeedItem): Record<string, unknown> {
  const { ticketId, seq, type, at, actor, channel, before, after, data } = item.event;
  const { name, email, ...who } = actor;
  return {
    id: `${ticketId}:${seq}`,
    cursor: formatFeedCursor(item.feedSeq),
    type,
    ticketId,
    seq,
    at: new Date(at).toISOString(),
    // The store keeps an absent name or email as null: absent it stays.
    actor: { ...who, ...(name != null ? { name } : {}), ...(email != null ? { email } : {}) },
    channel,
    ...(before ? { before } : {}),
    ...(after ? { after } : {}),
    ...(data ? { data } : {}),
  };
}

const toItem = ({ _id: _i, projectedAt, feedSeq, ...event }: TicketEventDoc): FeedItem => ({
  feedSeq: feedSeq ?? 0,
  projectedAt: projectedAt ?? 0,
  event,
});

export class EventFeed {
  constructor(
    private readonly events: mongoose.mongo.Collection<TicketEventDoc>,
    private readonly counters: mongoose.mongo.Collection<CounterDoc>,
    private readonly voids: Model<FeedVoidDoc>,
  ) {}

  /**
   * Draw `n` consecutive feed numbers; answers the first. One round trip. SecantusDB may answer a
   * first-ever upsert of a counter with null though it applied (README "The store"): those
   * numbers are lost (a lapsed gap), and it draws again.
   */
  async allocate(n: number): Promise<number> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.counters.findOneAndUpdate(
        { _id: FEED_COUNTER_ID },
        { $inc: { seq: n } },
        { upsert: true, returnDocument: 'after' },
      );
      if (doc) return doc.seq - n + 1;
    }
    throw new Error('Could not draw event feed numbers');
  }

  /** Numbers drawn and not used: readers pass them at once. */
  async voidSeqs(seqs: number[], at = Date.now()): Promise<void> {
    if (seqs.length === 0) return;
    try {
      const collection = this.voids.collection as unknown as mongoose.mongo.Collection<FeedVoidDoc>;
      await collection.insertMany(
        seqs.map((s) => ({ _id: s, at })),
        { ordered: false },
      );
    } catch (err) {
      if (!onlyDuplicateKeys(err) && !isDuplicateKey(err)) throw err;
    }
  }

  /** The last number drawn (0: none yet). */
  async head(): Promise<number> {
    const doc = await this.counters.findOne({ _id: FEED_COUNTER_ID });
    return doc?.seq ?? 0;
  }

  /**
   * Up to `limit` events after `after`, in feed order: the contiguous prefix only (see the top of
   * this file). Reads the numbers in ranges (an index range, no sort: SecantusDB reads a whole
   * match before it sorts).
   */
  async read(after: number, limit: number, now = Date.now(), gapBoundMs = FEED_GAP_BOUND_MS): Promise<FeedPage> {
    const items: FeedItem[] = [];
    let cursor = after;
    const head = await this.head();
    while (items.length < limit && cursor < head) {
      const hi = Math.min(head, cursor + Math.max(2 * limit, 64));
      const [docs, voids] = await Promise.all([
        this.events.find({ feedSeq: { $gt: cursor, $lte: hi } }).toArray(),
        this.voids.find({ _id: { $gt: cursor, $lte: hi } }, { _id: 1 }).lean<{ _id: number }[]>(),
      ]);
      const present = docs.sort((a, b) => (a.feedSeq ?? 0) - (b.feedSeq ?? 0));
      const bySeq = new Map(present.map((d) => [d.feedSeq, d]));
      const voided = new Set(voids.map((v) => v._id));
      let stopped = false;
      for (let s = cursor + 1; s <= hi && items.length < limit; s++) {
        const doc = bySeq.get(s);
        if (doc) {
          items.push(toItem(doc));
          cursor = s;
          continue;
        }
        if (voided.has(s)) {
          cursor = s;
          continue;
        }
        const next = present.find((d) => (d.feedSeq ?? 0) > s) ?? (await this.firstAfter(hi));
        if (next?.projectedAt !== undefined && next.projectedAt < now - gapBoundMs) {
          cursor = s;
          continue;
        }
        stopped = true;
        break;
      }
      if (stopped) break;
    }
    return { items, next: cursor };
  }

  /** The first present event after `seq` (rare: a gap with nothing after it in the range read). */
  private async firstAfter(seq: number): Promise<TicketEventDoc | undefined> {
    const [doc] = await this.events
      .find({ feedSeq: { $gt: seq } })
      .sort({ feedSeq: 1 })
      .limit(1)
      .toArray();
    return doc;
  }

  /** Before a ticket's events are deleted (purge): their numbers become void, so readers do not wait on them. */
  async voidTicket(ticketId: string): Promise<void> {
    const docs = await this.events
      .find({ ticketId, feedSeq: { $exists: true } }, { projection: { feedSeq: 1 } })
      .toArray();
    await this.voidSeqs(docs.flatMap((d) => (d.feedSeq === undefined ? [] : [d.feedSeq])));
  }
}
