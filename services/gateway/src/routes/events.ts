// The event feed: every ticket's timeline events, across all tickets, in one resumable order
// (packages/persistence/src/feed.ts). A consumer keeps the `next` cursor of the last page it
// processed; after a crash it reads on from there and neither misses nor repeats an event.
import { Router } from 'express';
import { z } from 'zod';
import { ZTicketEventSchema } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { feedItemJson, formatFeedCursor, parseFeedCursor } from '@helpdesk/persistence';
import { actorOf } from '../auth';
import { ForbiddenError, ValidationError } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';

const ZFeedQuerySchema = z.strictObject({
  after: z
    .string()
    .max(32)
    .optional()
    .describe('The `next` cursor of the previous page, as it was handed out; unset: from the start of the feed'),
  limit: z.coerce.number().int().min(1).max(500).default(100).describe('Events per page at most'),
});

export const ZFeedEventSchema = ZTicketEventSchema.extend({
  id: z
    .string()
    .describe('`<ticketId>:<seq>`: the same event always has the same id (X-Helpdesk-Event-Id of webhooks)'),
  cursor: z.string().describe('The feed position of this event: reading after it resumes right behind it'),
}).meta({ id: 'FeedEvent' });
const ZFeedPageSchema = z
  .object({
    items: z.array(ZFeedEventSchema),
    next: z.string().describe('Read on with ?after=<next> (the same as `after` when nothing new is committed yet)'),
  })
  .meta({ id: 'FeedPage' });

document({
  method: 'get',
  path: '/v1/events',
  summary:
    'The event feed: timeline events of all tickets in commit order, resumable from a cursor (no gap, no repeat). ' +
    'Only the contiguous committed prefix is served: a position still being written holds the page back (at most ~30 s). ' +
    'Events recorded before the feed existed are not in it.',
  tag: 'webhooks',
  roles: 'admin, service',
  query: ZFeedQuerySchema,
  responses: { 200: ZFeedPageSchema },
  problems: [403],
});

export function eventRoutes(store: Store): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const actor = actorOf(res);
    if (actor.role !== 'admin' && actor.role !== 'service')
      throw new ForbiddenError('The event feed is for admins and services');
    const query = parse(ZFeedQuerySchema, req.query, 'query');
    const after = query.after === undefined ? 0 : parseFeedCursor(query.after);
    // Past the last position ever drawn: not a cursor this feed handed out (another deployment's?).
    if (after === undefined || after > (await store.feed.head()))
      throw new ValidationError([{ field: 'query.after', message: 'is not a cursor this API handed out' }]);
    const page = await store.feed.read(after, query.limit);
    res.json({ items: page.items.map(feedItemJson), next: formatFeedCursor(page.next) });
  });
  return router;
}
