// Satisfaction ratings. The notifier mints a single-use link token when it mails a resolution (only
// the secret's sha-256 is kept, as for magic links: the secret is in no workflow history and no
// log); opening the link records the rating on the ticket's read-model document.
//
// The rating lives in the ticket document but is not the workflow's: Store.projectTicket never
// writes the `satisfaction` field, so a rating given while the ticket is resolved survives the close
// the workflow projects later, and one given after the close (the workflow has ended) is kept too.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type mongoose from 'mongoose';
import type { Model } from 'mongoose';
import type { SatisfactionRating, TicketSatisfaction } from '@helpdesk/contracts';
import type { SatisfactionTokenDoc, TicketDoc } from '../models';

export const SATISFACTION_TOKEN_PREFIX = 'sat';
const TOKEN = /^sat_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

const sha256 = (secret: string) => createHash('sha256').update(secret).digest('hex');
const sameHash = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** What a link's token is: unknown or forged, or the ticket it rates and whether it was used. */
export type SatisfactionLink =
  { ok: false } | { ok: true; ticketId: string; used: boolean; satisfaction?: TicketSatisfaction | undefined };

export type RatingOutcome =
  | { outcome: 'invalid' }
  | { outcome: 'recorded'; ticketId: string; satisfaction: TicketSatisfaction }
  /** The link was used before, or the ticket has a rating already: nothing changed. */
  | { outcome: 'already_recorded'; ticketId: string; satisfaction?: TicketSatisfaction | undefined };

export class SatisfactionRepository {
  constructor(
    private readonly tokens: Model<SatisfactionTokenDoc>,
    private readonly tickets: Model<TicketDoc>,
  ) {}

  /** Driver collection: the rating is written without mongoose's casting, as the projection writes. */
  private get ticketCollection(): mongoose.mongo.Collection<TicketDoc> {
    return this.tickets.collection as unknown as mongoose.mongo.Collection<TicketDoc>;
  }

  /** A new link token for this ticket: returned once, only its hash is kept. */
  async mint(ticketId: string, now = Date.now()): Promise<string> {
    const id = randomBytes(8).toString('hex');
    const secret = randomBytes(32).toString('base64url');
    await this.tokens.create({ _id: id, ticketId, hash: sha256(secret), createdAt: now });
    return `${SATISFACTION_TOKEN_PREFIX}_${id}_${secret}`;
  }

  private async find(token: string): Promise<SatisfactionTokenDoc | undefined> {
    const match = TOKEN.exec(token);
    if (!match?.[1] || !match[2]) return undefined;
    const doc = await this.tokens.findById(match[1]).lean<SatisfactionTokenDoc>();
    return doc && sameHash(doc.hash, sha256(match[2])) ? doc : undefined;
  }

  /** The ticket's rating, if it has one. */
  async forTicket(ticketId: string): Promise<TicketSatisfaction | undefined> {
    const doc = await this.ticketCollection.findOne({ _id: ticketId }, { projection: { satisfaction: 1 } });
    return doc?.satisfaction ?? undefined;
  }

  /** What a link is, without using it (the comment page shows its form only for an unused link). */
  async link(token: string): Promise<SatisfactionLink> {
    const doc = await this.find(token);
    if (!doc) return { ok: false };
    const satisfaction = await this.forTicket(doc.ticketId);
    return {
      ok: true,
      ticketId: doc.ticketId,
      used: doc.usedAt !== undefined || satisfaction !== undefined,
      satisfaction,
    };
  }

  /**
   * Use a link once: the first use records the rating (unless the ticket was rated through another
   * link already); a second use changes nothing and says what was recorded.
   */
  async record(token: string, rating: SatisfactionRating, comment?: string, now = Date.now()): Promise<RatingOutcome> {
    const doc = await this.find(token);
    if (!doc) return { outcome: 'invalid' };
    const already = async (): Promise<RatingOutcome> => ({
      outcome: 'already_recorded',
      ticketId: doc.ticketId,
      satisfaction: await this.forTicket(doc.ticketId),
    });
    if (doc.usedAt !== undefined) return already();
    const claimed = await this.tokens
      .findOneAndUpdate({ _id: doc._id, usedAt: { $exists: false } }, { $set: { usedAt: now } })
      .lean<SatisfactionTokenDoc>();
    if (!claimed) return already();
    const satisfaction: TicketSatisfaction = {
      rating,
      ...(comment !== undefined && comment.trim() !== '' ? { comment: comment.trim() } : {}),
      at: now,
    };
    // Only the rating field, and only when the ticket has none: the workflow's projection owns
    // every other field (and never touches this one).
    const { matchedCount } = await this.ticketCollection.updateOne(
      { _id: doc.ticketId, satisfaction: { $exists: false } },
      { $set: { satisfaction } },
    );
    if (matchedCount === 0) return already();
    return { outcome: 'recorded', ticketId: doc.ticketId, satisfaction };
  }
}
