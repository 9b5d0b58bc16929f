// Operations: liveness, readiness, Prometheus metrics, the OpenAPI document and its docs page.
import express, { Router } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';
import type { Client } from '@temporalio/client';
import type { Store } from '@helpdesk/persistence';
import type { Metrics } from '../middleware/metrics';
import { z } from 'zod';
import { buildOpenApi, document } from '../openapi';

const ZHealthSchema = z.object({ status: z.string() }).meta({ id: 'Health' });
const ZReadySchema = z.object({ status: z.string(), temporal: z.boolean(), store: z.boolean() }).meta({ id: 'Readiness' });
document({ method: 'get', path: '/healthz', summary: 'Alive', tag: 'operations', roles: 'anyone', responses: { 200: ZHealthSchema } });
document({ method: 'get', path: '/readyz', summary: 'Temporal and the store reachable (503 if not)', tag: 'operations', roles: 'anyone', responses: { 200: ZReadySchema, 503: ZReadySchema } });

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

export function opsRoutes(deps: { client: Client; store: Store; metrics: Metrics }): Router {
  const router = Router();
  let openapi: Record<string, unknown> | undefined;

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const [temporal, store] = await Promise.all([
      deps.client.workflowService
        .getSystemInfo({})
        .then(() => true)
        .catch(() => false),
      deps.store.ping(),
    ]);
    res.status(temporal && store ? 200 : 503).json({ status: temporal && store ? 'ready' : 'not ready', temporal, store });
  });

  router.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

  router.get('/openapi.json', (_req, res) => {
    openapi ??= buildOpenApi();
    res.json(openapi);
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
