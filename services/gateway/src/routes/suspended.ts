// Suspended mail: auto-replies, bounces, our own mail, mail that failed the collector rules or its
// rate limits. Staff list it, recover it (always an ordinary ticket, never a follow-up), or drop it.
import { Router } from 'express';
import { z } from 'zod';
import { ZTicketSchema } from '@helpdesk/contracts';
import type { Actor } from '@helpdesk/contracts';
import type { InboundMailDoc, Store } from '@helpdesk/persistence';
import { WHO_MAY_ALSO, describeRoles, mayDo, ticketFromMail, uuidFrom } from '@helpdesk/ticket-client';
import type { Tickets } from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { AppError, ForbiddenError, NotFoundError } from '../errors';
import { document } from '../openapi';
import { presentOne } from '../present';

const STAFF = describeRoles(WHO_MAY_ALSO.handle_mail);

export const ZSuspendedMailSchema = z
  .object({
    id: z.string(),
    from: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()),
    subject: z.string(),
    body: z.string(),
    receivedAt: z.iso.datetime({ offset: true }),
    reason: z.string(),
  })
  .meta({ id: 'SuspendedMail' });
const ZSuspendedListSchema = z.object({ items: z.array(ZSuspendedMailSchema) }).meta({ id: 'SuspendedMailList' });

document(
  {
    method: 'get',
    path: '/v1/suspended',
    summary: 'Suspended mail, newest first',
    tag: 'mail',
    roles: STAFF,
    responses: { 200: ZSuspendedListSchema },
    problems: [403],
  },
  [ZSuspendedMailSchema],
);
document({
  method: 'post',
  path: '/v1/suspended/:id/recover',
  summary: 'Recover a suspended mail: it becomes an ordinary new ticket (never a follow-up)',
  tag: 'mail',
  roles: STAFF,
  responses: { 201: ZTicketSchema },
  problems: [403, 404],
});
document({
  method: 'delete',
  path: '/v1/suspended/:id',
  summary: 'Drop a suspended mail',
  tag: 'mail',
  roles: STAFF,
  responses: { 204: undefined },
  problems: [403, 404],
});

const present = (m: InboundMailDoc) => ({
  id: m._id,
  from: m.from,
  to: m.to,
  cc: m.cc,
  subject: m.subject,
  body: m.body,
  receivedAt: new Date(m.receivedAt).toISOString(),
  reason: m.suspendedReason ?? 'suspended',
});

/** The same recovered mail always makes the same ticket. */
const recoveredTicketId = (identity: string) => uuidFrom(`${identity}:recovered`);

export function suspendedRoutes(tickets: Tickets, store: Store): Router {
  const router = Router();
  const mails = store.inboundMail;
  const staffOnly = (actor: Actor) => {
    if (!mayDo(actor, 'handle_mail')) throw new ForbiddenError('Only staff handle suspended mail');
  };

  router.get('/', async (_req, res) => {
    staffOnly(actorOf(res));
    const docs = await mails.listSuspended();
    res.json({ items: docs.map(present) });
  });

  router.post('/:id/recover', async (req, res) => {
    const actor = actorOf(res);
    staffOnly(actor);
    const mail = await mails.get(req.params.id);
    if (!mail) throw new NotFoundError('Suspended mail');
    if (mail.status !== 'suspended' && !mail.recoveredTicketId)
      throw new AppError(409, 'not_suspended', 'This mail is not suspended');
    // Built as the collector builds a new mail's ticket (the raw message stays whole in the store).
    const fields = ticketFromMail(mail, await store.getSettings());
    const ticket = await tickets.create(fields, actor, 'email', { ticketId: recoveredTicketId(mail._id) });
    await mails.markRecovered(mail._id, ticket.id);
    res
      .status(201)
      .location(`/v1/tickets/${ticket.id}`)
      .json(await presentOne(tickets, ticket, actor));
  });

  router.delete('/:id', async (req, res) => {
    staffOnly(actorOf(res));
    if (!(await mails.dropSuspended(req.params.id))) throw new NotFoundError('Suspended mail');
    res.status(204).end();
  });
  return router;
}
