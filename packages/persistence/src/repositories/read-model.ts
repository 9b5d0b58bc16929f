// The ticket read model as readers other than the projection use it: lists and search, the
// lifecycle report, and the look-ups the mail collector threads and screens mail with.
import type { Model } from 'mongoose';
import type { TicketDoc, TicketEventDoc } from '../models';
import { backfillSearchWords, lifecycleReport, listTickets, primeListAnchors } from '../queries';
import type { ListOptions, TicketFilter, TicketPage } from '../queries';

export class TicketReadModel {
  constructor(
    private readonly tickets: Model<TicketDoc>,
    private readonly events: Model<TicketEventDoc>,
  ) {}

  list(filter: TicketFilter, opts: ListOptions): Promise<TicketPage> {
    return listTickets(this.tickets, filter, opts);
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

  /** The id of the ticket with this reference (a reference in a mail's subject). */
  async idOfReference(reference: string): Promise<string | undefined> {
    return (await this.tickets.findOne({ reference }, { _id: 1 }).lean())?._id;
  }

  /** Whether this address has a ticket that was not rejected as from an unknown sender. */
  async hasAcceptedTicketFrom(email: string): Promise<boolean> {
    return Boolean(
      await this.tickets.exists({ 'requester.email': email, 'resolution.method': { $ne: 'unknown_address' } }),
    );
  }
}
