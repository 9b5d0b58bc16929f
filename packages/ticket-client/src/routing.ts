// Telling group queues about their agents: when an agent becomes available (or a group's routing
// changes), the queues of their groups try their waiting tickets again at once. The queues also
// re-check on their own every minute, so a lost signal only delays routing.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { agentsChangedSignal, groupQueueWorkflowId } from '@helpdesk/contracts';
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
