// The notifier process: its own worker on the notifications task queue (outbound mail), and the
// mail collector (inbound mail over SMTP and over HTTP).
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { notificationsQueueFor } from '@helpdesk/contracts';
import { createLogger, devTokensAllowed, loadConfig, runMain, temporalRuntimeOptions } from '@helpdesk/config';
import { Store } from '@helpdesk/persistence';
import { Tickets } from '@helpdesk/ticket-client';
import { createNotifierActivities } from './activities';
import { createAccountMailActivities } from './account-mail';
import { createWebhookMailActivities } from './webhook-mail';
import { InboundPipeline } from './inbound/pipeline';
import { inboundAuthenticator, startHttpInbound, startSmtpServer } from './inbound/servers';

async function main() {
  const config = loadConfig();
  const logger = createLogger('notifier', { level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  // Before the first connection: the SDK's logs then come out as ours do.
  Runtime.install(temporalRuntimeOptions(logger));
  const store = await Store.connect(config.MONGO_URL);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const clientConnection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
  const client = new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const { close, ...activities } = createNotifierActivities(store, config.SMTP_URL, logger, config.PUBLIC_URL);
  const { close: closeAccountMail, ...accountMail } = createAccountMailActivities(store, config.SMTP_URL, logger);
  const { close: closeWebhookMail, ...webhookMail } = createWebhookMailActivities(store, config.SMTP_URL, logger);
  const taskQueue = notificationsQueueFor(config.TICKETS_TASK_QUEUE);
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue,
    activities: { ...activities, ...accountMail, ...webhookMail },
  });
  const pipeline = new InboundPipeline(
    store,
    new Tickets({ client, store, taskQueue: config.TICKETS_TASK_QUEUE }),
    config.ATTACHMENT_MAX_BYTES,
  );
  const smtp = await startSmtpServer(pipeline, config.INBOUND_SMTP_PORT, logger);
  const inboundHttp = await startHttpInbound(
    pipeline,
    config.INBOUND_HTTP_PORT,
    inboundAuthenticator(store, devTokensAllowed(config) ? config.AUTH_JWT_SECRET : undefined),
    logger,
  );
  const stop = () => worker.shutdown();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.ready({ taskQueue, smtpPort: smtp.port, httpPort: inboundHttp.port });
  await worker.run();
  await Promise.all([smtp.close(), inboundHttp.close()]);
  close();
  closeAccountMail();
  closeWebhookMail();
  await connection.close();
  await clientConnection.close();
  await store.close();
}

runMain('notifier', main);
