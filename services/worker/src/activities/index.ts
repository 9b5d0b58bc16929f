// Activities of the ticket worker: everything the workflow does outside itself goes through here.
// Each is idempotent, so Temporal may retry any of them.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import {
  DAY_MS,
  IDEMPOTENCY_KEY_TTL_MS,
  childReopenedSignal,
  childResolvedSignal,
  mergedInSignal,
  settingsChangedSignal,
  ticketWorkflowId,
} from '@helpdesk/contracts';
import type { Actor, EditableFields, Settings, TicketEvent, TicketState } from '@helpdesk/contracts';
import type { FirstStateWrite, Store } from '@helpdesk/persistence';
import { Tickets } from '@helpdesk/ticket-client';
import { deadlinesMoved } from '@helpdesk/ticket-rules';
import { createRoutingActivities } from './routing';

export interface ActivityDeps {
  store: Store;
  client: Client;
  taskQueue: string;
}

/** Signalling a ticket whose workflow already ended (closed, purged) is not an error worth retrying. */
async function signalIfRunning(send: () => Promise<void>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

export function createActivities({ store, client, taskQueue }: ActivityDeps) {
  const tickets = new Tickets({ client, store, taskQueue });
  const routing = createRoutingActivities({ store, client, taskQueue });
  return {
    ...routing.activities,

    /**
     * Write the read model and timeline; safe to repeat (event ids and revisions gate it). `first`:
     * a new ticket's first state, which its starter has usually written already (Store.projectTicket).
     */
    async projectTicket(state: TicketState, events: TicketEvent[], first?: FirstStateWrite): Promise<void> {
      await store.projectTicket(state, events, first);
      // A ticket waiting for an agent goes to its group's queue; here because this is retried until it succeeds.
      await routing.feed(state);
    },

    /**
     * The current settings, read from the store and not from the store's one-second cache: a
     * ticket re-reads them right before a deadline acts, and a change made a moment earlier (a
     * shortened window lengthened again) must be seen, or it would act on the older one.
     */
    async currentSettings(): Promise<Settings> {
      return store.currentSettings();
    },

    async purgeTicket(ticketId: string): Promise<void> {
      await store.purgeTicket(ticketId);
    },

    async linkFollowUp(closedId: string, followUpId: string): Promise<void> {
      await store.addFollowUp(closedId, followUpId);
    },

    /** Copy the source's thread (from its timeline) into the target as a private note. */
    async deliverMergedThread(source: { id: string; reference: string }, targetId: string): Promise<boolean> {
      const events = await store.listEvents(source.id);
      const thread = events
        .filter((e) => typeof e.data?.body === 'string')
        .map(
          (e) =>
            `[${new Date(e.at).toISOString()}] ${e.actor.name ?? e.actor.id} (${String(e.data?.visibility ?? 'public')}): ${String(e.data?.body)}`,
        )
        .join('\n');
      return signalIfRunning(() =>
        client.workflow
          .getHandle(ticketWorkflowId(targetId))
          .signal(mergedInSignal, { sourceId: source.id, sourceReference: source.reference, thread }),
      );
    },

    /** Start the tickets a ticket was split into; a retry finds the ones already started. */
    async startChildTickets(
      parent: TicketState,
      children: { id: string; fields: EditableFields }[],
      actor: Actor,
    ): Promise<string[]> {
      const references: string[] = [];
      for (const child of children) {
        const inherited = {
          requester: parent.requester,
          primaryContact: parent.primaryContact,
          category: parent.category,
          company: parent.company,
          brand: parent.brand,
          supportAddress: parent.supportAddress,
          tags: parent.tags,
        };
        const started = await tickets.create({ ...inherited, ...child.fields }, actor, 'split', {
          ticketId: child.id,
          links: { parent: parent.id },
        });
        references.push(started.reference);
      }
      return references;
    },

    async signalParentChildResolved(parentId: string, childId: string): Promise<boolean> {
      return signalIfRunning(() =>
        client.workflow.getHandle(ticketWorkflowId(parentId)).signal(childResolvedSignal, { childId }),
      );
    },

    async signalParentChildReopened(parentId: string, childId: string): Promise<boolean> {
      return signalIfRunning(() =>
        client.workflow.getHandle(ticketWorkflowId(parentId)).signal(childReopenedSignal, { childId }),
      );
    },

    /** Suspended mail past the retention setting goes, raw message included. */
    async purgeSuspendedMail(): Promise<number> {
      const { suspendedRetentionDays } = await store.getSettings();
      const cutoff = Date.now() - suspendedRetentionDays * DAY_MS;
      return store.inboundMail.purgeSuspendedBefore(cutoff);
    },

    /** Idempotency keys are remembered for a day. */
    async purgeIdempotencyKeys(): Promise<number> {
      return store.idempotency.purgeCreatedBefore(Date.now() - IDEMPOTENCY_KEY_TTL_MS);
    },

    /**
     * Tell the open tickets whose deadlines the change moves (from their read model). The others
     * record nothing now: they take the new settings with their next command or timer.
     * Without `previous` (a broadcast started by older code) every open ticket is told.
     */
    async broadcastSettings(settings: Settings, previous?: Settings): Promise<number> {
      let count = 0;
      let seen = 0;
      for await (const ticket of store.openTickets()) {
        if (++seen % 200 === 0) Context.current().heartbeat(seen);
        if (previous && !deadlinesMoved(ticket, previous, settings)) continue;
        await signalIfRunning(() =>
          client.workflow.getHandle(ticketWorkflowId(ticket.id)).signal(settingsChangedSignal, settings),
        );
        count++;
      }
      return count;
    },
  };
}

export type TicketActivities = ReturnType<typeof createActivities>;
