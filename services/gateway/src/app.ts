// The Express app, built from its dependencies so tests can start it on port 0.
import { randomUUID } from 'node:crypto';
import express from 'express';
import helmet from 'helmet';
import type { Client } from '@temporalio/client';
import type { Logger } from '@helpdesk/config';
import type { Store } from '@helpdesk/persistence';
import { Authenticator, defaultAuthOptions } from './auth';
import type { AuthOptions } from './auth';
import { NotFoundError, problemHandler } from './errors';
import { idempotency } from './middleware/idempotency';
import { Metrics } from './middleware/metrics';
import { perPrincipalRateLimit, requireJson } from './middleware/protection';
import { attachmentRoutes } from './routes/attachments';
import { authPublicRoutes, authRoutes } from './routes/auth';
import { directoryRoutes } from './routes/directory';
import { Dependencies, opsRoutes } from './routes/ops';
import { reportRoutes } from './routes/reports';
import { settingsRoutes } from './routes/settings';
import { suspendedRoutes } from './routes/suspended';
import { ticketRoutes } from './routes/tickets';
import { Tickets } from '@helpdesk/ticket-client';

export interface AppDeps {
  client: Client;
  store: Store;
  taskQueue: string;
  jwtSecret: string;
  logger: Logger;
  rateLimitPerMinute: number;
  attachmentMaxBytes: number;
  /** Every Temporal call a request makes must finish within this (504 past it). */
  commandTimeoutMs: number;
  /** Sign-in, API keys, OIDC (README "Sign-in"); unset: the defaults, with dev tokens signed by jwtSecret. */
  auth?: AuthOptions;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  const metrics = new Metrics();
  // When the request arrived, before authentication, idempotency and queueing: a reply received
  // before a deadline counts as before it however long the rest takes.
  app.use((_req, res, next) => {
    res.locals.receivedAt = Date.now();
    next();
  });
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(helmet());
  app.use(metrics.middleware());
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
        principal: (res.locals.actor as { id?: string } | undefined)?.id,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  });

  const dependencies = new Dependencies({ client: deps.client, store: deps.store, taskQueue: deps.taskQueue });
  app.use(opsRoutes({ dependencies, metrics }));

  const tickets = new Tickets({
    client: deps.client,
    store: deps.store,
    taskQueue: deps.taskQueue,
    onCommand: (command, outcome) => metrics.commands.inc({ command, outcome }),
  });
  const attachments = attachmentRoutes(tickets, deps.store, deps.attachmentMaxBytes);
  const authenticator = new Authenticator(deps.store, deps.auth ?? defaultAuthOptions(deps.jwtSecret));
  // Sign-in takes no bearer token: before authentication (its lockout is its brute-force guard).
  app.use(
    '/v1/auth',
    requireJson,
    dependencies.storeGate(),
    express.json({ limit: '16kb' }),
    authPublicRoutes(deps.store, authenticator, deps.client, deps.taskQueue),
  );
  app.use(
    '/v1',
    authenticator.middleware(),
    perPrincipalRateLimit(deps.rateLimitPerMinute),
    requireJson,
    dependencies.storeGate(),
    express.json({ limit: '1mb' }),
    idempotency(deps.store, deps.commandTimeoutMs),
    // One deadline for all the Temporal calls of a request (an Update that no worker answers would
    // otherwise be re-sent for ever). Set after the body parser: its stream callbacks would lose it.
    (_req, _res, next) => void deps.client.withDeadline(Date.now() + deps.commandTimeoutMs, async () => next()),
  );
  app.use('/v1', authRoutes(deps.store));
  app.use('/v1/tickets', attachments.upload, ticketRoutes(tickets, deps.store));
  app.use('/v1/attachments', attachments.download);
  app.use('/v1/settings', settingsRoutes(deps.store, deps.client, deps.taskQueue));
  app.use('/v1/suspended', suspendedRoutes(tickets, deps.store));
  app.use('/v1', reportRoutes(deps.store));
  app.use('/v1', directoryRoutes(deps.store, tickets, deps.client, deps.taskQueue));

  app.use(() => {
    throw new NotFoundError('Route');
  });
  app.use(
    problemHandler((err, requestId, problem) =>
      problem
        ? deps.logger.warn(problem.code, {
            requestId,
            dependency: problem.extra.dependency,
            error: err instanceof Error ? err.message : String(err),
          })
        : deps.logger.error('unhandled error', { requestId, error: err instanceof Error ? err.stack : String(err) }),
    ),
  );
  return app;
}
