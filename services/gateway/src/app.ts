// The Express app, built from its dependencies so tests can start it on port 0.
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Client } from '@temporalio/client';
import type { Logger } from '@helpdesk/config';
import type { Store } from '@helpdesk/persistence';
import { authenticate } from './auth';
import { NotFoundError, problemHandler } from './errors';
import { settingsRoutes } from './routes/settings';
import { ticketRoutes } from './routes/tickets';
import { TicketService } from './tickets';

export interface AppDeps {
  client: Client;
  store: Store;
  taskQueue: string;
  jwtSecret: string;
  logger: Logger;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    const requestId = (req.headers['x-request-id'] as string | undefined)?.slice(0, 100) || randomUUID();
    res.locals.requestId = requestId;
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      deps.logger.info('request', {
        requestId,
        method: req.method,
        path: req.originalUrl,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  });

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.use('/v1', express.json({ limit: '1mb' }), authenticate(deps.jwtSecret));
  const tickets = new TicketService({ client: deps.client, store: deps.store, taskQueue: deps.taskQueue });
  app.use('/v1/tickets', ticketRoutes(tickets, deps.store));
  app.use('/v1/settings', settingsRoutes(deps.store, deps.client, deps.taskQueue));

  app.use(() => {
    throw new NotFoundError('Route');
  });
  app.use(problemHandler((err, requestId) => deps.logger.error('unhandled error', { requestId, error: err instanceof Error ? err.stack : String(err) })));
  return app;
}
