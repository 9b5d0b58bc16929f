// /v1/organizations: the companies requesters belong to. A new requester whose address is in one of
// an organization's domains joins it; their tickets then show its name as `company`, and with
// `shareTickets` its requesters see each other's tickets.
import { Router } from 'express';
import { z } from 'zod';
import type { Actor, Organization } from '@helpdesk/contracts';
import type { OrganizationPatch, Store } from '@helpdesk/persistence';
import { actorOf } from '../auth';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';
import { zUserId } from './directory-users';

const zDomain = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(200)
  .regex(/^(?!-)[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'is not a domain name (e.g. example.com)');
const ZOrganizationPatchSchema = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  domains: z.array(zDomain).max(100).optional().describe('Email domains whose new requesters join it'),
  shareTickets: z.boolean().optional().describe("Its requesters see each other's tickets"),
});
const ZCreateOrganizationSchema = ZOrganizationPatchSchema.extend({
  id: zUserId.optional().describe('Generated when left out'),
  name: z.string().trim().min(1).max(200),
});
export const ZOrganizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    domains: z.array(z.string()),
    shareTickets: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Organization' });
const ZOrganizationListSchema = z.object({ items: z.array(ZOrganizationSchema) }).meta({ id: 'OrganizationList' });

document({
  method: 'get',
  path: '/v1/organizations',
  summary: 'List organizations',
  tag: 'directory',
  roles: 'admin, agent, service',
  responses: { 200: ZOrganizationListSchema },
  problems: [403],
});
document({
  method: 'post',
  path: '/v1/organizations',
  summary: 'Create an organization (unique name; a domain belongs to one organization)',
  tag: 'directory',
  roles: 'admin',
  body: ZCreateOrganizationSchema,
  example: { name: 'Acme', domains: ['acme.example'], shareTickets: true },
  responses: { 201: ZOrganizationSchema },
  problems: [403],
});
document({
  method: 'get',
  path: '/v1/organizations/:id',
  summary: 'One organization',
  tag: 'directory',
  roles: 'admin, agent, service',
  responses: { 200: ZOrganizationSchema },
  problems: [403, 404],
});
document({
  method: 'patch',
  path: '/v1/organizations/:id',
  summary: 'Change an organization',
  tag: 'directory',
  roles: 'admin',
  body: ZOrganizationPatchSchema,
  example: { shareTickets: false },
  responses: { 200: ZOrganizationSchema },
  problems: [403, 404, 409],
});
document({
  method: 'delete',
  path: '/v1/organizations/:id',
  summary: 'Delete an organization (its requesters stay, without one)',
  tag: 'directory',
  roles: 'admin',
  responses: { 204: undefined },
  problems: [403, 404],
});

const presentOrganization = (o: Organization) => ({
  ...o,
  createdAt: new Date(o.createdAt).toISOString(),
  updatedAt: new Date(o.updatedAt).toISOString(),
});

const readsDirectory = (a: Actor) => a.role === 'admin' || a.role === 'agent' || a.role === 'service';

/** Names are shown as tickets' company and domains place requesters: each belongs to one organization. */
async function claimed(
  store: Store,
  body: { name?: string | undefined; domains?: string[] | undefined },
  self?: string,
) {
  const byName = body.name ? await store.directory.organizationByName(body.name) : undefined;
  if (byName && byName.id !== self)
    throw new AppError(409, 'conflict', `An organization named ${body.name} exists already (${byName.id})`);
  const owners = (await store.directory.organizationsWithDomains(body.domains ?? [])).filter((o) => o.id !== self);
  if (owners.length > 0) {
    const taken = (body.domains ?? []).filter((d) => owners.some((o) => o.domains.includes(d)));
    throw new AppError(
      409,
      'conflict',
      `Domain(s) ${taken.join(', ')} belong to ${owners.map((o) => o.name).join(', ')}`,
      {
        errors: taken.map((d) => ({ field: 'body.domains', message: `${d} belongs to another organization` })),
      },
    );
  }
}

export function organizationRoutes(store: Store): Router {
  const router = Router();
  const { directory } = store;
  const adminOnly = (actor: Actor, what: string) => {
    if (actor.role !== 'admin') throw new ForbiddenError(`Only admins ${what} organizations`);
  };
  const found = async (id: string) => {
    const organization = await directory.organization(id);
    if (!organization) throw new NotFoundError(`Organization ${id}`);
    return organization;
  };

  router.get('/', async (_req, res) => {
    if (!readsDirectory(actorOf(res))) throw new ForbiddenError('Only staff and services read organizations');
    res.json({ items: (await directory.listOrganizations()).map(presentOrganization) });
  });

  router.get('/:id', async (req, res) => {
    if (!readsDirectory(actorOf(res))) throw new ForbiddenError('Only staff and services read organizations');
    res.json(presentOrganization(await found(req.params.id)));
  });

  router.post('/', async (req, res) => {
    adminOnly(actorOf(res), 'create');
    const body = parse(ZCreateOrganizationSchema, req.body);
    await claimed(store, body);
    const organization = await directory.createOrganization({
      name: body.name,
      ...(body.id ? { id: body.id } : {}),
      ...(body.domains ? { domains: [...new Set(body.domains)] } : {}),
      ...(body.shareTickets !== undefined ? { shareTickets: body.shareTickets } : {}),
    });
    res.status(201).location(`/v1/organizations/${organization.id}`).json(presentOrganization(organization));
  });

  router.patch('/:id', async (req, res) => {
    adminOnly(actorOf(res), 'change');
    const body = parse(ZOrganizationPatchSchema, req.body);
    if (Object.keys(body).length === 0)
      throw new ValidationError([{ field: 'body', message: 'names no field to change' }]);
    await found(req.params.id);
    await claimed(store, body, req.params.id);
    const patch: OrganizationPatch = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.domains !== undefined ? { domains: [...new Set(body.domains)] } : {}),
      ...(body.shareTickets !== undefined ? { shareTickets: body.shareTickets } : {}),
    };
    const organization = await directory.updateOrganization(req.params.id, patch);
    if (!organization) throw new NotFoundError(`Organization ${req.params.id}`);
    res.json(presentOrganization(organization));
  });

  router.delete('/:id', async (req, res) => {
    adminOnly(actorOf(res), 'delete');
    await found(req.params.id);
    // Its members stay in the directory, without an organization.
    for (const user of await directory.listUsers({ organizationId: req.params.id }, 10_000))
      await directory.updateUser(user.id, { organizationId: undefined });
    await directory.deleteOrganization(req.params.id);
    res.status(204).end();
  });

  return router;
}
