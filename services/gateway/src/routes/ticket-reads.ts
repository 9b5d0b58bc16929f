// Reading tickets: one ticket (with its ETag), its timeline, and lists with filters, text search
// and cursor pagination. Requesters read only their own.
import { Router } from 'express';
import { z } from 'zod';
import { TICKET_STATUSES, ZEventListSchema, ZTicketListSchema, ZTicketSchema } from '@helpdesk/contracts';
import type { Actor } from '@helpdesk/contracts';
import type { Store, TicketFilter } from '@helpdesk/persistence';
import { sharedOrganization } from '@helpdesk/ticket-client';
import type { Tickets } from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { ForbiddenError, ValidationError } from '../errors';
import { document } from '../openapi';
import { presentEvents, presentOne, presentTicket } from '../present';
import { parse, readPage, zCursor } from '../validate';
import { customListFilter } from './custom-fields';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const ZListQuerySchema = z.strictObject({
  status: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(TICKET_STATUSES)))
    .optional()
    .meta({ description: `Comma-separated statuses: ${TICKET_STATUSES.join(', ')}` }),
  assignee: z.string().max(200).optional(),
  group: z.string().max(100).optional(),
  requester: z.string().max(200).optional(),
  company: z.string().max(200).optional(),
  tag: z.string().max(60).optional(),
  type: z.string().max(100).optional(),
  severity: z.string().max(100).optional(),
  channel: z.string().max(30).optional(),
  followUpOf: z.string().max(100).optional(),
  attention: bool.optional(),
  breached: bool.optional(),
  deleted: bool.optional(),
  satisfaction: z
    .enum(['good', 'bad', 'none'])
    .optional()
    .meta({ description: "The requester's rating: good, bad, or none (not rated)" }),
  q: z.string().trim().min(1).max(200).optional(),
  dueBefore: z.iso
    .datetime({ offset: true })
    .transform((s) => Date.parse(s))
    .optional()
    .meta({ description: 'Tickets with an SLA target due before this instant (implies sort=due)' }),
  sort: z
    .enum(['created', 'updated', 'due'])
    .optional()
    .meta({ description: 'created (default), updated, or due: by slaDueAt, only tickets with a running SLA target' }),
  order: z.enum(['asc', 'desc']).optional().meta({ description: 'desc by default; asc (soonest first) for sort=due' }),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: zCursor.optional(),
});

document({
  method: 'get',
  path: '/v1/tickets',
  summary:
    'List tickets: filters, ranked text search (reference, title, description, messages; requesters search public text only), cursor pagination',
  tag: 'tickets',
  roles: 'everyone (requesters see their own)',
  query: ZListQuerySchema,
  responses: { 200: ZTicketListSchema },
  problems: [403],
});
document({
  method: 'get',
  path: '/v1/tickets/:id',
  summary: 'One ticket (ETag / If-None-Match)',
  tag: 'tickets',
  roles: 'everyone (requesters: their own)',
  responses: { 200: ZTicketSchema, 304: undefined },
  problems: [403, 404],
});
document({
  method: 'get',
  path: '/v1/tickets/:id/events',
  summary: 'The timeline (requesters do not see private notes and messages)',
  tag: 'tickets',
  roles: 'everyone (requesters: their own)',
  responses: { 200: ZEventListSchema },
  problems: [403, 404],
});

/** The list's filters alone: what a count and a saved view take (no page, no order). */
export const ZListFilterSchema = ZListQuerySchema.omit({ sort: true, order: true, limit: true, cursor: true });
export type ListFilter = z.output<typeof ZListFilterSchema>;
export type ListQuery = z.output<typeof ZListQuerySchema>;

const ZCountSchema = z
  .object({
    count: z.number().int().min(0),
    capped: z.boolean().optional().meta({
      description: 'Present (true) when a search counted its bounded matches: the list shows at most those too',
    }),
  })
  .meta({ id: 'TicketCount' });

/**
 * How a list is ordered, from its query: the defaults and the combinations a list refuses. Checked
 * for lists and saved views alike (a view the list would refuse is refused when saved).
 */
export function listOrder(query: Pick<ListQuery, 'sort' | 'order' | 'q' | 'dueBefore'>): {
  sort: 'created' | 'updated' | 'due';
  order: 'asc' | 'desc';
} {
  const sort = query.sort ?? (query.dueBefore !== undefined ? 'due' : 'created');
  const order = query.order ?? (sort === 'due' ? 'asc' : 'desc');
  if (sort === 'due' && query.q !== undefined)
    throw new ValidationError([
      { field: 'query.q', message: 'a search ranks its matches: it is not listed by due instant' },
    ]);
  if (sort !== 'due' && query.dueBefore !== undefined)
    throw new ValidationError([
      { field: 'query.sort', message: 'dueBefore lists by due instant: use sort=due or none' },
    ]);
  return { sort, order };
}

/**
 * The store filter of a list or count for this principal: the one visibility rule of lists.
 * Requesters get only their own tickets, or their organization's where it shares them, and never
 * deleted ones; asking for someone else's is a 403, not an empty answer.
 */
export async function visibleFilter(store: Store, actor: Actor, query: ListFilter): Promise<TicketFilter> {
  const filter: TicketFilter = { ...query };
  if (actor.role === 'requester') {
    // An organization that shares tickets: its tickets (company = its name), else their own.
    const organization = await sharedOrganization(store, actor);
    if (organization) {
      if (filter.company && filter.company !== organization.name)
        throw new ForbiddenError("Requesters list only their own or their organization's tickets");
      filter.company = organization.name;
    } else {
      if (filter.requester && filter.requester !== actor.id)
        throw new ForbiddenError('Requesters list only their own tickets');
      filter.requester = actor.id;
    }
    if (filter.deleted) throw new ForbiddenError('Requesters cannot list deleted tickets');
  }
  return filter;
}

/** Requesters search only what they may read (no private notes or messages). */
export const searchScope = (actor: Actor): 'public' | 'all' => (actor.role === 'requester' ? 'public' : 'all');

document({
  method: 'get',
  path: '/v1/tickets/count',
  summary:
    'How many tickets the list with these filters holds, through all its pages (the filters of GET /v1/tickets; a search counts its bounded matches)',
  tag: 'tickets',
  roles: 'everyone (requesters count what they may list)',
  query: ZListFilterSchema,
  responses: { 200: ZCountSchema },
  problems: [403],
});

export function ticketReads(tickets: Tickets, store: Store): Router {
  const router = Router();

  router.get('/', async (req, res) => {
    const actor = actorOf(res);
    // `cf.<key>=<value>`: custom field filters, read apart (their names are the admins').
    const { rest, custom } = await customListFilter(store, req.query);
    const parsed = parse(ZListQuerySchema, rest, 'query');
    const { sort, order } = listOrder(parsed);
    const { sort: _sort, order: _order, limit, cursor, ...query } = parsed;
    const filter = { ...(await visibleFilter(store, actor, query)), ...(custom ? { custom } : {}) };
    const page = await readPage(() =>
      store.readModel.list(filter, { sort, order, limit, search: searchScope(actor), ...(cursor ? { cursor } : {}) }),
    );
    res.json({ items: page.items.map((t) => presentTicket(t, actor)), nextCursor: page.nextCursor });
  });

  // Before /:id, which would take "count" for an id.
  router.get('/count', async (req, res) => {
    const actor = actorOf(res);
    const { rest, custom } = await customListFilter(store, req.query);
    const query = parse(ZListFilterSchema, rest, 'query');
    // The list of these filters is ordered by due instant when dueBefore is given: the same refusals.
    listOrder(query);
    const filter = { ...(await visibleFilter(store, actor, query)), ...(custom ? { custom } : {}) };
    const { count, capped } = await store.readModel.count(filter, { search: searchScope(actor) });
    res.json({ count, ...(capped ? { capped } : {}) });
  });

  router.get('/:id', async (req, res) => {
    const actor = actorOf(res);
    const ticket = await tickets.get(req.params.id, actor, { shared: true });
    const etag = `W/"${ticket.id}-${ticket.revision}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (req.get('If-None-Match') === etag) {
      res.status(304).end();
      return;
    }
    res.json(await presentOne(tickets, ticket, actor));
  });

  router.get('/:id/events', async (req, res) => {
    const actor = actorOf(res);
    await tickets.get(req.params.id, actor, { shared: true });
    res.json({ items: presentEvents(await store.listEvents(req.params.id), actor) });
  });

  return router;
}
