// Creating the ticket worker, separate from main.ts so tests and tools can run one in-process.
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Store } from '@helpdesk/persistence';
import { createActivities } from './activities';
import { SHARED_WORKFLOW_MODULES } from './bundle';

// For tests and tools that call the activities in-process.
export { createActivities };

/** A deployment name and a build id (the SDK's WorkerDeploymentVersion). */
export type WorkerDeploymentVersion = NonNullable<WorkerOptions['workerDeploymentOptions']>['version'];

export interface TicketWorkerOptions {
  connection: NativeConnection;
  client: Client;
  namespace: string;
  taskQueue: string;
  store: Store;
  /** See WORKER_MAX_CACHED_WORKFLOWS. */
  maxCachedWorkflows?: number;
  /**
   * This build's Worker Deployment Version (WORKER_DEPLOYMENT_NAME, WORKER_BUILD_ID); unset: an
   * unversioned worker. Versioned, every workflow it runs auto-upgrades (docs/upgrade-runbook.md).
   */
  deploymentVersion?: WorkerDeploymentVersion;
  /** Another build of the workflow code (tests of a deploy); default: the bundle the build wrote. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export const WORKFLOW_BUNDLE_PATH = path.join(__dirname, 'workflow-bundle.js');

/**
 * Tickets live for weeks, longer than any build should keep running: a pinned ticket would hold its
 * build's workers up until it closed. So every workflow moves to the Current Version at its next
 * task, and a change to workflow code stays replay-safe with patched() (workflows/patches.ts).
 */
export const TICKET_VERSIONING_BEHAVIOR = 'AUTO_UPGRADE' as const;

export async function createTicketWorker(opts: TicketWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: opts.connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    ...(opts.deploymentVersion
      ? {
          workerDeploymentOptions: {
            version: opts.deploymentVersion,
            useWorkerVersioning: true,
            defaultVersioningBehavior: TICKET_VERSIONING_BEHAVIOR,
          },
        }
      : {}),
    activities: createActivities({ store: opts.store, client: opts.client, taskQueue: opts.taskQueue }),
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : fs.existsSync(WORKFLOW_BUNDLE_PATH)
        ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } }
        : {
            workflowsPath: require.resolve('./workflows'),
            bundlerOptions: { preloadModules: SHARED_WORKFLOW_MODULES },
          }),
  });
}
