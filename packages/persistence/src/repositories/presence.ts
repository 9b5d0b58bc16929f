// Who is viewing (and typing in) which ticket, from heartbeats. Kept in the store, not in a
// gateway's memory, so every gateway behind a load balancer answers the same.
import type { Model } from 'mongoose';
import type { PresenceDoc } from '../models';

export interface Viewer {
  userId: string;
  name: string;
  typing: boolean;
  /** When they arrived (epoch ms). */
  since: number;
}

/** A presence entry as the live feed reads it: whether it still counts is decided by its reader. */
export interface PresenceEntry extends Viewer {
  ticketId: string;
  seenAt: number;
  expiresAt: number;
  left: boolean;
}

const presenceId = (ticketId: string, userId: string) => `${ticketId}:${userId}`;
const entryOf = (d: PresenceDoc): PresenceEntry => ({
  ticketId: d.ticketId,
  userId: d.userId,
  name: d.name,
  typing: d.typing,
  since: d.since,
  seenAt: d.seenAt,
  expiresAt: d.expiresAt,
  left: d.left ?? false,
});

/** Whether an entry counts at `now`: not left, not expired. */
export const isPresent = (e: Pick<PresenceEntry, 'left' | 'expiresAt'>, now: number): boolean =>
  !e.left && e.expiresAt > now;

export const viewerOf = (e: Viewer): Viewer => ({ userId: e.userId, name: e.name, typing: e.typing, since: e.since });

export class PresenceRepository {
  constructor(private readonly presence: Model<PresenceDoc>) {}

  /**
   * A heartbeat: the viewer is here (typing or not) until `ttlMs` from now. `since` stays what it
   * was while the entry is alive; one that had expired or left starts again.
   */
  async heartbeat(
    ticketId: string,
    viewer: { userId: string; name: string; typing: boolean },
    ttlMs: number,
    now = Date.now(),
  ): Promise<PresenceEntry> {
    const _id = presenceId(ticketId, viewer.userId);
    const before = await this.presence.findById(_id).lean<PresenceDoc>();
    const since = before && isPresent(entryOf(before), now) ? before.since : now;
    const doc: PresenceDoc = {
      _id,
      ticketId,
      userId: viewer.userId,
      name: viewer.name,
      typing: viewer.typing,
      since,
      seenAt: now,
      expiresAt: now + ttlMs,
      left: false,
    };
    await this.presence.replaceOne({ _id }, doc, { upsert: true });
    return entryOf(doc);
  }

  /** The viewer left: marked, not deleted, so pollers elsewhere see it (see PresenceDoc). */
  async leave(ticketId: string, userId: string, now = Date.now()): Promise<boolean> {
    const { matchedCount } = await this.presence.updateOne(
      { _id: presenceId(ticketId, userId), left: { $ne: true } },
      { $set: { left: true, typing: false, seenAt: now, expiresAt: now } },
    );
    return matchedCount > 0;
  }

  /** Who is on the ticket now, earliest arrival first. */
  async viewers(ticketId: string, now = Date.now()): Promise<Viewer[]> {
    // A plain equality (the ticketId index); expiry is checked here, on a handful of entries.
    const docs = await this.presence.find({ ticketId }).lean<PresenceDoc[]>();
    return docs
      .map(entryOf)
      .filter((e) => isPresent(e, now))
      .sort((a, b) => a.since - b.since || (a.userId < b.userId ? -1 : 1))
      .map(viewerOf);
  }

  /** Entries whose heartbeat or departure is later than `since` (the live feed's poll). */
  async changedSince(since: number, limit = 1_000): Promise<PresenceEntry[]> {
    const docs = await this.presence
      .find({ seenAt: { $gt: since } })
      .limit(limit)
      .lean<PresenceDoc[]>();
    return docs.map(entryOf);
  }

  /** Every entry still counting at `now` (what a poller starts from). */
  async current(now = Date.now(), limit = 10_000): Promise<PresenceEntry[]> {
    const docs = await this.presence
      .find({ expiresAt: { $gt: now } })
      .limit(limit)
      .lean<PresenceDoc[]>();
    return docs.map(entryOf).filter((e) => isPresent(e, now));
  }

  /** Entries that stopped counting before the cutoff go; answers how many. */
  async purgeBefore(cutoff: number): Promise<number> {
    const { deletedCount } = await this.presence.deleteMany({ expiresAt: { $lt: cutoff } });
    return deletedCount;
  }
}
