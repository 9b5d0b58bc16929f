// Operations: liveness, readiness, Prometheus metrics, the OpenAPI document and its docs page.
import express, { Router } from 'express';
import type { RequestHandler } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import type { Client } from '@temporalio/client';
import { notificationsQueueFor } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import type { Metrics } from '../middleware/metrics';
import { z } from 'zod';
import { DependencyUnavailableError } from '../errors';
import { buildOpenApi, document } from '../openapi';
import { withCurrentCustomFields } from './custom-fields';

const ZHealthSchema = z.object({ status: z.string() }).meta({ id: 'Health' });
const ZTaskQueueSchema = z.object({
  name: z.string(),
  pollers: z
    .number()
    .int()
    .nullable()
    .describe('Workers polling it (seen in the last 70 s); null while Temporal is unreachable'),
});
const DOWN = ['temporal', 'store', 'ticket_worker', 'notifier'] as const;
const ZReadySchema = z
  .object({
    status: z.enum(['ready', 'not ready']),
    temporal: z.boolean(),
    store: z.boolean(),
    taskQueues: z.object({ tickets: ZTaskQueueSchema, notifications: ZTaskQueueSchema }),
    down: z.array(z.enum(DOWN)).describe('What is missing: unreachable dependencies, task queues nobody polls'),
  })
  .meta({ id: 'Readiness' });
type Readiness = z.infer<typeof ZReadySchema>;
document({
  method: 'get',
  path: '/healthz',
  summary: 'Alive',
  tag: 'operations',
  roles: 'anyone',
  responses: { 200: ZHealthSchema },
});
document({
  method: 'get',
  path: '/readyz',
  summary: 'Temporal and the store reachable, both task queues polled (503 and what is down if not)',
  tag: 'operations',
  roles: 'anyone',
  responses: { 200: ZReadySchema, 503: ZReadySchema },
});

/** Each readiness check's own bound, so /readyz answers within a second whatever is down. */
const CHECK_TIMEOUT_MS = 800;
/** Poller lists are cached this long: probes every second do not each ask the matching service. */
const POLLERS_CACHE_MS = 2_000;
/** An idle worker renews its long poll every minute; one not seen for longer has gone. */
const POLLER_SEEN_WITHIN_MS = 70_000;
// DescribeTaskQueue's enums (temporal.api.enums.v1): a normal queue, its workflow or activity side.
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;
const TASK_QUEUE_TYPE_ACTIVITY = 2;

const within = <T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> =>
  Promise.race([
    promise.catch(() => fallback),
    new Promise<T>((resolve) => setTimeout(() => resolve(fallback), ms).unref()),
  ]);

/** Driver server types that accept writes. */
const WRITABLE = new Set(['Standalone', 'RSPrimary', 'Mongos', 'LoadBalancer']);

/**
 * What the gateway depends on, checked with short bounds: for /readyz, and for a gate that answers
 * 503 at once while the store is known to be down (a command would otherwise be accepted by its
 * workflow and wait on its projection until the command timeout).
 */
export class Dependencies {
  /** From the driver's own monitoring, which sees a lost server within a second. */
  private storeWritable = true;
  private storeCheck: Promise<boolean> | undefined;
  private pollers: { at: number; value: Promise<[number | null, number | null]> } | undefined;

  constructor(private readonly deps: { client: Client; store: Store; taskQueue: string }) {
    deps.store.connection.getClient().on('topologyDescriptionChanged', (event) => {
      this.storeWritable = [...event.newDescription.servers.values()].some((server) => WRITABLE.has(server.type));
    });
  }

  get queues(): { tickets: string; notifications: string } {
    return { tickets: this.deps.taskQueue, notifications: notificationsQueueFor(this.deps.taskQueue) };
  }

  /** A ping, bounded; concurrent callers share one. Selecting a server also makes the driver look again at once. */
  checkStore(): Promise<boolean> {
    this.storeCheck ??= within(this.deps.store.ping(), CHECK_TIMEOUT_MS, false).finally(
      () => (this.storeCheck = undefined),
    );
    return this.storeCheck;
  }

  checkTemporal(): Promise<boolean> {
    const { client } = this.deps;
    return within(
      client
        .withDeadline(Date.now() + CHECK_TIMEOUT_MS, () => client.workflowService.getSystemInfo({}))
        .then(() => true),
      CHECK_TIMEOUT_MS + 100,
      false,
    );
  }

  /** Pollers seen lately on the ticket (workflow) and notification (activity) queues; null if unknown. */
  checkPollers(): Promise<[number | null, number | null]> {
    if (this.pollers && Date.now() - this.pollers.at < POLLERS_CACHE_MS) return this.pollers.value;
    const { client } = this.deps;
    const count = async (name: string, taskQueueType: number): Promise<number | null> => {
      try {
        const { pollers } = await client.withDeadline(Date.now() + CHECK_TIMEOUT_MS, () =>
          client.workflowService.describeTaskQueue({
            namespace: client.options.namespace,
            taskQueue: { name, kind: TASK_QUEUE_KIND_NORMAL },
            taskQueueType,
          }),
        );
        const since = Date.now() - POLLER_SEEN_WITHIN_MS;
        return pollers.filter(
          (p) =>
            p.lastAccessTime && Number(p.lastAccessTime.seconds) * 1000 + (p.lastAccessTime.nanos ?? 0) / 1e6 > since,
        ).length;
      } catch {
        return null;
      }
    };
    const value = within(
      Promise.all([
        count(this.queues.tickets, TASK_QUEUE_TYPE_WORKFLOW),
        count(this.queues.notifications, TASK_QUEUE_TYPE_ACTIVITY),
      ]),
      CHECK_TIMEOUT_MS + 100,
      [null, null],
    );
    this.pollers = { at: Date.now(), value };
    // Only a good answer is kept: while a queue has no poller (or Temporal is away), each probe asks
    // again, so readiness returns as soon as the workers poll again.
    void value.then(([a, b]) => {
      if ((!a || !b) && this.pollers?.value === value) this.pollers = undefined;
    });
    return value;
  }

  async readiness(): Promise<Readiness> {
    const [temporal, store, [tickets, notifications]] = await Promise.all([
      this.checkTemporal(),
      this.checkStore(),
      this.checkPollers(),
    ]);
    const down = [
      ...(temporal ? [] : (['temporal'] as const)),
      ...(store ? [] : (['store'] as const)),
      ...(tickets === 0 ? (['ticket_worker'] as const) : []),
      ...(notifications === 0 ? (['notifier'] as const) : []),
    ];
    const ready = temporal && store && (tickets ?? 0) > 0 && (notifications ?? 0) > 0;
    return {
      status: ready ? 'ready' : 'not ready',
      temporal,
      store,
      taskQueues: {
        tickets: { name: this.queues.tickets, pollers: tickets },
        notifications: { name: this.queues.notifications, pollers: notifications },
      },
      down,
    };
  }

  /** 503 at once while the store is down; costs nothing while it is up. */
  storeGate(): RequestHandler {
    return async (_req, _res, next) => {
      if (!this.storeWritable && !(await this.checkStore())) throw new DependencyUnavailableError('store');
      next();
    };
  }
}

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Helpdesk API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true });`;

export function opsRoutes(deps: { dependencies: Dependencies; metrics: Metrics; store?: Store }): Router {
  const router = Router();
  let openapi: Record<string, unknown> | undefined;

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const readiness = await deps.dependencies.readiness();
    res.status(readiness.status === 'ready' ? 200 : 503).json(readiness);
  });

  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  router.get('/openapi.json', async (_req, res) => {
    openapi ??= buildOpenApi();
    // With a store: the document describes the custom fields defined now (routes/custom-fields.ts).
    res.json(deps.store ? await withCurrentCustomFields(openapi, deps.store) : openapi);
  });

  router.get('/docs', (_req, res) => {
    res.type('html').send(DOCS_PAGE);
  });
  router.get('/docs/init.js', (_req, res) => {
    res.type('application/javascript').send(DOCS_INIT);
  });
  router.use('/docs/assets', express.static(getAbsoluteFSPath(), { index: false, maxAge: '1h' }));
  return router;
}
