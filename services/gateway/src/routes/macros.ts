// Macros: an agent's saved actions and reply (personal, or shared with every agent by an admin).
// Applying one is one call and one ticket command: the reply's placeholders are filled from the
// ticket here, the actions and the reply are then decided together by the ticket's rules.
import { Router } from 'express';
import { z } from 'zod';
import { MACRO_FORBIDDEN_ACTIONS, ZEmptyRequestSchema, ZMacroInputSchema, ZTicketSchema } from '@helpdesk/contracts';
import type { Actor } from '@helpdesk/contracts';
import type { Macro, Store } from '@helpdesk/persistence';
import { actionsRefusal, fillPlaceholders, isStaff } from '@helpdesk/ticket-client';
import type { Tickets } from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { document } from '../openapi';
import { presentOne } from '../present';
import { parse } from '../validate';
import { rolesOf } from './ticket-commands';

const ZMacroSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    ownerId: z.string(),
    shared: z.boolean(),
    actions: z.array(z.record(z.string(), z.unknown())),
    reply: z.object({ body: z.string(), visibility: z.enum(['public', 'private_note']) }).optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Macro' });
const ZMacroListSchema = z.object({ items: z.array(ZMacroSchema) }).meta({ id: 'MacroList' });

const STAFF = 'agent, admin';
const EXAMPLE = {
  name: 'Ask for the printer model',
  reply: { body: 'Hello {{requester.name}}, which printer model is it? ({{ticket.reference}})', visibility: 'public' },
  actions: [{ type: 'add_tags', tags: ['printer'] }],
};

document({
  method: 'get',
  path: '/v1/macros',
  summary: 'The macros the caller may apply: their own and the shared ones, by name',
  tag: 'automation',
  roles: STAFF,
  responses: { 200: ZMacroListSchema },
  problems: [403],
});
document({
  method: 'post',
  path: '/v1/macros',
  summary: 'Save a macro: actions and/or a reply with placeholders ({{requester.name}}, {{ticket.reference}}…)',
  tag: 'automation',
  roles: `${STAFF} (shared: admins)`,
  body: ZMacroInputSchema,
  example: EXAMPLE,
  responses: { 201: ZMacroSchema },
  problems: [403],
});
document({
  method: 'put',
  path: '/v1/macros/:id',
  summary: 'Replace a macro',
  tag: 'automation',
  roles: `${STAFF} (its owner; admins any macro)`,
  body: ZMacroInputSchema,
  example: EXAMPLE,
  responses: { 200: ZMacroSchema },
  problems: [403, 404],
});
document({
  method: 'delete',
  path: '/v1/macros/:id',
  summary: 'Delete a macro',
  tag: 'automation',
  roles: `${STAFF} (its owner; admins any macro)`,
  responses: { 204: undefined },
  problems: [403, 404],
});
document({
  method: 'post',
  path: '/v1/tickets/:id/macros/:macroId',
  summary: 'Apply a macro to a ticket: its reply and actions as one command',
  tag: 'commands',
  roles: rolesOf('apply_macro'),
  body: ZEmptyRequestSchema,
  example: {},
  responses: { 200: ZTicketSchema },
  problems: [403, 404, 409, 422],
});

const present = (m: Macro) => ({
  id: m.id,
  name: m.name,
  ownerId: m.ownerId,
  shared: m.shared,
  actions: m.actions,
  ...(m.reply ? { reply: m.reply } : {}),
  createdAt: new Date(m.createdAt).toISOString(),
  updatedAt: new Date(m.updatedAt).toISOString(),
});

function staffOnly(actor: Actor): void {
  if (!isStaff(actor)) throw new ForbiddenError('Macros are for agents and admins');
}

export function macroRoutes(store: Store, tickets: Tickets): Router {
  const router = Router();

  /** A macro's body, checked: no rule-only action, groups and agents the directory has. */
  const checked = async (body: unknown, actor: Actor) => {
    const macro = parse(ZMacroInputSchema, body);
    if (macro.shared && actor.role !== 'admin') throw new ForbiddenError('Only admins share macros');
    const problems = macro.actions.flatMap((a, i) =>
      MACRO_FORBIDDEN_ACTIONS.includes(a.type)
        ? [{ field: `body.actions.${i}.type`, message: `${a.type} is for triggers and time rules, not macros` }]
        : [],
    );
    if (problems.length > 0) throw new ValidationError(problems);
    const refusal = await actionsRefusal(store, await store.getSettings(), macro.actions, 'body.actions');
    if (refusal) throw refusal;
    return macro;
  };

  /** The macro, if this caller may apply it (theirs, or shared). */
  const usable = async (id: string, actor: Actor): Promise<Macro> => {
    const macro = await store.macros.get(id);
    if (!macro || (!macro.shared && macro.ownerId !== actor.id)) throw new NotFoundError(`Macro ${id}`);
    return macro;
  };
  /** The macro, if this caller may change it: its owner, or an admin. */
  const changeable = async (id: string, actor: Actor): Promise<Macro> => {
    const macro = await store.macros.get(id);
    if (!macro) throw new NotFoundError(`Macro ${id}`);
    if (macro.ownerId !== actor.id && actor.role !== 'admin')
      throw new ForbiddenError('Only the owner of a macro or an admin may change or delete it');
    return macro;
  };

  router.get('/macros', async (_req, res) => {
    const actor = actorOf(res);
    staffOnly(actor);
    res.json({ items: (await store.macros.visibleTo(actor.id)).map(present) });
  });

  router.post('/macros', async (req, res) => {
    const actor = actorOf(res);
    staffOnly(actor);
    const macro = await store.macros.create({ ...(await checked(req.body, actor)), ownerId: actor.id });
    res.status(201).location(`/v1/macros/${macro.id}`).json(present(macro));
  });

  router.put('/macros/:id', async (req, res) => {
    const actor = actorOf(res);
    staffOnly(actor);
    const body = await checked(req.body, actor);
    await changeable(req.params.id, actor);
    const macro = await store.macros.update(req.params.id, { ...body, reply: body.reply ?? null });
    if (!macro) throw new NotFoundError(`Macro ${req.params.id}`);
    res.json(present(macro));
  });

  router.delete('/macros/:id', async (req, res) => {
    const actor = actorOf(res);
    staffOnly(actor);
    await changeable(req.params.id, actor);
    await store.macros.delete(req.params.id);
    res.status(204).end();
  });

  router.post('/tickets/:id/macros/:macroId', async (req, res) => {
    const actor = actorOf(res);
    staffOnly(actor);
    parse(ZEmptyRequestSchema, req.body ?? {});
    const macro = await usable(req.params.macroId, actor);
    const ticket = await tickets.get(req.params.id, actor);
    const reply = macro.reply
      ? { ...macro.reply, body: fillPlaceholders(macro.reply.body, ticket, actor.name ?? actor.id) }
      : undefined;
    const state = await tickets.command(
      ticket.id,
      { type: 'apply_macro', macro: { id: macro.id, name: macro.name, actions: macro.actions, reply } },
      actor,
      { receivedAt: (res.locals.receivedAt as number | undefined) ?? Date.now() },
    );
    res.json(await presentOne(tickets, state, actor));
  });

  return router;
}
