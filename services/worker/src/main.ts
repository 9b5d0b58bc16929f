// The ticket worker process: hosts the ticket workflow and its activities.
import { NativeConnection } from '@temporalio/worker';
import { createLogger, loadConfig, runMain } from '@helpdesk/config';
import { Store } from '@helpdesk/persistence';
import { createTicketWorker } from './worker';

async function main() {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  const store = await Store.connect(config.MONGO_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createTicketWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TICKETS_TASK_QUEUE,
    store,
  });
  const stop = () => worker.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.ready({ taskQueue: config.TICKETS_TASK_QUEUE, temporal: config.TEMPORAL_ADDRESS });
  await worker.run();
  await connection.close();
  await store.close();
  logger.info('stopped');
}

runMain('worker', main);
