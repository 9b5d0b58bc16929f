// The notifier process: its own worker on the notifications task queue.
import { NativeConnection, Worker } from '@temporalio/worker';
import { NOTIFICATIONS_TASK_QUEUE } from '@helpdesk/contracts';
import { createLogger, loadConfig, runMain } from '@helpdesk/config';
import { Store } from '@helpdesk/persistence';
import { createNotifierActivities } from './activities';

async function main() {
  const config = loadConfig();
  const logger = createLogger('notifier', config.LOG_LEVEL);
  const store = await Store.connect(config.MONGO_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const { close, ...activities } = createNotifierActivities(store, config.SMTP_URL);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: NOTIFICATIONS_TASK_QUEUE,
    activities,
  });
  const stop = () => worker.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.ready({ taskQueue: NOTIFICATIONS_TASK_QUEUE });
  await worker.run();
  close();
  await connection.close();
  await store.close();
}

runMain('notifier', main);
