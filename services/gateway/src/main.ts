// The gateway process: one Temporal connection and one store connection for the whole process.
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { createLogger, loadConfig, runMain } from '@helpdesk/config';
import { Store } from '@helpdesk/persistence';
import fs from 'node:fs';
import path from 'node:path';
import { closeStreams, createApp } from './app';
import { webApps } from './web-apps';
import { authOptionsFromConfig } from './auth';

async function main() {
  const config = loadConfig();
  const logger = createLogger('gateway', { level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const store = await Store.connect(config.MONGO_URL, {
    serverSelectionTimeoutMS: config.MONGO_SERVER_SELECTION_TIMEOUT_MS,
  });
  const connection = await Connection.connect({
    address: config.TEMPORAL_ADDRESS,
    // gRPC backs off up to 2 minutes between reconnects by default, so a long outage left the
    // gateway unready long after Temporal was back; a second between tries is cheap.
    channelArgs: { 'grpc.initial_reconnect_backoff_ms': 250, 'grpc.max_reconnect_backoff_ms': 1_000 },
    // A few quick retries ride out a blip; the default ten (about 15 s) made an outage look like a hang.
    interceptors: [makeGrpcRetryInterceptor(defaultGrpcRetryOptions({ maxAttempts: 3 }))],
  });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp({
    client,
    store,
    taskQueue: config.TICKETS_TASK_QUEUE,
    jwtSecret: config.AUTH_JWT_SECRET,
    logger,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    attachmentMaxBytes: config.ATTACHMENT_MAX_BYTES,
    commandTimeoutMs: config.COMMAND_TIMEOUT_MS,
    auth: authOptionsFromConfig(config),
    presenceTtlMs: config.PRESENCE_TTL_SECONDS * 1000,
    webApps: { console: config.CONSOLE_DIR, portal: config.PORTAL_DIR },
  });
  // Said once at start-up too: an app configured but not built answers 404 until it is built.
  for (const webApp of webApps({ console: config.CONSOLE_DIR, portal: config.PORTAL_DIR })) {
    if (webApp.dir === undefined) logger.info(`${webApp.label} not served (${webApp.variable} unset)`);
    else if (!fs.existsSync(path.join(webApp.dir, 'index.html')))
      logger.warn(`${webApp.label} not built yet`, {
        dir: webApp.dir,
        build: `npx turbo run build --filter=${webApp.pkg}`,
      });
  }
  const server = app.listen(config.PORT, '0.0.0.0');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const stop = () => {
    // Open event streams never end by themselves: end them, or close() would wait for ever.
    closeStreams(app);
    server.close(() => {
      void connection.close().then(() => store.close());
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  logger.ready({ port: config.PORT });
}

runMain('gateway', main);
