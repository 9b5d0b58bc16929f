// Creating the ticket worker, separate from main.ts so tests and tools can run one in-process.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Store } from '@helpdesk/persistence';
import { createActivities } from './activities';

// For tests and tools that call the activities in-process.
export { createActivities };

export interface TicketWorkerOptions {
  connection: NativeConnection;
  client: Client;
  namespace: string;
  taskQueue: string;
  store: Store;
  /** See WORKER_MAX_CACHED_WORKFLOWS. */
  maxCachedWorkflows?: number;
}

export const WORKFLOW_BUNDLE_PATH = path.join(__dirname, 'workflow-bundle.js');

export async function createTicketWorker(opts: TicketWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    activities: createActivities({ store: opts.store, client: opts.client, taskQueue: opts.taskQueue }),
    ...(fs.existsSync(WORKFLOW_BUNDLE_PATH)
      ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } }
      : { workflowsPath: require.resolve('./workflows') }),
  });
}
