// The webhook dispatchers' activities run on a task queue of their own (`<tickets>-webhooks`), in
// the worker process beside the ticket worker: a subscription's long poll holds an activity slot
// for up to 20 s, and many subscriptions must never take the slots ticket activities need.
import { Worker } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import { webhooksQueueFor } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { createWebhookActivities } from './activities/webhooks';

/** Subscriptions served at once by one worker process (each poll or delivery run holds one slot). */
export const WEBHOOK_ACTIVITY_SLOTS = 200;

export async function createWebhookWorker(opts: {
  connection: NativeConnection;
  namespace: string;
  /** The tickets task queue: the dispatchers run there, their activities on its `-webhooks` queue. */
  ticketsQueue: string;
  store: Store;
}): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: webhooksQueueFor(opts.ticketsQueue),
    activities: createWebhookActivities(opts.store),
    maxConcurrentActivityTaskExecutions: WEBHOOK_ACTIVITY_SLOTS,
  });
}
