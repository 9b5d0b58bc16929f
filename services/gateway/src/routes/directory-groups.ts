// /v1/groups: the directory's groups, the one home of a ticket's group. The ticket rules read the
// groups (and their calendars) from the settings, so every change here is mirrored into
// `settings.groups` and `settings.groupCalendars` through changeSettings (settings-changes.ts, the
// one store-and-broadcast), and a settings change naming groups is written here first: the two
// never disagree.
import { Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { ROUTING_RULES, zMailAddress, zStoreKey } from '@helpdesk/contracts';
import type { Actor, DirectoryGroup } from '@helpdesk/contracts';
import type { GroupPatch, Store } from '@helpdesk/persistence';
import { queueWaitingTickets, routesAutomatically, wakeGroupQueue } from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { FieldProblem } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';
import { calendarProblems, importSettingsGroups, syncGroupSettings } from '../settings-changes';
import { zUserId } from './directory-users';

const ZRoutingSchema = z.strictObject({
  rule: z.enum(ROUTING_RULES),
  offerTimeoutMinutes: z
    .number()
    .positive()
    .max(24 * 60),
  skillsByType: z.record(zStoreKey(100), z.array(z.string().min(1).max(60)).max(50)).optional(),
});
const ZGroupPatchSchema = z.strictObject({
  email: zMailAddress
    .nullable()
    .optional()
    .describe("The group's mailbox; without one, mail goes to its active members"),
  members: z.array(zUserId).max(1_000).optional().describe('Ids of active agents or admins'),
  calendar: z.string().min(1).max(100).nullable().optional().describe('A business calendar of the settings'),
  routing: ZRoutingSchema.optional(),
});
const ZCreateGroupSchema = ZGroupPatchSchema.extend({
  // Settings map keys (groupCalendars) must be keys the store can hold.
  name: zStoreKey(100).describe('As tickets carry it'),
});
export const ZGroupSchema = z
  .object({
    name: z.string(),
    email: z.string().optional(),
    members: z.array(z.string()),
    calendar: z.string().optional(),
    routing: z.object({
      rule: z.enum(ROUTING_RULES),
      offerTimeoutMinutes: z.number(),
      skillsByType: z.record(z.string(), z.array(z.string())).optional(),
    }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Group' });
const ZGroupListSchema = z.object({ items: z.array(ZGroupSchema) }).meta({ id: 'GroupList' });

document({
  method: 'get',
  path: '/v1/groups',
  summary: 'List groups',
  tag: 'directory',
  roles: 'admin, agent, service',
  responses: { 200: ZGroupListSchema },
  problems: [403],
});
document({
  method: 'post',
  path: '/v1/groups',
  summary: 'Create a group (added to settings.groups, its calendar to settings.groupCalendars)',
  tag: 'directory',
  roles: 'admin',
  body: ZCreateGroupSchema,
  example: { name: 'network', email: 'network@example.com', members: ['alice', 'bob'], calendar: 'paris' },
  responses: { 201: ZGroupSchema },
  problems: [403],
});
document({
  method: 'get',
  path: '/v1/groups/:name',
  summary: 'One group',
  tag: 'directory',
  roles: 'admin, agent, service',
  responses: { 200: ZGroupSchema },
  problems: [403, 404],
});
document({
  method: 'patch',
  path: '/v1/groups/:name',
  summary: 'Change a group (members, email, calendar, routing)',
  tag: 'directory',
  roles: 'admin',
  body: ZGroupPatchSchema,
  example: { members: ['alice', 'bob', 'carol'] },
  responses: { 200: ZGroupSchema },
  problems: [403, 404],
});
document({
  method: 'delete',
  path: '/v1/groups/:name',
  summary: 'Delete a group that no open ticket is in (removed from settings.groups)',
  tag: 'directory',
  roles: 'admin',
  responses: { 204: undefined },
  problems: [403, 404, 409],
});

const presentGroup = (g: DirectoryGroup) => ({
  ...g,
  email: g.email || undefined,
  calendar: g.calendar || undefined,
  createdAt: new Date(g.createdAt).toISOString(),
  updatedAt: new Date(g.updatedAt).toISOString(),
});

/**
 * New members must be active agents or admins: every other id is named. Members already in the
 * group stay as they are (a deactivated one keeps their place for a reactivation; mail skips them).
 */
async function memberProblems(
  store: Store,
  members: string[] | undefined,
  current: string[] = [],
): Promise<FieldProblem[]> {
  if (!members || members.length === 0) return [];
  const users = new Map((await store.directory.listUsers({ ids: members })).map((u) => [u.id, u]));
  return members.flatMap((id, i) => {
    if (current.includes(id)) return [];
    const u = users.get(id);
    const why = !u
      ? `names no user of the directory: ${id}`
      : !u.active
        ? `names a deactivated user: ${id}`
        : u.role === 'requester'
          ? `names a requester, who cannot be a member: ${id}`
          : undefined;
    return why ? [{ field: `body.members.${i}`, message: why }] : [];
  });
}

const groupPatch = (body: z.infer<typeof ZGroupPatchSchema>): GroupPatch => {
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined) patch[k] = v === null ? undefined : v;
  return patch as GroupPatch;
};

const isAdmin = (a: Actor) => a.role === 'admin';
const readsDirectory = (a: Actor) => a.role === 'admin' || a.role === 'agent' || a.role === 'service';

export function groupRoutes(store: Store, client: Client, taskQueue: string): Router {
  const router = Router();
  const { directory } = store;
  const sync = () => syncGroupSettings(store, client, taskQueue);
  const adminOnly = (actor: Actor, what: string) => {
    if (!isAdmin(actor)) throw new ForbiddenError(`Only admins ${what} groups`);
  };

  router.get('/', async (_req, res) => {
    if (!readsDirectory(actorOf(res))) throw new ForbiddenError('Only staff and services read groups');
    await importSettingsGroups(store);
    res.json({ items: (await directory.listGroups()).map(presentGroup) });
  });

  router.get('/:name', async (req, res) => {
    if (!readsDirectory(actorOf(res))) throw new ForbiddenError('Only staff and services read groups');
    await importSettingsGroups(store);
    const group = await directory.group(req.params.name);
    if (!group) throw new NotFoundError(`Group ${req.params.name}`);
    res.json(presentGroup(group));
  });

  router.post('/', async (req, res) => {
    adminOnly(actorOf(res), 'create');
    const body = parse(ZCreateGroupSchema, req.body);
    const problems = [
      ...(await memberProblems(store, body.members)),
      ...calendarProblems(await store.getSettings(), body.calendar),
    ];
    if (problems.length > 0) throw new ValidationError(problems);
    await importSettingsGroups(store);
    const { name, ...rest } = body;
    const group = await directory.createGroup({ name, ...groupPatch(rest) });
    await sync();
    res
      .status(201)
      .location(`/v1/groups/${encodeURIComponent(group.name)}`)
      .json(presentGroup(group));
  });

  router.patch('/:name', async (req, res) => {
    adminOnly(actorOf(res), 'change');
    const body = parse(ZGroupPatchSchema, req.body);
    if (Object.keys(body).length === 0)
      throw new ValidationError([{ field: 'body', message: 'names no field to change' }]);
    // The settings' groups (such as the default `support`) are directory groups from the first look.
    await importSettingsGroups(store);
    const current = await directory.group(req.params.name);
    if (!current) throw new NotFoundError(`Group ${req.params.name}`);
    const problems = [
      ...(await memberProblems(store, body.members, current.members)),
      ...calendarProblems(await store.getSettings(), body.calendar),
    ];
    if (problems.length > 0) throw new ValidationError(problems);
    const group = await directory.updateGroup(req.params.name, groupPatch(body));
    if (!group) throw new NotFoundError(`Group ${req.params.name}`);
    // A group that starts routing hands its queue the tickets already waiting in it.
    if (routesAutomatically(group.routing.rule) && !routesAutomatically(current.routing.rule))
      await queueWaitingTickets(client, store, taskQueue, group.name);
    if (body.calendar !== undefined) await sync();
    // Routing: new members or a new rule may place tickets waiting in the queue (best effort, see userRoutes).
    if (body.members !== undefined || body.routing !== undefined)
      await wakeGroupQueue(client, group.name).catch(() => undefined);
    res.json(presentGroup(group));
  });

  router.delete('/:name', async (req, res) => {
    adminOnly(actorOf(res), 'delete');
    const name = req.params.name;
    if (!(await directory.group(name))) throw new NotFoundError(`Group ${name}`);
    // Its open tickets would name a group no rule knows: they move first (reclassify).
    const open = await store.readModel.list(
      { group: name, status: ['draft', 'new', 'in_progress', 'waiting', 'resolved'] },
      { sort: 'created', order: 'desc', limit: 5 },
    );
    if (open.items.length > 0)
      throw new AppError(
        409,
        'group_in_use',
        `Group ${name} still has open tickets (${open.items.map((t) => t.reference).join(', ')}${open.nextCursor ? ', …' : ''}): reclassify them first`,
      );
    const settings = await store.getSettings();
    if (settings.collectorDefaultGroup === name)
      throw new AppError(409, 'group_in_use', `Group ${name} is the settings' collectorDefaultGroup: change it first`);
    await importSettingsGroups(store);
    await directory.deleteGroup(name);
    await sync();
    res.status(204).end();
  });

  return router;
}
