// The outbox of outbound notifications: one document per notification id, so a retried send finds
// what an earlier attempt did. A lease lets one attempt at a time send it.
import type { Model } from 'mongoose';
import { isDuplicateKey } from '../errors';
import type { NotificationDoc } from '../models';

export class OutboxRepository {
  constructor(private readonly outbox: Model<NotificationDoc>) {}

  /** Put a notification in the outbox unless it is there already (a retry keeps what it has). */
  async enqueue(
    doc: Pick<NotificationDoc, '_id' | 'ticketId' | 'kind' | 'to' | 'subject' | 'createdAt' | 'messageId' | 'dropped'>,
  ): Promise<void> {
    const { _id, ...fields } = doc;
    await this.outbox
      .updateOne(
        { _id },
        { $setOnInsert: { ...fields, status: 'sending', attempts: 0, leaseUntil: 0 } },
        { upsert: true },
      )
      .catch((err: unknown) => {
        if (!isDuplicateKey(err)) throw err; // two first attempts raced to create it: fine
      });
  }

  /**
   * Claim the send until `now + leaseMs` (an atomic findAndModify): undefined when it is sent,
   * failed, or another attempt holds it.
   */
  async claim(id: string, now: number, leaseMs: number): Promise<NotificationDoc | undefined> {
    const claimed = await this.outbox
      .findOneAndUpdate(
        { _id: id, status: 'sending', leaseUntil: { $lt: now } },
        { $set: { leaseUntil: now + leaseMs }, $inc: { attempts: 1 } },
        { new: true },
      )
      .lean();
    return claimed ?? undefined;
  }

  async get(id: string): Promise<NotificationDoc | undefined> {
    return (await this.outbox.findById(id).lean()) ?? undefined;
  }

  /** Not sent: the next attempt may claim it at once. */
  async release(id: string): Promise<void> {
    await this.outbox.updateOne({ _id: id }, { $set: { leaseUntil: 0 } });
  }

  async markSent(id: string, at: number): Promise<void> {
    await this.outbox.updateOne({ _id: id }, { $set: { status: 'sent', sentAt: at, leaseUntil: 0 } });
  }

  /** Final: the mail server refused it, no later attempt sends it. */
  async markFailed(id: string, error: string): Promise<void> {
    await this.outbox.updateOne({ _id: id }, { $set: { status: 'failed', error, leaseUntil: 0 } });
  }

  /** A ticket's notifications, with their Message-IDs (threading). */
  async forTicket(ticketId: string): Promise<Pick<NotificationDoc, '_id' | 'messageId' | 'sentAt' | 'status'>[]> {
    return this.outbox.find({ ticketId }, { messageId: 1, sentAt: 1, status: 1 }).lean();
  }

  /** The ticket of a notification sent with one of these Message-IDs (threading of replies). */
  async ticketOfMessage(messageIds: string[]): Promise<string | undefined> {
    return (await this.outbox.findOne({ messageId: { $in: messageIds } }).lean())?.ticketId;
  }

  async deleteForTicket(ticketId: string): Promise<void> {
    await this.outbox.deleteMany({ ticketId });
  }
}
