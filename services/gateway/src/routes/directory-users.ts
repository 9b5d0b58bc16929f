// /v1/users: the directory's people. Admins create, change and deactivate them; staff and services
// read them; each user reads their own entry and changes a few of its fields (name, locale, time
// zone, availability). Deactivating an agent never leaves their tickets silently assigned: see
// deactivate() below.
import { Router } from 'express';
import type { Response } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import { AVAILABILITIES, USER_ROLES, zMailAddress } from '@helpdesk/contracts';
import type { Actor, DirectoryUser, TicketState } from '@helpdesk/contracts';
import type { Store, UserPatch } from '@helpdesk/persistence';
import type { Tickets } from '@helpdesk/ticket-client';
import { TicketRefusedError, agentAvailabilityChanged } from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';

const zName = z.string().trim().min(1).max(200);
/** Ids are what tokens carry as `sub` and tickets as assignee: no spaces, storable as a key. */
export const zUserId = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/^[^\s$][^\s]*$/, 'is not a user id (no spaces, not starting with $)');
const zZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'is not an IANA time zone');
const zLocale = z
  .string()
  .min(2)
  .max(35)
  .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/, 'is not a locale (BCP 47, e.g. fr-FR)');

export const ZUserSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string(),
    role: z.enum(USER_ROLES),
    locale: z.string(),
    timeZone: z.string(),
    active: z.boolean(),
    organizationId: z.string().optional(),
    skills: z.array(z.string()),
    capacity: z.number().nullable().optional(),
    availability: z.enum(AVAILABILITIES),
    signature: z.string().optional().describe("Agents: what their replies end with in the requester's mail"),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'User' });
const ZUserListSchema = z.object({ items: z.array(ZUserSchema) }).meta({ id: 'UserList' });

/** What a user may change about themselves. */
const ZSelfPatchSchema = z.strictObject({
  name: zName.optional(),
  locale: zLocale.optional(),
  timeZone: zZone.optional(),
  availability: z.enum(AVAILABILITIES).optional(),
  signature: z
    .string()
    .trim()
    .max(2000)
    .optional()
    .describe("Agents: what their replies end with in the requester's mail (empty: none)"),
});
const ZAdminPatchSchema = ZSelfPatchSchema.extend({
  email: zMailAddress.optional(),
  role: z.enum(USER_ROLES).optional(),
  active: z.literal(true).optional().describe('Reactivate; deactivate with POST /v1/users/{id}/deactivate'),
  organizationId: z.string().min(1).max(200).nullable().optional(),
  skills: z.array(z.string().trim().min(1).max(60)).max(50).optional(),
  capacity: z.number().int().min(0).max(10_000).nullable().optional(),
});
const ZCreateUserSchema = ZAdminPatchSchema.extend({
  id: zUserId.optional().describe('The `sub` of their tokens; generated when left out'),
  name: zName,
  email: zMailAddress,
  role: z.enum(USER_ROLES),
  active: z.boolean().optional(),
});
const ZAvailabilitySchema = z.strictObject({ availability: z.enum(AVAILABILITIES) });
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const ZUserQuerySchema = z.strictObject({
  role: z.enum(USER_ROLES).optional(),
  active: bool.optional(),
  organization: z.string().max(200).optional().describe('Members of this organization (its id)'),
  group: z.string().max(100).optional().describe('Members of this group'),
  limit: z.coerce.number().int().min(1).max(500).default(500),
});

const ZTicketBriefSchema = z.object({ id: z.string(), reference: z.string(), status: z.string() });
export const ZDeactivationSchema = z
  .object({
    user: ZUserSchema,
    returnedToQueue: z
      .array(ZTicketBriefSchema)
      .describe('In-progress tickets released back to their group queue (reason return_to_queue)'),
    stillAssigned: z
      .array(ZTicketBriefSchema)
      .describe('New (assigned, not taken) and waiting tickets: still theirs, for an admin to reassign'),
  })
  .meta({ id: 'Deactivation' });

const USER_EXAMPLE = {
  id: 'carol',
  name: 'Carol',
  email: 'carol@example.com',
  role: 'agent',
  locale: 'fr-FR',
  timeZone: 'Europe/Paris',
  skills: ['network'],
};

document({
  method: 'get',
  path: '/v1/users',
  summary: 'List users (by role, active flag, organization, group), by name',
  tag: 'directory',
  roles: 'admin, agent, service',
  query: ZUserQuerySchema,
  responses: { 200: ZUserListSchema },
  problems: [403],
});
document({
  method: 'post',
  path: '/v1/users',
  summary: 'Create a user (agent, admin or requester); emails are unique',
  tag: 'directory',
  roles: 'admin',
  body: ZCreateUserSchema,
  example: USER_EXAMPLE,
  responses: { 201: ZUserSchema },
  problems: [403],
});
document({
  method: 'get',
  path: '/v1/users/:id',
  summary: 'One user',
  tag: 'directory',
  roles: 'admin, agent, service; anyone their own',
  responses: { 200: ZUserSchema },
  problems: [403, 404],
});
document({
  method: 'patch',
  path: '/v1/users/:id',
  summary: 'Change a user (themselves: name, locale, timeZone, availability only)',
  tag: 'directory',
  roles: 'admin; anyone their own (some fields)',
  body: ZAdminPatchSchema,
  example: { locale: 'de-DE', skills: ['network', 'vpn'] },
  responses: { 200: ZUserSchema },
  problems: [403, 404, 409],
});
document({
  method: 'put',
  path: '/v1/users/:id/availability',
  summary: 'Set availability (online, away, offline): routing offers new tickets to online agents only',
  tag: 'directory',
  roles: 'admin; anyone their own',
  body: ZAvailabilitySchema,
  example: { availability: 'away' },
  responses: { 200: ZUserSchema },
  problems: [403, 404],
});
document({
  method: 'post',
  path: '/v1/users/:id/deactivate',
  summary:
    'Deactivate a user: no longer assignable; their in-progress tickets return to the queue, their new and waiting ones are listed for reassignment',
  tag: 'directory',
  roles: 'admin',
  body: z.strictObject({}),
  example: {},
  responses: { 200: ZDeactivationSchema },
  problems: [403, 404],
});

export const presentUser = (u: DirectoryUser) => ({
  ...u,
  organizationId: u.organizationId || undefined,
  createdAt: new Date(u.createdAt).toISOString(),
  updatedAt: new Date(u.updatedAt).toISOString(),
});

const isAdmin = (a: Actor) => a.role === 'admin';
const readsDirectory = (a: Actor) => a.role === 'admin' || a.role === 'agent' || a.role === 'service';

/** Drop the fields left out (a $set of undefined would clear them), null meaning "clear". */
function userPatch(body: z.infer<typeof ZAdminPatchSchema>): UserPatch {
  const patch: UserPatch = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === undefined) continue;
    (patch as Record<string, unknown>)[key] = value === null && key === 'organizationId' ? undefined : value;
  }
  return patch;
}

async function organizationCheck(store: Store, id: string | null | undefined): Promise<void> {
  if (!id) return;
  if (!(await store.directory.organization(id)))
    throw new ValidationError([{ field: 'body.organizationId', message: `names no organization: ${id}` }]);
}

const OPEN_STATUSES: TicketState['status'][] = ['new', 'in_progress', 'waiting'];
const brief = (t: TicketState) => ({ id: t.id, reference: t.reference, status: t.status });

/**
 * Deactivation's rule for a user's open tickets (never silent): an in-progress ticket is released
 * back to its group's queue through the ordinary `release` command (reason `return_to_queue`, sent
 * as the admin who deactivates, so the timeline says who); a new ticket assigned to them but not
 * taken, and a waiting one, cannot be released and stay assigned; all of them are listed in the
 * answer. The user is deactivated first, so no one can assign them a ticket meanwhile, and their
 * sessions are revoked.
 */
async function deactivate(store: Store, tickets: Tickets, user: DirectoryUser, admin: Actor) {
  const updated = (await store.directory.updateUser(user.id, { active: false })) ?? user;
  // Signed out everywhere: no refresh token of theirs mints another access token.
  await store.credentials.revokeUserSessions(user.id);
  const open: TicketState[] = [];
  for (let cursor: string | undefined; ;) {
    const page = await store.readModel.list(
      { assignee: user.id, status: OPEN_STATUSES },
      { sort: 'created', order: 'asc', limit: 100, ...(cursor ? { cursor } : {}) },
    );
    open.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const returnedToQueue: ReturnType<typeof brief>[] = [];
  const stillAssigned: ReturnType<typeof brief>[] = [];
  for (const ticket of open) {
    if (ticket.status !== 'in_progress') {
      stillAssigned.push(brief(ticket));
      continue;
    }
    try {
      const released = await tickets.command(ticket.id, { type: 'release', reason: 'return_to_queue' }, admin);
      returnedToQueue.push(brief(released));
    } catch (err) {
      // It moved on meanwhile (waiting, resolved): what it is now says whether it is still theirs.
      if (!(err instanceof TicketRefusedError)) throw err;
      const now = await store.getTicket(ticket.id);
      if (now && now.assignee === user.id && OPEN_STATUSES.includes(now.status)) stillAssigned.push(brief(now));
    }
  }
  return { user: presentUser(updated), returnedToQueue, stillAssigned };
}

export function userRoutes(store: Store, tickets: Tickets, client?: Client): Router {
  // Routing: an agent who may now take work wakes their groups' queues. Best effort: the change is
  // stored, and a queue re-checks its waiting tickets every minute anyway.
  const wakeQueues = async (user: DirectoryUser) => {
    if (client && user.availability === 'online')
      await agentAvailabilityChanged(client, store, user.id).catch(() => undefined);
  };
  const router = Router();
  const { directory } = store;

  const found = async (id: string): Promise<DirectoryUser> => {
    const user = await directory.user(id);
    if (!user) throw new NotFoundError(`User ${id}`);
    return user;
  };
  const selfOrAdmin = (res: Response, id: string, what: string): Actor => {
    const actor = actorOf(res);
    if (!isAdmin(actor) && actor.id !== id) throw new ForbiddenError(`Only admins ${what} another user`);
    return actor;
  };

  router.get('/', async (req, res) => {
    if (!readsDirectory(actorOf(res))) throw new ForbiddenError('Only staff and services list users');
    const { limit, organization, ...filter } = parse(ZUserQuerySchema, req.query, 'query');
    const users = await directory.listUsers({ ...filter, organizationId: organization }, limit);
    res.json({ items: users.map(presentUser) });
  });

  router.post('/', async (req, res) => {
    if (!isAdmin(actorOf(res))) throw new ForbiddenError('Only admins create users');
    const body = parse(ZCreateUserSchema, req.body);
    await organizationCheck(store, body.organizationId);
    const { organizationId, capacity, ...rest } = body;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as typeof rest;
    const user = await directory.createUser({
      ...defined,
      ...(capacity !== undefined ? { capacity } : {}),
      ...(organizationId ? { organizationId } : {}),
    });
    res.status(201).location(`/v1/users/${user.id}`).json(presentUser(user));
  });

  router.get('/:id', async (req, res) => {
    const actor = actorOf(res);
    if (!readsDirectory(actor) && actor.id !== req.params.id)
      throw new ForbiddenError('Requesters read only their own entry');
    res.json(presentUser(await found(req.params.id)));
  });

  router.patch('/:id', async (req, res) => {
    const actor = selfOrAdmin(res, req.params.id, 'change');
    if (isAdmin(actor) && (req.body as { active?: unknown } | undefined)?.active === false)
      throw new ValidationError([
        {
          field: 'body.active',
          message: `deactivate with POST /v1/users/${req.params.id}/deactivate (it says what happens to their tickets)`,
        },
      ]);
    const body: z.infer<typeof ZAdminPatchSchema> = isAdmin(actor)
      ? parse(ZAdminPatchSchema, req.body)
      : parse(ZSelfPatchSchema, req.body);
    if (Object.keys(body).length === 0)
      throw new ValidationError([{ field: 'body', message: 'names no field to change' }]);
    await organizationCheck(store, body.organizationId);
    await found(req.params.id);
    const user = await directory.updateUser(req.params.id, userPatch(body));
    if (!user) throw new NotFoundError(`User ${req.params.id}`);
    await wakeQueues(user);
    res.json(presentUser(user));
  });

  router.put('/:id/availability', async (req, res) => {
    selfOrAdmin(res, req.params.id, 'set the availability of');
    const { availability } = parse(ZAvailabilitySchema, req.body);
    const user = await directory.updateUser(req.params.id, { availability });
    if (!user) throw new NotFoundError(`User ${req.params.id}`);
    await wakeQueues(user);
    res.json(presentUser(user));
  });

  router.post('/:id/deactivate', async (req, res) => {
    const actor = actorOf(res);
    if (!isAdmin(actor)) throw new ForbiddenError('Only admins deactivate users');
    parse(z.strictObject({}), req.body);
    res.json(await deactivate(store, tickets, await found(req.params.id), actor));
  });

  return router;
}
