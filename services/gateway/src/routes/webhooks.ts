// Webhook subscriptions (admins): a target URL, a secret, the event types wanted. Each subscription
// has its dispatcher workflow (`webhook-<id>`, services/worker/src/workflows/webhook-dispatch.ts):
// creating or changing a subscription starts it or tells it (signal-with-start, so idempotent),
// deleting one ends it.
import { Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import {
  TICKET_EVENT_TYPES,
  WEBHOOK_WORKFLOW_TYPE,
  webhookChangedSignal,
  webhookWorkflowId,
} from '@helpdesk/contracts';
import type { WebhookDispatchInput } from '@helpdesk/contracts';
import type { Store, WebhookDelivery, WebhookSubscription } from '@helpdesk/persistence';
import { DELIVERY_LOG_SIZE } from '@helpdesk/persistence';
import { actorOf } from '../auth';
import { ForbiddenError, NotFoundError } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';

const zTargetUrl = z
  .url({ protocol: /^https?$/, hostname: z.regexes.hostname })
  .max(2_000)
  .describe('Where deliveries are POSTed (http or https)');
const zSecret = z
  .string()
  .min(16)
  .max(200)
  // The length is in the pattern too: a generator from the OpenAPI document (the fuzzer) then
  // makes secrets of a valid length instead of filtering for them.
  .regex(/^[\x21-\x7e]{16,200}$/, 'must be 16 to 200 printable ASCII characters without spaces')
  .describe(
    'The HMAC key of X-Helpdesk-Signature; write-only (never shown again). Unset on create: one is generated and shown once',
  );
const zEventTypes = z
  .array(z.enum(TICKET_EVENT_TYPES))
  .min(1)
  .max(TICKET_EVENT_TYPES.length)
  .describe('The ticket event types delivered; unset: all');
const ZDisablePolicySchema = z
  .strictObject({
    failures: z.number().int().min(1).max(100_000).describe('Failed attempts in a row, at least'),
    seconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 3600)
      .describe('…spanning at least this long since the first of them'),
  })
  .describe('Disabled (and the admins mailed) once failures in a row reach both bounds; default 20 over 24 hours');

const ZNewWebhookSchema = z.strictObject({
  url: zTargetUrl,
  secret: zSecret.optional(),
  eventTypes: zEventTypes.optional(),
  active: z.boolean().optional().describe('Default true'),
  disableAfter: ZDisablePolicySchema.optional(),
});
const ZWebhookPatchSchema = z.strictObject({
  url: zTargetUrl.optional(),
  secret: zSecret.optional(),
  eventTypes: zEventTypes.nullable().optional().describe('null: all event types'),
  active: z
    .boolean()
    .optional()
    .describe('true re-enables a subscription disabled after failures: it delivers what it missed, in order'),
  disableAfter: ZDisablePolicySchema.optional(),
});

const ZWebhookSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    eventTypes: z.array(z.string()).nullable().describe('null: all event types'),
    active: z.boolean(),
    disabled: z
      .object({ at: z.iso.datetime(), reason: z.string() })
      .optional()
      .describe('Set when repeated failure disabled it'),
    disableAfter: z.object({ failures: z.number().int(), seconds: z.number().int() }),
    failureStreak: z.number().int().describe('Failed attempts since the last success'),
    failingSince: z.iso.datetime().optional(),
    lastSuccessAt: z.iso.datetime().optional(),
    createdBy: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'WebhookSubscription' });
const ZCreatedWebhookSchema = ZWebhookSchema.extend({
  secret: z.string().describe('Shown this once: keep it to verify signatures'),
}).meta({ id: 'CreatedWebhookSubscription' });
const ZWebhookListSchema = z.object({ items: z.array(ZWebhookSchema) }).meta({ id: 'WebhookSubscriptionList' });
const ZDeliverySchema = z
  .object({
    attempt: z.number().int(),
    eventId: z.string(),
    eventType: z.string(),
    at: z.iso.datetime(),
    durationMs: z.number(),
    ok: z.boolean(),
    status: z.number().int().optional().describe("The receiver's HTTP status, when it answered"),
    responseBody: z.string().optional().describe('The start of its answer'),
    error: z.string().optional(),
  })
  .meta({ id: 'WebhookDelivery' });
const ZDeliveryListSchema = z.object({ items: z.array(ZDeliverySchema) }).meta({ id: 'WebhookDeliveryList' });
const ZDeliveryQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(DELIVERY_LOG_SIZE).default(50).describe('Newest attempts first'),
});

const ADMIN = 'admin';
document({
  method: 'get',
  path: '/v1/webhooks',
  summary: 'List webhook subscriptions',
  tag: 'webhooks',
  roles: ADMIN,
  responses: { 200: ZWebhookListSchema },
  problems: [403],
});
document({
  method: 'post',
  path: '/v1/webhooks',
  summary:
    'Subscribe a URL to ticket events (from now on). The answer shows the secret, once. Every delivery is a POST of one event (the FeedEvent shape) ' +
    'with X-Helpdesk-Event-Id and X-Helpdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed by the secret>',
  tag: 'webhooks',
  roles: ADMIN,
  body: ZNewWebhookSchema,
  example: { url: 'https://example.com/helpdesk-hook', eventTypes: ['created', 'resolved'] },
  responses: { 201: ZCreatedWebhookSchema },
  problems: [403],
});
document({
  method: 'get',
  path: '/v1/webhooks/:id',
  summary: 'One webhook subscription (never its secret)',
  tag: 'webhooks',
  roles: ADMIN,
  responses: { 200: ZWebhookSchema },
  problems: [403, 404],
});
document({
  method: 'patch',
  path: '/v1/webhooks/:id',
  summary: 'Change a subscription: target, secret, event types, disable policy; active: true re-enables it',
  tag: 'webhooks',
  roles: ADMIN,
  body: ZWebhookPatchSchema,
  example: { active: true },
  responses: { 200: ZWebhookSchema },
  problems: [403, 404],
});
document({
  method: 'delete',
  path: '/v1/webhooks/:id',
  summary: 'Delete a subscription (its dispatcher stops, its delivery log goes)',
  tag: 'webhooks',
  roles: ADMIN,
  responses: { 204: undefined },
  problems: [403, 404],
});
document({
  method: 'get',
  path: '/v1/webhooks/:id/deliveries',
  summary: 'The last delivery attempts of a subscription (newest first): status, start of the answer, duration, error',
  tag: 'webhooks',
  roles: ADMIN,
  query: ZDeliveryQuerySchema,
  responses: { 200: ZDeliveryListSchema },
  problems: [403, 404],
});

const iso = (ms: number) => new Date(ms).toISOString();
const present = (w: WebhookSubscription) => ({
  id: w.id,
  url: w.url,
  eventTypes: w.eventTypes ?? null,
  active: w.active,
  ...(w.disabled ? { disabled: { at: iso(w.disabled.at), reason: w.disabled.reason } } : {}),
  disableAfter: w.disableAfter,
  failureStreak: w.failureStreak,
  ...(w.failingSince !== undefined ? { failingSince: iso(w.failingSince) } : {}),
  ...(w.lastSuccessAt !== undefined ? { lastSuccessAt: iso(w.lastSuccessAt) } : {}),
  createdBy: w.createdBy,
  createdAt: iso(w.createdAt),
  updatedAt: iso(w.updatedAt),
});
const presentDelivery = ({ subscriptionId: _s, feedSeq: _f, at, ...d }: WebhookDelivery) => ({ ...d, at: iso(at) });

export function webhookRoutes(store: Store, client: Client, taskQueue: string): Router {
  const router = Router();

  const adminOnly = (res: Parameters<typeof actorOf>[0]) => {
    const actor = actorOf(res);
    if (actor.role !== 'admin') throw new ForbiddenError('Only admins manage webhooks');
    return actor;
  };
  const existing = async (id: string): Promise<WebhookSubscription> => {
    const w = await store.webhooks.get(id);
    if (!w) throw new NotFoundError(`Webhook subscription ${id}`);
    return w;
  };
  /** Start the dispatcher, or tell the running one to re-read its subscription: the same call either way. */
  const dispatch = async (subscriptionId: string) => {
    const input: WebhookDispatchInput = { subscriptionId };
    await client.workflow.signalWithStart(WEBHOOK_WORKFLOW_TYPE, {
      workflowId: webhookWorkflowId(subscriptionId),
      taskQueue,
      args: [input],
      signal: webhookChangedSignal,
    });
  };

  router.get('/', async (_req, res) => {
    adminOnly(res);
    res.json({ items: (await store.webhooks.list()).map(present) });
  });

  router.post('/', async (req, res) => {
    const actor = adminOnly(res);
    const body = parse(ZNewWebhookSchema, req.body);
    // It gets the events committed from now on.
    const startAfter = await store.feed.head();
    const { subscription, secret } = await store.webhooks.create({
      url: body.url,
      secret: body.secret,
      eventTypes: body.eventTypes,
      active: body.active,
      disableAfter: body.disableAfter,
      createdBy: actor.id,
      startAfter,
    });
    try {
      await dispatch(subscription.id);
    } catch (err) {
      // Nothing half-done: without its dispatcher the subscription would deliver nothing.
      await store.webhooks.delete(subscription.id).catch(() => undefined);
      throw err;
    }
    res
      .status(201)
      .location(`/v1/webhooks/${subscription.id}`)
      .json({ ...present(subscription), secret });
  });

  router.get('/:id', async (req, res) => {
    adminOnly(res);
    res.json(present(await existing(req.params.id)));
  });

  router.patch('/:id', async (req, res) => {
    adminOnly(res);
    const body = parse(ZWebhookPatchSchema, req.body);
    await existing(req.params.id);
    const updated = await store.webhooks.update(req.params.id, body);
    if (!updated) throw new NotFoundError(`Webhook subscription ${req.params.id}`);
    await dispatch(updated.id);
    res.json(present(updated));
  });

  router.delete('/:id', async (req, res) => {
    adminOnly(res);
    await existing(req.params.id);
    await store.webhooks.delete(req.params.id);
    // Stopped at once when Temporal answers; else (ended already, or Temporal down) the dispatcher
    // finds the subscription gone at its next look (within seconds) and ends by itself.
    await client.workflow
      .getHandle(webhookWorkflowId(req.params.id))
      .terminate('subscription deleted')
      .catch(() => undefined);
    res.status(204).end();
  });

  router.get('/:id/deliveries', async (req, res) => {
    adminOnly(res);
    const query = parse(ZDeliveryQuerySchema, req.query, 'query');
    await existing(req.params.id);
    res.json({ items: (await store.webhooks.deliveriesOf(req.params.id, query.limit)).map(presentDelivery) });
  });

  return router;
}
