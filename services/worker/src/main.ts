// The ticket worker process: hosts the ticket workflow and its activities.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { createLogger, loadConfig, runMain, temporalRuntimeOptions, workerDeploymentVersion } from '@helpdesk/config';
import { Store } from '@helpdesk/persistence';
import { ensureSchedules } from './schedules';
import { createTicketWorker } from './worker';
import { createWebhookWorker } from './webhook-worker';

async function main() {
  const config = loadConfig();
  const logger = createLogger('worker', { level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  // Before the first connection: the SDK's and workflows' logs then come out as ours do.
  Runtime.install(temporalRuntimeOptions(logger));
  const store = await Store.connect(config.MONGO_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  // Activities that signal or start other tickets use a client of their own.
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  // Unset unless WORKER_DEPLOYMENT_NAME and WORKER_BUILD_ID are (loadConfig refused one without the other).
  const deploymentVersion = workerDeploymentVersion(config);
  const worker = await createTicketWorker({
    connection,
    client,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TICKETS_TASK_QUEUE,
    store,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    ...(deploymentVersion ? { deploymentVersion } : {}),
  });
  // The webhook dispatchers' activities, on their own task queue (webhook-worker.ts).
  const webhookWorker = await createWebhookWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    ticketsQueue: config.TICKETS_TASK_QUEUE,
    store,
  });
  await ensureSchedules(client, config.TICKETS_TASK_QUEUE);
  // Tickets projected before list keys existed get them, in the background (idempotent); lists
  // read through the keys once every ticket has them.
  void store.readModel.backfillListKeys().then(
    (n) => n > 0 && logger.info('list keys backfilled', { tickets: n }),
    (err: unknown) => logger.warn('list keys backfill failed; it runs again at the next start', { error: String(err) }),
  );
  // Tickets projected before search words existed get them, in the background (idempotent).
  void store.readModel.backfillSearchWords().then(
    (n) => n > 0 && logger.info('search words backfilled', { tickets: n }),
    (err: unknown) =>
      logger.warn('search words backfill failed; it runs again at the next start', { error: String(err) }),
  );
  const stop = () => {
    worker.shutdown();
    webhookWorker.shutdown();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.ready({
    taskQueue: config.TICKETS_TASK_QUEUE,
    temporal: config.TEMPORAL_ADDRESS,
    // Versioned: this build gets tickets only once its version is made Current (docs/upgrade-runbook.md).
    ...(deploymentVersion
      ? { deploymentVersion: `${deploymentVersion.deploymentName}.${deploymentVersion.buildId}` }
      : {}),
  });
  await Promise.all([worker.run(), webhookWorker.run()]);
  await connection.close();
  await clientConnection.close();
  await store.close();
  logger.info('stopped');
}

runMain('worker', main);
