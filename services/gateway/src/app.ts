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
import { customFieldRoutes } from './routes/custom-fields';
import { suspendedRoutes } from './routes/suspended';
import { ticketRoutes } from './routes/tickets';
import { automationRoutes } from './routes/automation';
import { macroRoutes } from './routes/macros';
import { viewRoutes } from './routes/views';
import { satisfactionRoutes } from './routes/satisfaction';
import { templateRoutes } from './routes/templates';
import { eventRoutes } from './routes/events';
import { webhookRoutes } from './routes/webhooks';
import { liveRoutes, presenceRoutes } from './routes/live';
import { DEFAULT_LIVE_OPTIONS, LiveHub } from './live';
import { webAppRoutes, webApps } from './web-apps';
import type { LiveOptions } from './live';
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
  /** How long a presence entry lives after its last heartbeat (PRESENCE_TTL_SECONDS); 30 s unset. */
  presenceTtlMs?: number;
  /** The live feed's poll, look-back and heartbeat (defaults: 300 ms, 10 s, 15 s). */
  live?: Partial<LiveOptions>;
  /** The web apps' build folders (CONSOLE_DIR, PORTAL_DIR); unset: their paths answer 404 saying so. */
  webApps?: { console?: string | undefined; portal?: string | undefined };
}

/** The live feed of each app, so the process can end its streams when it stops. */
const hubs = new WeakMap<express.Express, LiveHub>();

/**
 * End every open event stream of this app: call before server.close(), which otherwise waits for
 * them for ever (a stream never ends by itself).
 */
export function closeStreams(app: express.Express): void {
  hubs.get(app)?.closeAll();
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
  app.use(opsRoutes({ dependencies, metrics, store: deps.store }));
  for (const webApp of webApps(deps.webApps ?? {})) app.use(webAppRoutes(webApp));

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
  // The rating links of resolution mail take no bearer token either: their single-use token is the
  // proof (256 random bits, so no lockout). The comment form posts urlencoded, API clients JSON.
  app.use(
    '/v1/satisfaction',
    dependencies.storeGate(),
    express.json({ limit: '16kb' }),
    express.urlencoded({ extended: false, limit: '16kb' }),
    satisfactionRoutes(deps.store),
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
    // Not for the event stream: it outlives any deadline and calls no Temporal at all.
    (req, _res, next) =>
      req.path === '/live'
        ? next()
        : void deps.client.withDeadline(Date.now() + deps.commandTimeoutMs, async () => next()),
  );
  app.use('/v1', authRoutes(deps.store));
  // Built here, outside any request, so its timers run in no request's context (see LiveHub).
  const hub = new LiveHub(
    deps.store,
    deps.logger,
    { ...DEFAULT_LIVE_OPTIONS, ...deps.live },
    { streams: (n) => metrics.liveStreams.set(n), polling: (on) => metrics.livePolling.set(on ? 1 : 0) },
  );
  hubs.set(app, hub);
  app.use('/v1/live', liveRoutes(hub, deps.store));
  app.use('/v1/tickets', presenceRoutes(tickets, deps.store, deps.presenceTtlMs ?? 30_000));
  app.use('/v1/tickets', attachments.upload, ticketRoutes(tickets, deps.store));
  app.use('/v1/attachments', attachments.download);
  app.use('/v1/views', viewRoutes(deps.store));
  app.use('/v1/templates', templateRoutes(deps.store));
  app.use('/v1/events', eventRoutes(deps.store));
  app.use('/v1/webhooks', webhookRoutes(deps.store, deps.client, deps.taskQueue));
  app.use('/v1', automationRoutes(deps.store, tickets, deps.client, deps.taskQueue));
  app.use('/v1', macroRoutes(deps.store, tickets));
  app.use('/v1/settings', settingsRoutes(deps.store, deps.client, deps.taskQueue));
  app.use('/v1/custom-fields', customFieldRoutes(deps.store, deps.client, deps.taskQueue));
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
        : // The error itself, not its stack: the logger's serializer adds every cause (a Temporal
          // ServiceError's gRPC code and details live in its cause).
          deps.logger.error('unhandled error', { requestId, error: err }),
    ),
  );
  return app;
}
