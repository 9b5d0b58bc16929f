// Changing tickets: creation, field changes, deletion, and the commands (see ticket-commands.ts
// for the command table). Each handler parses, asks the ticket client, and presents the answer.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Response } from 'express';
import {
  ZCreateTicketRequestSchema,
  ZEditableFieldsSchema,
  ZEmptyRequestSchema,
  ZTicketSchema,
  knownBrand,
} from '@helpdesk/contracts';
import type { Channel, EditableFields, TicketCommand } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { WHO_MAY_ALSO, creationRefusal, describeRoles, isStaff, mayDo, uuidFrom } from '@helpdesk/ticket-client';
import type { Tickets } from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { ForbiddenError, ValidationError } from '../errors';
import { document } from '../openapi';
import { presentOne } from '../present';
import { parse } from '../validate';
import { customValuesCheck } from './custom-fields';
import {
  COMMANDS,
  TICKET_PROBLEMS,
  ZFollowUpRequestSchema,
  ZMergeRequestSchema,
  ZNoteRequestSchema,
  ZSplitRequestSchema,
  rolesOf,
} from './ticket-commands';

const CREATE_EXAMPLE = {
  title: 'Printer on fire',
  description: 'Smoke comes out of the paper tray since this morning.',
  category: 'hardware',
  requester: { id: 'rita', name: 'Rita', email: 'rita@example.com' },
  tags: ['printer'],
};

document({
  method: 'post',
  path: '/v1/tickets',
  summary: 'Create a ticket (submitted, or a draft with `draft: true`)',
  tag: 'tickets',
  roles: describeRoles(WHO_MAY_ALSO.create),
  body: ZCreateTicketRequestSchema,
  example: CREATE_EXAMPLE,
  responses: { 201: ZTicketSchema },
  problems: [403],
});
document({
  method: 'patch',
  path: '/v1/tickets/:id',
  summary: 'Modify fields (the first update by an agent takes a new ticket)',
  tag: 'tickets',
  roles: rolesOf('modify'),
  body: ZEditableFieldsSchema,
  example: { priority: 'high', tags: ['printer', 'urgent'] },
  responses: { 200: ZTicketSchema },
  problems: TICKET_PROBLEMS,
});
document({
  method: 'delete',
  path: '/v1/tickets/:id',
  summary: 'Soft delete (restorable)',
  tag: 'tickets',
  roles: rolesOf('delete'),
  responses: { 200: ZTicketSchema },
  problems: TICKET_PROBLEMS,
});
document({
  method: 'delete',
  path: '/v1/tickets/:id/purge',
  summary: 'Purge the ticket and its history for good',
  tag: 'tickets',
  roles: rolesOf('purge'),
  responses: { 204: undefined },
  problems: [403, 404, 409],
});
document({
  method: 'post',
  path: '/v1/tickets/:id/restart',
  summary:
    "Restart the workflow of a ticket whose run ended while it was open (terminated, cancelled, timed out, failed or gone; the ticket shows `halted`): a fresh run from the ticket's state",
  tag: 'commands',
  roles: describeRoles(WHO_MAY_ALSO.restart),
  body: ZEmptyRequestSchema,
  example: {},
  responses: { 200: ZTicketSchema },
  problems: TICKET_PROBLEMS,
});
document({
  method: 'post',
  path: '/v1/tickets/:id/merge',
  summary: 'Merge into another ticket: resolved as merged and closed; its thread goes to the target',
  tag: 'commands',
  roles: rolesOf('merge'),
  body: ZMergeRequestSchema,
  example: { targetId: '5f1d2c3b-8a9e-4b7c-9d6e-1a2b3c4d5e6f' },
  responses: { 200: ZTicketSchema },
  problems: TICKET_PROBLEMS,
});
document({
  method: 'post',
  path: '/v1/tickets/:id/split',
  summary: 'Split into child tickets; the parent waits and resolves when all are resolved',
  tag: 'commands',
  roles: rolesOf('split'),
  body: ZSplitRequestSchema,
  example: {
    children: [
      { title: 'Replace the tray', description: 'Order and fit a new paper tray' },
      { title: 'Check the fuser', description: 'The smoke may come from the fuser' },
    ],
  },
  responses: { 200: ZTicketSchema },
  problems: TICKET_PROBLEMS,
});
document({
  method: 'post',
  path: '/v1/tickets/:id/follow-ups',
  summary: 'Create a follow-up of a closed ticket by hand',
  tag: 'commands',
  roles: describeRoles(WHO_MAY_ALSO.follow_up),
  body: ZFollowUpRequestSchema,
  example: { title: 'Printer on fire again' },
  responses: { 201: ZTicketSchema },
  problems: TICKET_PROBLEMS,
});

/** With an Idempotency-Key, the ticket and Update ids derive from it (see middleware/idempotency). */
const keyed = (res: Response, purpose: string): string | undefined => {
  const id = res.locals.idempotencyId as string | undefined;
  return id ? uuidFrom(`${id}:${purpose}`) : undefined;
};
/** The Update's id, and when the request was received: the ticket decides deadlines by that. */
const updateOptions = (res: Response) => {
  const updateId = keyed(res, 'update');
  return { receivedAt: (res.locals.receivedAt as number | undefined) ?? Date.now(), ...(updateId ? { updateId } : {}) };
};

/** A ticket names only a brand the settings know (where: the field's path, e.g. body.children.0). */
const brandCheck = (store: Store) => async (fields: (Pick<EditableFields, 'brand'> & { where: string })[]) => {
  const named = fields.filter((f) => f.brand !== undefined);
  if (named.length === 0) return;
  const settings = await store.getSettings();
  const unknown = named.filter((f) => !knownBrand(settings, f.brand ?? ''));
  if (unknown.length > 0) {
    const brands = Object.keys(settings.brandSupportAddresses).join(', ');
    throw new ValidationError(
      unknown.map((f) => ({ field: `${f.where}.brand`, message: `is not a brand of the settings (${brands})` })),
    );
  }
};

export function ticketHandlers(tickets: Tickets, store: Store): Router {
  const router = Router();
  const checkBrands = brandCheck(store);
  const checkCustom = customValuesCheck(store);

  router.post('/', async (req, res) => {
    const actor = actorOf(res);
    const body = parse(ZCreateTicketRequestSchema, req.body);
    await checkCustom([{ where: 'body', ...body }]);
    const { draft, assignee, ...fields } = body;
    const refusal = creationRefusal({ fields, draft, assignee }, actor, await store.getSettings());
    if (refusal?.code === 'forbidden') throw new ForbiddenError(refusal.message);
    if (refusal?.code === 'missing_fields')
      throw new ValidationError(
        refusal.missing.map((f) => ({ field: `body.${f}`, message: 'is required to submit a ticket' })),
      );
    await checkBrands([{ where: 'body', ...body }]);
    const channel: Channel = actor.role === 'service' ? 'api' : 'web';
    const ticketId = keyed(res, 'ticket');
    const ticket = await tickets.create(body, actor, channel, ticketId ? { ticketId } : {});
    res
      .status(201)
      .location(`/v1/tickets/${ticket.id}`)
      .json(await presentOne(tickets, ticket, actor));
  });

  router.patch('/:id', async (req, res) => {
    const actor = actorOf(res);
    const fields = parse(ZEditableFieldsSchema, req.body);
    if (Object.keys(fields).length === 0)
      throw new ValidationError([{ field: 'body', message: 'names no field to change' }]);
    await checkBrands([{ where: 'body', ...fields }]);
    await checkCustom([{ where: 'body', ...fields }]);
    res.json(await presentOne(tickets, await tickets.command(req.params.id, { type: 'modify', fields }, actor), actor));
  });

  router.delete('/:id', async (req, res) => {
    const actor = actorOf(res);
    res.json(await presentOne(tickets, await tickets.command(req.params.id, { type: 'delete' }, actor), actor));
  });

  // Customers (requesters, services speaking for them) reply through the same route as agents;
  // theirs may reopen, land in a merge target, or open a follow-up of a closed ticket.
  router.post('/:id/replies', async (req, res, next) => {
    const actor = actorOf(res);
    if (isStaff(actor)) return next();
    const { body } = parse(ZNoteRequestSchema, req.body);
    const message = { body, ...(actor.email ? { from: actor.email } : {}) };
    const followUpId = keyed(res, 'follow-up');
    const { ticket, outcome } = await tickets.customerReply(
      req.params.id,
      message,
      actor,
      actor.role === 'service' ? 'api' : 'web',
      {
        ...updateOptions(res),
        ...(followUpId ? { followUpId } : {}),
      },
    );
    if (outcome === 'follow_up') res.status(201).location(`/v1/tickets/${ticket.id}`);
    res.json(await presentOne(tickets, ticket, actor));
  });

  router.post('/:id/merge', async (req, res) => {
    const actor = actorOf(res);
    const { targetId } = parse(ZMergeRequestSchema, req.body);
    const target = await tickets.get(targetId, actor).catch(() => {
      throw new ValidationError([{ field: 'body.targetId', message: 'names no ticket you can see' }]);
    });
    if (target.status === 'closed' || target.deleted) {
      throw new ValidationError([
        { field: 'body.targetId', message: `names a ticket that is ${target.deleted ? 'deleted' : 'closed'}` },
      ]);
    }
    const merged = await tickets.command(
      req.params.id,
      { type: 'merge', targetId, targetReference: target.reference },
      actor,
    );
    res.json(await presentOne(tickets, merged, actor));
  });

  router.post('/:id/split', async (req, res) => {
    const actor = actorOf(res);
    const { children } = parse(ZSplitRequestSchema, req.body);
    await checkBrands(children.map((c, i) => ({ where: `body.children.${i}`, ...c })));
    await checkCustom(children.map((c, i) => ({ where: `body.children.${i}`, ...c })));
    const command: TicketCommand = {
      type: 'split',
      children: children.map((fields) => ({ id: randomUUID(), fields })),
    };
    res.json(await presentOne(tickets, await tickets.command(req.params.id, command, actor), actor));
  });

  router.post('/:id/follow-ups', async (req, res) => {
    const actor = actorOf(res);
    if (!mayDo(actor, 'follow_up')) throw new ForbiddenError('Only agents create follow-ups by hand');
    const fields = parse(ZFollowUpRequestSchema, req.body);
    const closed = await tickets.get(req.params.id, actor);
    const followUp = await tickets.createFollowUp(closed, { via: 'agent' }, actor, fields);
    res
      .status(201)
      .location(`/v1/tickets/${followUp.id}`)
      .json(await presentOne(tickets, followUp, actor));
  });

  // An admin's way back for a ticket whose workflow run ended while it was open (an operator's
  // terminate in the Temporal UI, say): a fresh run from the read model's state.
  router.post('/:id/restart', async (req, res) => {
    const actor = actorOf(res);
    parse(ZEmptyRequestSchema, req.body);
    res.json(await presentOne(tickets, await tickets.restart(req.params.id, actor), actor));
  });

  router.delete('/:id/purge', async (req, res) => {
    // Who may purge is the rules' to say, for a running ticket and a closed one alike.
    const actor = actorOf(res);
    await tickets.command(req.params.id, { type: 'purge' }, actor);
    res.status(204).end();
  });

  router.post('/:id/:command', async (req, res, next) => {
    const route = COMMANDS[req.params.command];
    if (!route) return next();
    const actor = actorOf(res);
    const command = route.toCommand(req.body);
    if (command.type === 'submit' && command.fields) await checkBrands([{ where: 'body', ...command.fields }]);
    if (command.type === 'submit' && command.fields) await checkCustom([{ where: 'body', ...command.fields }]);
    res.json(
      await presentOne(tickets, await tickets.command(req.params.id, command, actor, updateOptions(res)), actor),
    );
  });

  return router;
}
