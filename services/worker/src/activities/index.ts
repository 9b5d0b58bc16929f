// Activities of the ticket worker: everything the workflow does outside itself goes through here.
// Each is idempotent, so Temporal may retry any of them.
import type { TicketEvent, TicketState } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';

export function createActivities(store: Store) {
  return {
    /** Write the read model and timeline; safe to repeat (event ids and revisions gate it). */
    async projectTicket(state: TicketState, events: TicketEvent[]): Promise<void> {
      await store.projectTicket(state, events);
    },

    async purgeTicket(ticketId: string): Promise<void> {
      await store.purgeTicket(ticketId);
    },
  };
}

export type TicketActivities = ReturnType<typeof createActivities>;
