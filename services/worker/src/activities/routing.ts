// Routing's side of the worker: feeding group queues from the projection, and what a queue reads
// (the rule, its agents, its tickets) and does (offer a ticket) outside its workflow.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { ROUTING_ACTOR } from '@helpdesk/contracts';
import type { GroupRouting, OfferOutcome, RoutingSnapshot, TicketState } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import {
  DirectoryRefusedError,
  TicketNotFoundError,
  TicketRefusedError,
  Tickets,
  queueTicket,
} from '@helpdesk/ticket-client';
import { routesAutomatically } from '@helpdesk/ticket-rules';

export interface RoutingDeps {
  store: Store;
  client: Client;
  taskQueue: string;
}

/** A group's routing as the feed last read it: every projection of a waiting ticket asks, so briefly cached. */
const ROUTING_CACHE_MS = 2_000;

/** Open, unassigned, in a group, not deleted: what a group queue offers. */
export const awaitsRouting = (s: Pick<TicketState, 'status' | 'assignee' | 'group' | 'deleted'>): boolean =>
  s.status === 'new' && !s.assignee && !!s.group && !s.deleted;

export function createRoutingActivities({ store, client, taskQueue }: RoutingDeps) {
  const tickets = new Tickets({ client, store, taskQueue });
  const cache = new Map<string, { at: number; routing: GroupRouting | null }>();

  const routingOf = async (group: string): Promise<GroupRouting | null> => {
    const hit = cache.get(group);
    if (hit && Date.now() - hit.at < ROUTING_CACHE_MS) return hit.routing;
    const routing = (await store.directory.group(group))?.routing ?? null;
    cache.set(group, { at: Date.now(), routing });
    return routing;
  };

  return {
    /**
     * Called by the projection after it wrote a ticket: a ticket waiting for an agent in a group
     * that routes is handed to the group's queue (started on first use). Throws when Temporal does
     * not answer, so the projection is retried and the ticket is not forgotten.
     */
    async feed(state: TicketState): Promise<boolean> {
      if (!awaitsRouting(state) || !state.group) return false;
      const routing = await routingOf(state.group);
      if (!routing || !routesAutomatically(routing.rule)) return false;
      await queueTicket(client, taskQueue, state.group, state.id);
      return true;
    },

    activities: {
      /** The group's rule, its members in ring order (with load), and the tickets as the read model has them. */
      async routingSnapshot(group: string, ticketIds: string[]): Promise<RoutingSnapshot> {
        const found = await store.directory.group(group);
        const members = found?.members ?? [];
        const users = new Map((await store.directory.listUsers({ ids: members })).map((u) => [u.id, u]));
        const open = await store.readModel.openCountsByAssignee(members);
        const states = await Promise.all(ticketIds.map((id) => store.getTicket(id)));
        return {
          routing: found?.routing ?? null,
          agents: members.flatMap((id) => {
            const u = users.get(id);
            if (!u) return [];
            return [
              {
                id,
                available: u.active && (u.role === 'agent' || u.role === 'admin') && u.availability === 'online',
                openTickets: open[id] ?? 0,
                capacity: u.capacity ?? null,
                skills: u.skills,
              },
            ];
          }),
          tickets: ticketIds.map((id, i) => {
            const t = states[i];
            return t
              ? { id, status: t.status, assignee: t.assignee, group: t.group, type: t.type, deleted: t.deleted }
              : { id, status: 'missing' as const, deleted: false };
          }),
        };
      },

      /**
       * Assign the ticket to the agent through the ticket's own command path, as the routing actor.
       * `offerId` is the Update id: a retry after a crash attaches to the Update already applied.
       * `previous`: who holds the current offer (a re-offer replaces it). Anything else on the
       * ticket (taken, assigned by hand, closed) means it is no longer ours to offer: 'gone'.
       */
      async offerTicket(ticketId: string, agent: string, offerId: string, previous?: string): Promise<OfferOutcome> {
        const now = await store.getTicket(ticketId);
        if (!now || now.status !== 'new' || now.deleted) return 'gone';
        // Already assigned to them: this offer was applied before a crash (or is the same again).
        if (now.assignee === agent) return 'offered';
        if (now.assignee && now.assignee !== previous) return 'gone';
        try {
          const after = await tickets.command(
            ticketId,
            { type: 'assign', assignee: agent, ifUnchanged: { assignee: now.assignee ?? null } },
            ROUTING_ACTOR,
            {
              updateId: offerId,
            },
          );
          return after.status === 'new' && after.assignee === agent ? 'offered' : 'gone';
        } catch (err) {
          // Refused (taken meanwhile, closed) or the run is gone: the ticket left the queue's hands.
          if (
            err instanceof TicketRefusedError ||
            err instanceof TicketNotFoundError ||
            err instanceof WorkflowNotFoundError
          )
            return 'gone';
          // The directory's own check of the assignee (deactivated or moved out of the group since the snapshot).
          if (err instanceof DirectoryRefusedError) return 'refused';
          throw err;
        }
      },
    },
  };
}

export type RoutingActivities = ReturnType<typeof createRoutingActivities>['activities'];
