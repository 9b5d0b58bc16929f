// The ticket read model as readers other than the projection use it: lists and search, the
// lifecycle report, and the look-ups the mail collector threads and screens mail with.
import type { Model } from 'mongoose';
import type { TicketDoc, TicketEventDoc } from '../models';
import {
  backfillListKeys,
  backfillSearchWords,
  countTickets,
  lifecycleReport,
  listTickets,
  primeListAnchors,
  ticketsChangedSince,
} from '../queries';
import type { ListOptions, TicketChange, TicketCount, TicketFilter, TicketPage } from '../queries';

export class TicketReadModel {
  constructor(
    private readonly tickets: Model<TicketDoc>,
    private readonly events: Model<TicketEventDoc>,
  ) {}

  list(filter: TicketFilter, opts: ListOptions): Promise<TicketPage> {
    return listTickets(this.tickets, filter, opts);
  }

  /** How many tickets the list with this filter holds (all its pages). */
  count(filter: TicketFilter, opts: Pick<ListOptions, 'search' | 'now'> = {}): Promise<TicketCount> {
    return countTickets(this.tickets, filter, opts);
  }

  /** Tickets changed after `since` (epoch ms), oldest first: what the live feed polls. */
  changedSince(since: number, limit = 500): Promise<TicketChange[]> {
    return ticketsChangedSince(this.tickets, since, limit);
  }

  lifecycleReport(from: number, to: number): ReturnType<typeof lifecycleReport> {
    return lifecycleReport(this.tickets, from, to);
  }

  /** See primeListAnchors: after tickets were written straight into the store. */
  primeListAnchors(): Promise<void> {
    return primeListAnchors(this.tickets);
  }

  /** Search words for tickets projected before they existed; answers how many tickets got them. */
  backfillSearchWords(): Promise<number> {
    return backfillSearchWords(this.tickets, this.events);
  }

  /** List keys for tickets projected before they existed, then the mark lists wait for (list-keys.ts). */
  backfillListKeys(): Promise<number> {
    return backfillListKeys(this.tickets);
  }

  /** The id of the ticket with this reference (a reference in a mail's subject). */
  async idOfReference(reference: string): Promise<string | undefined> {
    return (await this.tickets.findOne({ reference }, { _id: 1 }).lean())?._id;
  }

  /** Open tickets (new, in progress, waiting; not deleted) assigned to each of these people (routing's load). */
  async openCountsByAssignee(assignees: string[]): Promise<Record<string, number>> {
    const counts: Record<string, number> = Object.fromEntries(assignees.map((a) => [a, 0]));
    if (assignees.length === 0) return counts;
    const rows = await this.tickets.aggregate<{ _id: string; n: number }>([
      {
        $match: {
          assignee: { $in: assignees },
          status: { $in: ['new', 'in_progress', 'waiting'] },
          deleted: { $ne: true },
        },
      },
      { $group: { _id: '$assignee', n: { $sum: 1 } } },
    ]);
    for (const { _id, n } of rows) counts[_id] = n;
    return counts;
  }

  /** Whether this address has a ticket that was not rejected as from an unknown sender. */
  async hasAcceptedTicketFrom(email: string): Promise<boolean> {
    return Boolean(
      await this.tickets.exists({ 'requester.email': email, 'resolution.method': { $ne: 'unknown_address' } }),
    );
  }
}
