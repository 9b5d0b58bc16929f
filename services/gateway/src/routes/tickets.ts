// /v1/tickets: creation, reads and the commands. Each command's body schema stands beside it.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import type { Response } from 'express';
import { z } from 'zod';
import {
  ZCreateTicketRequestSchema,
  ZEditableFieldsSchema,
  ZEmptyRequestSchema,
  ZReplyRequestSchema,
  ZResolveRequestSchema,
} from '@helpdesk/contracts';
import type { Actor, Channel, TicketCommand } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { ForbiddenError, ValidationError } from '../errors';
import { presentEvents, presentTicket } from '../present';
import type { TicketService } from '../tickets';
import { parse } from '../validate';

const actorOf = (res: Response): Actor => res.locals.actor as Actor;

export const ZAssignRequestSchema = z.strictObject({ assignee: z.string().trim().min(1).max(200) });
export const ZReleaseRequestSchema = z.strictObject({
  reason: z.enum(['release', 'return_to_queue', 'robot_rejected', 'manual']).optional(),
});
export const ZWaitRequestSchema = z.discriminatedUnion('waitType', [
  z.strictObject({ waitType: z.literal('more_info'), days: z.number().positive().max(365).optional(), closeIfNoResponse: z.boolean().optional() }),
  z.strictObject({ waitType: z.literal('until'), until: z.iso.datetime({ offset: true }) }),
  z.strictObject({ waitType: z.literal('case'), caseId: z.string().trim().min(1).max(200).optional() }),
]);
export const ZNoteRequestSchema = z.strictObject({ body: z.string().trim().min(1).max(50_000) });
export const ZMessageRequestSchema = ZNoteRequestSchema.extend({ recipients: z.array(z.string().trim().min(1).max(320)).min(1).max(50) });
export const ZMergeRequestSchema = z.strictObject({ targetId: z.string().trim().min(1).max(100) });
export const ZSplitRequestSchema = z.strictObject({
  children: z
    .array(ZEditableFieldsSchema.extend({ title: z.string().trim().min(1).max(300), description: z.string().trim().min(1).max(20_000) }))
    .min(1)
    .max(20),
});
export const ZFollowUpRequestSchema = z.strictObject({
  title: z.string().trim().min(1).max(300).optional(),
  description: z.string().trim().min(1).max(20_000).optional(),
});
export const ZReclassifyRequestSchema = z.strictObject({
  type: z.string().trim().min(1).max(100).optional(),
  group: z.string().trim().min(1).max(100).optional(),
  severity: z.string().trim().min(1).max(100).optional(),
});

/** How each `POST /v1/tickets/:id/<command>` turns its body into a ticket command. */
const COMMANDS: Record<string, (body: unknown, actor: Actor) => TicketCommand> = {
  submit: (body) => ({ type: 'submit', fields: parse(ZEditableFieldsSchema, body) }),
  take: (body) => (parse(ZEmptyRequestSchema, body), { type: 'take' }),
  assign: (body) => ({ type: 'assign', ...parse(ZAssignRequestSchema, body) }),
  release: (body) => ({ type: 'release', ...parse(ZReleaseRequestSchema, body) }),
  wait: (body) => {
    const w = parse(ZWaitRequestSchema, body);
    return w.waitType === 'until' ? { type: 'wait', waitType: 'until', until: Date.parse(w.until) } : { type: 'wait', ...w };
  },
  resume: (body) => (parse(ZEmptyRequestSchema, body), { type: 'resume' }),
  end_case: (body) => (parse(ZEmptyRequestSchema, body), { type: 'end_case' }),
  replies: (body) => {
    const r = parse(ZReplyRequestSchema, body);
    return { type: 'reply', body: r.body, visibility: r.visibility, ...(r.recipients ? { recipients: r.recipients } : {}), ...(r.resolve ? { resolve: r.resolve } : {}) };
  },
  notes: (body) => ({ type: 'reply', visibility: 'private_note', body: parse(ZNoteRequestSchema, body).body }),
  messages: (body) => {
    const m = parse(ZMessageRequestSchema, body);
    return { type: 'reply', visibility: 'private_message', body: m.body, recipients: m.recipients };
  },
  resolve: (body) => ({ type: 'resolve', ...parse(ZResolveRequestSchema, body) }),
  reopen: (body) => (parse(ZEmptyRequestSchema, body), { type: 'reopen' }),
  spam: (body) => (parse(ZEmptyRequestSchema, body), { type: 'spam' }),
  restore: (body) => (parse(ZEmptyRequestSchema, body), { type: 'restore' }),
  reclassify: (body) => {
    const { type, ...rest } = parse(ZReclassifyRequestSchema, body);
    return { type: 'reclassify', ...(type ? { typeName: type } : {}), ...rest };
  },
};

export function ticketRoutes(tickets: TicketService, store: Store): Router {
  const router = Router();

  router.post('/', async (req, res) => {
    const actor = actorOf(res);
    const body = parse(ZCreateTicketRequestSchema, req.body);
    if (actor.role === 'requester') {
      if (body.requester && body.requester.id !== actor.id) throw new ForbiddenError('Requesters create tickets only for themselves');
      if (body.assignee) throw new ForbiddenError('Requesters cannot assign tickets');
    }
    if (!body.draft) {
      const missing = [
        ...(!body.title ? ['title'] : []),
        ...(!body.description ? ['description'] : []),
        ...(!body.requester && actor.role !== 'requester' ? ['requester'] : []),
      ];
      if (missing.length > 0) throw new ValidationError(missing.map((f) => ({ field: `body.${f}`, message: 'is required to submit a ticket' })));
    }
    const channel: Channel = actor.role === 'service' ? 'api' : 'web';
    const ticket = await tickets.create(body, actor, channel);
    res.status(201).location(`/v1/tickets/${ticket.id}`).json(presentTicket(ticket, actor));
  });

  router.get('/:id', async (req, res) => {
    const actor = actorOf(res);
    res.json(presentTicket(await tickets.get(req.params.id, actor), actor));
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
    if (actor.role !== 'requester' && actor.role !== 'service') return next();
    const { body } = parse(ZNoteRequestSchema, req.body);
    const { ticket, followUp } = await tickets.customerReply(req.params.id, body, actor, actor.role === 'service' ? 'api' : 'web');
    if (followUp) res.status(201).location(`/v1/tickets/${ticket.id}`);
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
    const command: TicketCommand = { type: 'split', children: children.map((fields) => ({ id: randomUUID(), fields })) };
    res.json(presentTicket(await tickets.command(req.params.id, command, actor), actor));
  });

  router.post('/:id/follow-ups', async (req, res) => {
    const actor = actorOf(res);
    if (actor.role !== 'agent' && actor.role !== 'admin') throw new ForbiddenError('Only agents create follow-ups by hand');
    const fields = parse(ZFollowUpRequestSchema, req.body);
    const closed = await tickets.get(req.params.id, actor);
    const followUp = await tickets.createFollowUp(closed, { via: 'agent' }, actor, fields);
    res.status(201).location(`/v1/tickets/${followUp.id}`).json(presentTicket(followUp, actor));
  });

  router.delete('/:id/purge', async (req, res) => {
    const actor = actorOf(res);
    if (actor.role !== 'admin') throw new ForbiddenError('Only admins purge tickets');
    await tickets.command(req.params.id, { type: 'purge' }, actor);
    res.status(204).end();
  });

  router.post('/:id/:command', async (req, res, next) => {
    const toCommand = COMMANDS[req.params.command];
    if (!toCommand) return next();
    const actor = actorOf(res);
    const command = toCommand(req.body, actor);
    res.json(presentTicket(await tickets.command(req.params.id, command, actor), actor));
  });

  return router;
}
