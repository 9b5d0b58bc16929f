// Mail that came in, as the collector, suspended-mail handling and the retention sweep use it.
// One document per mail identity (Message-ID or content hash), its raw message kept apart.
import type { Model } from 'mongoose';
import { isDuplicateKey } from '../errors';
import type { InboundMailDoc, InboundRawDoc } from '../models';

type Action = NonNullable<InboundMailDoc['action']>;

export class InboundMailRepository {
  constructor(
    private readonly mail: Model<InboundMailDoc>,
    private readonly raw: Model<InboundRawDoc>,
  ) {}

  /**
   * Record a mail on arrival, with its raw message. Answers the earlier record when this identity
   * was recorded before (a redelivery, a parallel one, a crash mid-way), undefined when it is new
   * (or its earlier record is gone).
   */
  async recordArrival(doc: InboundMailDoc, raw: Buffer): Promise<InboundMailDoc | undefined> {
    try {
      await this.mail.create(doc);
      await this.keepRaw(doc._id, raw);
      return undefined;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return (await this.mail.findById(doc._id).lean()) ?? undefined;
    }
  }

  /** Record a mail that is suspended from the start (unreadable). False when it was recorded before. */
  async recordSuspended(doc: InboundMailDoc, raw: Buffer): Promise<boolean> {
    try {
      await this.mail.create(doc);
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return false;
    }
    await this.keepRaw(doc._id, raw);
    return true;
  }

  async get(id: string): Promise<InboundMailDoc | undefined> {
    return (await this.mail.findById(id).lean()) ?? undefined;
  }

  async recordDroppedCcs(id: string, droppedCc: NonNullable<InboundMailDoc['droppedCc']>): Promise<void> {
    await this.mail.updateOne({ _id: id }, { $set: { droppedCc } });
  }

  /** Whether the sender counted as known, if this mail decided it already. */
  async senderKnown(id: string): Promise<boolean | undefined> {
    return (await this.mail.findById(id, { senderKnown: 1 }).lean())?.senderKnown;
  }

  /** The ticket this mail opens and whether its sender counted as known, before the ticket exists. */
  async assignTicket(id: string, ticketId: string, senderKnown: boolean): Promise<void> {
    await this.mail.updateOne({ _id: id }, { $set: { ticketId, senderKnown } });
  }

  async markDone(id: string, action: Action, ticketId: string): Promise<void> {
    await this.mail.updateOne({ _id: id }, { $set: { status: 'done', action, ticketId } });
  }

  async suspend(id: string, reason: string): Promise<void> {
    await this.mail.updateOne({ _id: id }, { $set: { status: 'suspended', suspendedReason: reason } });
  }

  /** The ticket of a received mail with one of these Message-IDs (threading). */
  async ticketOfMessage(messageIds: string[]): Promise<string | undefined> {
    return (await this.mail.findOne({ messageId: { $in: messageIds }, ticketId: { $exists: true } }).lean())?.ticketId;
  }

  /** How many other mails from this sender, or into this ticket, acted since then (storm protection). */
  async countActedSince(by: { from: string } | { ticketId: string }, since: number, exceptId: string): Promise<number> {
    return this.mail.countDocuments({ ...by, status: 'done', receivedAt: { $gte: since }, _id: { $ne: exceptId } });
  }

  /** The Message-IDs received for a ticket, with when (threading of outbound mail). */
  async receivedForTicket(ticketId: string): Promise<Pick<InboundMailDoc, '_id' | 'messageId' | 'receivedAt'>[]> {
    return this.mail.find({ ticketId }, { messageId: 1, receivedAt: 1 }).lean();
  }

  async listSuspended(limit = 500): Promise<InboundMailDoc[]> {
    return this.mail.find({ status: 'suspended' }).sort({ receivedAt: -1 }).limit(limit).lean();
  }

  async markRecovered(id: string, ticketId: string): Promise<void> {
    await this.mail.updateOne(
      { _id: id },
      { $set: { status: 'done', action: 'created', ticketId, recoveredTicketId: ticketId } },
    );
  }

  /** Drop a suspended mail and its raw message; false when there is no such suspended mail. */
  async dropSuspended(id: string): Promise<boolean> {
    const { deletedCount } = await this.mail.deleteOne({ _id: id, status: 'suspended' });
    if (deletedCount === 0) return false;
    await this.raw.deleteOne({ _id: id });
    return true;
  }

  /** Suspended mail received before the cutoff goes, raw message first; answers how many. */
  async purgeSuspendedBefore(cutoff: number): Promise<number> {
    const old = await this.mail.find({ status: 'suspended', receivedAt: { $lt: cutoff } }, { _id: 1 }).lean();
    const ids = old.map((d) => d._id);
    if (ids.length === 0) return 0;
    await this.raw.deleteMany({ _id: { $in: ids } });
    await this.mail.deleteMany({ _id: { $in: ids } });
    return ids.length;
  }

  /** A ticket's mail and raw messages go with it (purge). */
  async deleteForTicket(ticketId: string): Promise<void> {
    const mails = await this.mail.find({ ticketId }, { _id: 1 }).lean();
    if (mails.length > 0) {
      await this.raw.deleteMany({ _id: { $in: mails.map((m) => m._id) } });
      await this.mail.deleteMany({ ticketId });
    }
  }

  async rawMessage(id: string): Promise<Buffer | undefined> {
    return (await this.raw.findById(id))?.raw;
  }

  // Insert-only: a redelivery never replaces the raw message kept first.
  private async keepRaw(id: string, raw: Buffer): Promise<void> {
    await this.raw.updateOne({ _id: id }, { $setOnInsert: { raw } }, { upsert: true });
  }
}
