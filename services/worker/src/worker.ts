// Creating the ticket worker, separate from main.ts so tests and tools can run one in-process.
import fs from 'node:fs';
import path from 'node:path';
import type { NativeConnection} from '@temporalio/worker';
import { Worker } from '@temporalio/worker';
import type { Store } from '@helpdesk/persistence';
import { createActivities } from './activities';

export interface TicketWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  store: Store;
}

export async function createTicketWorker(opts: TicketWorkerOptions): Promise<Worker> {
  const bundle = path.join(__dirname, 'workflow-bundle.js');
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities: createActivities(opts.store),
    ...(fs.existsSync(bundle) ? { workflowBundle: { codePath: bundle } } : { workflowsPath: require.resolve('./workflows') }),
  });
}
