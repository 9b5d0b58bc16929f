// Telling group queues about their agents: when an agent becomes available (or a group's routing
// changes), the queues of their groups try their waiting tickets again at once. The queues also
// re-check on their own every minute, so a lost signal only delays routing.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import {
  GROUP_QUEUE_WORKFLOW_TYPE,
  agentsChangedSignal,
  groupQueueWorkflowId,
  ticketWaitingSignal,
} from '@helpdesk/contracts';
import type { GroupQueueInput } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { routesAutomatically } from '@helpdesk/ticket-rules';

/** Wake the queue of one group; false when it has none running (nothing waits in it then). */
export async function wakeGroupQueue(client: Client, group: string): Promise<boolean> {
  try {
    await client.workflow.getHandle(groupQueueWorkflowId(group)).signal(agentsChangedSignal);
    return true;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

/**
 * An agent's availability (or skills, capacity, membership) changed: wake the queues of the groups
 * they are in. Call after the change is stored. Answers the groups whose queue was woken.
 */
export async function agentAvailabilityChanged(client: Client, store: Store, userId: string): Promise<string[]> {
  const groups = (await store.directory.groupsOf(userId)).filter((g) => routesAutomatically(g.routing.rule));
  const woken = await Promise.all(groups.map((g) => wakeGroupQueue(client, g.name)));
  return groups.filter((_, i) => woken[i]).map((g) => g.name);
}

/** Hand a waiting ticket to its group's queue, starting the queue on first use. */
export async function queueTicket(client: Client, taskQueue: string, group: string, ticketId: string): Promise<void> {
  const input: GroupQueueInput = { group };
  await client.workflow.signalWithStart(GROUP_QUEUE_WORKFLOW_TYPE, {
    workflowId: groupQueueWorkflowId(group),
    taskQueue,
    args: [input],
    signal: ticketWaitingSignal,
    signalArgs: [{ ticketId }],
  });
}

/** Tickets a group hands over in one go when it starts routing (more wait for their next change). */
const ADOPT_AT_MOST = 5_000;

/**
 * A group that starts routing (from `manual`) hands its queue the tickets already waiting in it:
 * new and unassigned, oldest first. The queue ignores tickets it holds already. Answers how many.
 */
export async function queueWaitingTickets(
  client: Client,
  store: Store,
  taskQueue: string,
  group: string,
): Promise<number> {
  let queued = 0;
  let cursor: string | undefined;
  do {
    const page = await store.readModel.list(
      { group, status: ['new'] },
      { sort: 'created', order: 'asc', limit: 100, ...(cursor ? { cursor } : {}) },
    );
    for (const ticket of page.items) {
      if (ticket.assignee || ticket.deleted) continue;
      await queueTicket(client, taskQueue, group, ticket.id);
      queued++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor && queued < ADOPT_AT_MOST);
  return queued;
}
