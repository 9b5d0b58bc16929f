// Saved views: named ticket lists (the list's own query parameters) a user keeps for themselves
// or shares with a directory group. The console shows them in its left rail with live counts
// (GET /v1/tickets/count with the same parameters).
import { Router } from 'express';
import { z } from 'zod';
import { zStoreKey } from '@helpdesk/contracts';
import type { Actor } from '@helpdesk/contracts';
import type { SavedView, Store } from '@helpdesk/persistence';
import { actorOf } from '../auth';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';
import { ZListQuerySchema, listOrder } from './ticket-reads';

/**
 * A view's query: the parameters of GET /v1/tickets as strings, exactly as they go in its URL
 * (`status: "new,in_progress"`, `attention: "true"`), checked by the list's own schema, so a saved
 * view never holds a list the API would refuse. No page: no cursor, no limit.
 */
const ZViewQuerySchema = ZListQuerySchema.omit({ cursor: true, limit: true }).meta({
  description:
    'The query parameters of GET /v1/tickets (as strings, the way they appear in its URL), without cursor and limit',
});
/** What is kept of a query that passed ZViewQuerySchema: its parameters as sent (all strings). */
const ZRawQuerySchema = z.record(z.string(), z.string());

const zGroupName = zStoreKey(100).meta({ description: 'A directory group: its members see the view' });
const zViewName = z.string().trim().min(1).max(100);

const ZNewViewSchema = z.strictObject({
  name: zViewName,
  query: ZViewQuerySchema,
  sharedWithGroup: zGroupName.optional(),
});
const ZViewPatchSchema = z.strictObject({
  name: zViewName.optional(),
  query: ZViewQuerySchema.optional(),
  sharedWithGroup: zGroupName.nullable().optional().meta({ description: 'null stops sharing' }),
});

const ZViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    query: ZRawQuerySchema,
    sharedWithGroup: z.string().optional(),
    ownerId: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'SavedView' });
const ZViewListSchema = z.object({ items: z.array(ZViewSchema) }).meta({ id: 'SavedViewList' });

const STAFF = 'agent, admin';
const VIEW_EXAMPLE = { name: 'Urgent in support', query: { status: 'new,in_progress', group: 'support' } };

document({
  method: 'get',
  path: '/v1/views',
  summary: "Saved views: the caller's own, then those shared with a group the caller is a member of",
  tag: 'views',
  roles: STAFF,
  responses: { 200: ZViewListSchema },
  problems: [403],
});
document({
  method: 'post',
  path: '/v1/views',
  summary: 'Save a view (a ticket list query), optionally shared with a directory group',
  tag: 'views',
  roles: STAFF,
  body: ZNewViewSchema,
  example: { ...VIEW_EXAMPLE, sharedWithGroup: 'support' },
  responses: { 201: ZViewSchema },
  problems: [403],
});
document({
  method: 'patch',
  path: '/v1/views/:id',
  summary: 'Rename a view, change its query or its sharing (sharedWithGroup: null stops sharing)',
  tag: 'views',
  roles: `${STAFF} (its owner; admins any view)`,
  body: ZViewPatchSchema,
  example: { name: 'Urgent', sharedWithGroup: null },
  responses: { 200: ZViewSchema },
  problems: [403, 404],
});
document({
  method: 'delete',
  path: '/v1/views/:id',
  summary: 'Delete a view',
  tag: 'views',
  roles: `${STAFF} (its owner; admins any view)`,
  responses: { 204: undefined },
  problems: [403, 404],
});

const present = (v: SavedView) => ({
  id: v.id,
  name: v.name,
  query: v.query,
  ...(v.sharedWithGroup ? { sharedWithGroup: v.sharedWithGroup } : {}),
  ownerId: v.ownerId,
  createdAt: new Date(v.createdAt).toISOString(),
  updatedAt: new Date(v.updatedAt).toISOString(),
});

/** Views are the console's: agents and admins (requesters and services have no left rail). */
function staffOnly(actor: Actor): void {
  if (actor.role !== 'agent' && actor.role !== 'admin')
    throw new ForbiddenError('Saved views are for agents and admins');
}

export function viewRoutes(store: Store): Router {
  const router = Router();

  /** The query as sent, once the list's schema and ordering rules accepted it. */
  const queryOf = (raw: unknown, parsed: z.output<typeof ZViewQuerySchema>): Record<string, string> => {
    try {
      listOrder(parsed);
    } catch (err) {
      // The list names the parameter as `query.*`: here it is a field of the body's query.
      if (err instanceof ValidationError)
        throw new ValidationError((err.extra.errors ?? []).map((e) => ({ ...e, field: `body.${e.field}` })));
      throw err;
    }
    return ZRawQuerySchema.parse(raw);
  };

  const knownGroup = async (name: string | null | undefined) => {
    if (name === null || name === undefined) return;
    if (!(await store.directory.group(name)))
      throw new ValidationError([
        { field: 'body.sharedWithGroup', message: `is not a group of the directory: ${name}` },
      ]);
  };

  /** The view, if this caller may change it: its owner, or an admin. */
  const changeable = async (id: string, actor: Actor): Promise<SavedView> => {
    const view = await store.views.get(id);
    if (!view) throw new NotFoundError(`View ${id}`);
    if (view.ownerId !== actor.id && actor.role !== 'admin')
      throw new ForbiddenError('Only the owner of a view or an admin may change or delete it');
    return view;
  };

  router.get('/', async (_req, res) => {
    const actor = actorOf(res);
    staffOnly(actor);
    const groups = (await store.directory.groupsOf(actor.id)).map((g) => g.name);
    const views = await store.views.visibleTo(actor.id, groups);
    // Mine first, then the shared ones (each oldest first): the order the rail shows them in.
    const mine = views.filter((v) => v.ownerId === actor.id);
    const shared = views.filter((v) => v.ownerId !== actor.id);
    res.json({ items: [...mine, ...shared].map(present) });
  });

  router.post('/', async (req, res) => {
    const actor = actorOf(res);
    staffOnly(actor);
    const body = parse(ZNewViewSchema, req.body);
    const query = queryOf((req.body as { query: unknown }).query, body.query);
    await knownGroup(body.sharedWithGroup);
    const view = await store.views.create({
      name: body.name,
      query,
      ownerId: actor.id,
      ...(body.sharedWithGroup ? { sharedWithGroup: body.sharedWithGroup } : {}),
    });
    res.status(201).location(`/v1/views/${view.id}`).json(present(view));
  });

  router.patch('/:id', async (req, res) => {
    const actor = actorOf(res);
    staffOnly(actor);
    const body = parse(ZViewPatchSchema, req.body);
    await changeable(req.params.id, actor);
    const query = body.query ? queryOf((req.body as { query: unknown }).query, body.query) : undefined;
    await knownGroup(body.sharedWithGroup);
    const view = await store.views.update(req.params.id, {
      name: body.name,
      query,
      sharedWithGroup: body.sharedWithGroup,
    });
    if (!view) throw new NotFoundError(`View ${req.params.id}`);
    res.json(present(view));
  });

  router.delete('/:id', async (req, res) => {
    const actor = actorOf(res);
    staffOnly(actor);
    await changeable(req.params.id, actor);
    await store.views.delete(req.params.id);
    res.status(204).end();
  });

  return router;
}
