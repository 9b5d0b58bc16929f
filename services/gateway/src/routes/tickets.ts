// /v1/tickets: creation, reads, lists and the commands. Each body schema stands beside its
// handler, and each operation is documented (OpenAPI) from those same schemas.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Response } from 'express';
import { z } from 'zod';
import {
  TEXT_LIMITS,
  TICKET_STATUSES,
  ZCreateTicketRequestSchema,
  ZEditableFieldsSchema,
  ZEmptyRequestSchema,
  ZEventListSchema,
  ZReplyRequestSchema,
  ZResolveRequestSchema,
  ZTicketListSchema,
  ZTicketSchema,
  knownBrand,
  zRecipients,
} from '@helpdesk/contracts';
import type { Channel, CommandType, EditableFields, TicketCommand } from '@helpdesk/contracts';
import type { Store, TicketFilter } from '@helpdesk/persistence';
import { actorOf } from '../auth';
import { ForbiddenError, ValidationError } from '../errors';
import { document } from '../openapi';
import { presentEvents, presentTicket } from '../present';
import { WHO_MAY_ALSO, creationRefusal, describeRoles, isStaff, mayDo, uuidFrom, whoMay } from '@helpdesk/ticket-client';
import type { Tickets } from '@helpdesk/ticket-client';
import { parse, readPage, zCursor } from '../validate';

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
/** Who may call a route, as the document shows it: from the rules' own tables. */
const rolesOf = (...types: CommandType[]): string => describeRoles(whoMay(...types));

export const ZAssignRequestSchema = z.strictObject({ assignee: z.string().trim().min(1).max(200) });
export const ZReleaseRequestSchema = z.strictObject({
  reason: z.enum(['release', 'return_to_queue', 'robot_rejected', 'manual']).optional(),
});
export const ZWaitRequestSchema = z.discriminatedUnion('waitType', [
  z.strictObject({ waitType: z.literal('more_info'), days: z.number().positive().max(365).optional(), closeIfNoResponse: z.boolean().optional() }),
  z.strictObject({ waitType: z.literal('until'), until: z.iso.datetime({ offset: true }) }),
  z.strictObject({ waitType: z.literal('case'), caseId: z.string().trim().min(1).max(200).optional() }),
]);
export const ZNoteRequestSchema = z.strictObject({ body: z.string().trim().min(1).max(TEXT_LIMITS.message) });
export const ZMessageRequestSchema = ZNoteRequestSchema.extend({ recipients: zRecipients.min(1) });
export const ZReclassifyRequestSchema = z.strictObject({
  type: z.string().trim().min(1).max(100).optional(),
  group: z.string().trim().min(1).max(100).optional(),
  severity: z.string().trim().min(1).max(100).optional(),
});
export const ZMergeRequestSchema = z.strictObject({ targetId: z.string().trim().min(1).max(100) });
export const ZSplitRequestSchema = z.strictObject({
  children: z
    .array(ZEditableFieldsSchema.extend({ title: z.string().trim().min(1).max(TEXT_LIMITS.title), description: z.string().trim().min(1).max(TEXT_LIMITS.description) }))
    .min(1)
    .max(20),
});
export const ZFollowUpRequestSchema = z.strictObject({
  title: z.string().trim().min(1).max(TEXT_LIMITS.title).optional(),
  description: z.string().trim().min(1).max(TEXT_LIMITS.description).optional(),
});

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
export const ZListQuerySchema = z.strictObject({
  status: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(TICKET_STATUSES)))
    .optional(),
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
  q: z.string().trim().min(1).max(200).optional(),
  sort: z.enum(['created', 'updated']).default('created'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: zCursor.optional(),
});

/** `POST /v1/tickets/:id/<name>`: how each command's body becomes a ticket command. */
interface CommandRoute {
  body: z.ZodType;
  summary: string;
  roles: string;
  toCommand(body: unknown): TicketCommand;
}

const empty = (type: 'take' | 'resume' | 'end_case' | 'reopen' | 'spam' | 'restore', summary: string): CommandRoute => ({
  body: ZEmptyRequestSchema,
  summary,
  roles: rolesOf(type),
  toCommand: (body) => (parse(ZEmptyRequestSchema, body), { type }),
});

const COMMANDS: Record<string, CommandRoute> = {
  submit: {
    body: ZEditableFieldsSchema,
    summary: 'Submit a draft (draft → new); every missing required field is named',
    roles: rolesOf('submit'),
    toCommand: (body) => ({ type: 'submit', fields: parse(ZEditableFieldsSchema, body) }),
  },
  take: empty('take', 'Take the ticket (new → in_progress, assigned to the caller)'),
  assign: {
    body: ZAssignRequestSchema,
    summary: 'Assign to someone (stays new until they take it)',
    roles: rolesOf('assign'),
    toCommand: (body) => ({ type: 'assign', ...parse(ZAssignRequestSchema, body) }),
  },
  release: {
    body: ZReleaseRequestSchema,
    summary: 'Release / return to queue / robot rejects (in_progress → new)',
    roles: rolesOf('release'),
    toCommand: (body) => ({ type: 'release', ...parse(ZReleaseRequestSchema, body) }),
  },
  wait: {
    body: ZWaitRequestSchema,
    summary: 'Put on hold: more_info (days), until (date), case',
    roles: rolesOf('wait'),
    toCommand: (body) => {
      const w = parse(ZWaitRequestSchema, body);
      return w.waitType === 'until' ? { type: 'wait', waitType: 'until', until: Date.parse(w.until) } : { type: 'wait', ...w };
    },
  },
  resume: empty('resume', 'Resume a waiting ticket by hand'),
  end_case: empty('end_case', 'The case launched from this ticket ended: it resumes'),
  replies: {
    body: ZReplyRequestSchema,
    summary:
      'Reply. Staff: a public reply (optionally with `resolve`: send & resolve), a private note or a private message. Requesters and services: a customer message (reopens inside the feedback window; on a closed ticket it opens a follow-up, answered 201)',
    roles: rolesOf('reply', 'customer_reply'),
    toCommand: (body) => {
      const r = parse(ZReplyRequestSchema, body);
      return { type: 'reply', body: r.body, visibility: r.visibility, ...(r.recipients ? { recipients: r.recipients } : {}), ...(r.resolve ? { resolve: r.resolve } : {}) };
    },
  },
  notes: {
    body: ZNoteRequestSchema,
    summary: 'Add a private note (internal only)',
    roles: rolesOf('reply'),
    toCommand: (body) => ({ type: 'reply', visibility: 'private_note', body: parse(ZNoteRequestSchema, body).body }),
  },
  messages: {
    body: ZMessageRequestSchema,
    summary: 'Send a private message to chosen recipients',
    roles: rolesOf('reply'),
    toCommand: (body) => {
      const m = parse(ZMessageRequestSchema, body);
      return { type: 'reply', visibility: 'private_message', body: m.body, recipients: m.recipients };
    },
  },
  resolve: {
    body: ZResolveRequestSchema,
    summary: 'Resolve with a method (spam, unknown_address and merged close at once)',
    roles: rolesOf('resolve'),
    toCommand: (body) => ({ type: 'resolve', ...parse(ZResolveRequestSchema, body) }),
  },
  reopen: empty('reopen', 'Reopen a resolved ticket inside its feedback window'),
  spam: empty('spam', 'Mark as spam (closes it)'),
  restore: empty('restore', 'Restore a deleted ticket'),
  reclassify: {
    body: ZReclassifyRequestSchema,
    summary: 'Change type, group or severity (on a closed ticket only if the settings allow it)',
    roles: rolesOf('reclassify'),
    toCommand: (body) => {
      const { type, ...rest } = parse(ZReclassifyRequestSchema, body);
      return { type: 'reclassify', ...(type ? { typeName: type } : {}), ...rest };
    },
  },
};

const TICKET_PROBLEMS = [403, 404, 409, 422];

for (const [name, route] of Object.entries(COMMANDS)) {
  document({
    method: 'post',
    path: `/v1/tickets/:id/${name}`,
    summary: route.summary,
    tag: 'commands',
    roles: route.roles,
    body: route.body,
    responses: { 200: ZTicketSchema, ...(name === 'replies' ? { 201: ZTicketSchema } : {}) },
    problems: TICKET_PROBLEMS,
  });
}
document({ method: 'post', path: '/v1/tickets', summary: 'Create a ticket (submitted, or a draft with `draft: true`)', tag: 'tickets', roles: describeRoles(WHO_MAY_ALSO.create), body: ZCreateTicketRequestSchema, responses: { 201: ZTicketSchema }, problems: [403] });
document({ method: 'get', path: '/v1/tickets', summary: 'List tickets: filters, ranked text search (reference, title, description, messages; requesters search public text only), cursor pagination', tag: 'tickets', roles: 'everyone (requesters see their own)', query: ZListQuerySchema, responses: { 200: ZTicketListSchema }, problems: [403] });
document({ method: 'get', path: '/v1/tickets/:id', summary: 'One ticket (ETag / If-None-Match)', tag: 'tickets', roles: 'everyone (requesters: their own)', responses: { 200: ZTicketSchema, 304: undefined }, problems: [403, 404] });
document({ method: 'get', path: '/v1/tickets/:id/events', summary: 'The timeline (requesters do not see private notes and messages)', tag: 'tickets', roles: 'everyone (requesters: their own)', responses: { 200: ZEventListSchema }, problems: [403, 404] });
document({ method: 'patch', path: '/v1/tickets/:id', summary: 'Modify fields (the first update by an agent takes a new ticket)', tag: 'tickets', roles: rolesOf('modify'), body: ZEditableFieldsSchema, responses: { 200: ZTicketSchema }, problems: TICKET_PROBLEMS });
document({ method: 'delete', path: '/v1/tickets/:id', summary: 'Soft delete (restorable)', tag: 'tickets', roles: rolesOf('delete'), responses: { 200: ZTicketSchema }, problems: TICKET_PROBLEMS });
document({ method: 'post', path: '/v1/tickets/:id/restart', summary: "Restart the workflow of a ticket whose run ended while it was open (terminated, cancelled, timed out, failed or gone; the ticket shows `halted`): a fresh run from the ticket's state", tag: 'commands', roles: describeRoles(WHO_MAY_ALSO.restart), body: ZEmptyRequestSchema, responses: { 200: ZTicketSchema }, problems: TICKET_PROBLEMS });
document({ method: 'delete', path: '/v1/tickets/:id/purge', summary: 'Purge the ticket and its history for good', tag: 'tickets', roles: rolesOf('purge'), responses: { 204: undefined }, problems: [403, 404, 409] });
document({ method: 'post', path: '/v1/tickets/:id/merge', summary: 'Merge into another ticket: resolved as merged and closed; its thread goes to the target', tag: 'commands', roles: rolesOf('merge'), body: ZMergeRequestSchema, responses: { 200: ZTicketSchema }, problems: TICKET_PROBLEMS });
document({ method: 'post', path: '/v1/tickets/:id/split', summary: 'Split into child tickets; the parent waits and resolves when all are resolved', tag: 'commands', roles: rolesOf('split'), body: ZSplitRequestSchema, responses: { 200: ZTicketSchema }, problems: TICKET_PROBLEMS });
document({ method: 'post', path: '/v1/tickets/:id/follow-ups', summary: 'Create a follow-up of a closed ticket by hand', tag: 'commands', roles: describeRoles(WHO_MAY_ALSO.follow_up), body: ZFollowUpRequestSchema, responses: { 201: ZTicketSchema }, problems: TICKET_PROBLEMS });

export function ticketRoutes(tickets: Tickets, store: Store): Router {
  const router = Router();
  /** A ticket names only a brand the settings know (where: the field's path, e.g. body.children.0). */
  const checkBrands = async (fields: (Pick<EditableFields, 'brand'> & { where: string })[]) => {
    const named = fields.filter((f) => f.brand !== undefined);
    if (named.length === 0) return;
    const settings = await store.getSettings();
    const unknown = named.filter((f) => !knownBrand(settings, f.brand ?? ''));
    if (unknown.length > 0) {
      const brands = Object.keys(settings.brandSupportAddresses).join(', ');
      throw new ValidationError(unknown.map((f) => ({ field: `${f.where}.brand`, message: `is not a brand of the settings (${brands})` })));
    }
  };

  router.post('/', async (req, res) => {
    const actor = actorOf(res);
    const body = parse(ZCreateTicketRequestSchema, req.body);
    const { draft, assignee, ...fields } = body;
    const refusal = creationRefusal({ fields, draft, assignee }, actor, await store.getSettings());
    if (refusal?.code === 'forbidden') throw new ForbiddenError(refusal.message);
    if (refusal?.code === 'missing_fields') throw new ValidationError(refusal.missing.map((f) => ({ field: `body.${f}`, message: 'is required to submit a ticket' })));
    await checkBrands([{ where: 'body', ...body }]);
    const channel: Channel = actor.role === 'service' ? 'api' : 'web';
    const ticketId = keyed(res, 'ticket');
    const ticket = await tickets.create(body, actor, channel, ticketId ? { ticketId } : {});
    res.status(201).location(`/v1/tickets/${ticket.id}`).json(presentTicket(ticket, actor));
  });

  router.get('/', async (req, res) => {
    const actor = actorOf(res);
    const { sort, order, limit, cursor, ...filter } = parse(ZListQuerySchema, req.query, 'query');
    if (actor.role === 'requester') {
      if (filter.requester && filter.requester !== actor.id) throw new ForbiddenError('Requesters list only their own tickets');
      filter.requester = actor.id;
      if (filter.deleted) throw new ForbiddenError('Requesters cannot list deleted tickets');
    }
    // Requesters search only what they may read (no private notes or messages).
    const search = actor.role === 'requester' ? 'public' : 'all';
    const page = await readPage(() => store.readModel.list(filter as TicketFilter, { sort, order, limit, search, ...(cursor ? { cursor } : {}) }));
    res.json({ items: page.items.map((t) => presentTicket(t, actor)), nextCursor: page.nextCursor });
  });

  router.get('/:id', async (req, res) => {
    const actor = actorOf(res);
    const ticket = await tickets.get(req.params.id, actor);
    const etag = `W/"${ticket.id}-${ticket.revision}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (req.get('If-None-Match') === etag) {
      res.status(304).end();
      return;
    }
    res.json(presentTicket(ticket, actor));
  });

  router.get('/:id/events', async (req, res) => {
    const actor = actorOf(res);
    await tickets.get(req.params.id, actor);
    res.json({ items: presentEvents(await store.listEvents(req.params.id), actor) });
  });

  router.patch('/:id', async (req, res) => {
    const actor = actorOf(res);
    const fields = parse(ZEditableFieldsSchema, req.body);
    if (Object.keys(fields).length === 0) throw new ValidationError([{ field: 'body', message: 'names no field to change' }]);
    await checkBrands([{ where: 'body', ...fields }]);
    res.json(presentTicket(await tickets.command(req.params.id, { type: 'modify', fields }, actor), actor));
  });

  router.delete('/:id', async (req, res) => {
    const actor = actorOf(res);
    res.json(presentTicket(await tickets.command(req.params.id, { type: 'delete' }, actor), actor));
  });

  // Customers (requesters, services speaking for them) reply through the same route as agents;
  // theirs may reopen, land in a merge target, or open a follow-up of a closed ticket.
  router.post('/:id/replies', async (req, res, next) => {
    const actor = actorOf(res);
    if (isStaff(actor)) return next();
    const { body } = parse(ZNoteRequestSchema, req.body);
    const message = { body, ...(actor.email ? { from: actor.email } : {}) };
    const followUpId = keyed(res, 'follow-up');
    const { ticket, outcome } = await tickets.customerReply(req.params.id, message, actor, actor.role === 'service' ? 'api' : 'web', {
      ...updateOptions(res),
      ...(followUpId ? { followUpId } : {}),
    });
    if (outcome === 'follow_up') res.status(201).location(`/v1/tickets/${ticket.id}`);
    res.json(presentTicket(ticket, actor));
  });

  router.post('/:id/merge', async (req, res) => {
    const actor = actorOf(res);
    const { targetId } = parse(ZMergeRequestSchema, req.body);
    const target = await tickets.get(targetId, actor).catch(() => {
      throw new ValidationError([{ field: 'body.targetId', message: 'names no ticket you can see' }]);
    });
    if (target.status === 'closed' || target.deleted) {
      throw new ValidationError([{ field: 'body.targetId', message: `names a ticket that is ${target.deleted ? 'deleted' : 'closed'}` }]);
    }
    const merged = await tickets.command(req.params.id, { type: 'merge', targetId, targetReference: target.reference }, actor);
    res.json(presentTicket(merged, actor));
  });

  router.post('/:id/split', async (req, res) => {
    const actor = actorOf(res);
    const { children } = parse(ZSplitRequestSchema, req.body);
    await checkBrands(children.map((c, i) => ({ where: `body.children.${i}`, ...c })));
    const command: TicketCommand = { type: 'split', children: children.map((fields) => ({ id: randomUUID(), fields })) };
    res.json(presentTicket(await tickets.command(req.params.id, command, actor), actor));
  });

  router.post('/:id/follow-ups', async (req, res) => {
    const actor = actorOf(res);
    if (!mayDo(actor, 'follow_up')) throw new ForbiddenError('Only agents create follow-ups by hand');
    const fields = parse(ZFollowUpRequestSchema, req.body);
    const closed = await tickets.get(req.params.id, actor);
    const followUp = await tickets.createFollowUp(closed, { via: 'agent' }, actor, fields);
    res.status(201).location(`/v1/tickets/${followUp.id}`).json(presentTicket(followUp, actor));
  });

  // An admin's way back for a ticket whose workflow run ended while it was open (an operator's
  // terminate in the Temporal UI, say): a fresh run from the read model's state.
  router.post('/:id/restart', async (req, res) => {
    const actor = actorOf(res);
    parse(ZEmptyRequestSchema, req.body);
    res.json(presentTicket(await tickets.restart(req.params.id, actor), actor));
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
    res.json(presentTicket(await tickets.command(req.params.id, command, actor, updateOptions(res)), actor));
  });

  return router;
}
