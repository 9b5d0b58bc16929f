// Reads across tickets: a requester's (or third party's) history, and lifecycle reports.
import { Router } from 'express';
import { z } from 'zod';
import { DAY_MS, ZLifecycleReportSchema, ZTicketListSchema } from '@helpdesk/contracts';
import type { TLifecycleReport } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { WHO_MAY_ALSO, describeRoles, mayDo } from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { ForbiddenError, ValidationError } from '../errors';
import { document } from '../openapi';
import { presentTicket } from '../present';
import { parse, readPage, zCursor } from '../validate';

const ZHistoryQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: zCursor.optional(),
});
const ZReportQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
});

document({
  method: 'get',
  path: '/v1/requesters/:id/tickets',
  summary: "A requester's or third party's (company's) ticket history, newest first",
  tag: 'reports',
  roles: 'admin, agent; a requester for themselves',
  query: ZHistoryQuerySchema,
  responses: { 200: ZTicketListSchema },
  problems: [403],
});
document({
  method: 'get',
  path: '/v1/reports/lifecycle',
  summary:
    'Counts by status, type, severity and channel; first-response and resolution times; reopens and follow-ups (tickets created in [from, to))',
  tag: 'reports',
  roles: describeRoles(WHO_MAY_ALSO.read_reports),
  query: ZReportQuerySchema,
  responses: { 200: ZLifecycleReportSchema },
  problems: [403],
});

export function reportRoutes(store: Store): Router {
  const router = Router();

  router.get('/requesters/:id/tickets', async (req, res) => {
    const actor = actorOf(res);
    if (actor.role === 'service' || (actor.role === 'requester' && actor.id !== req.params.id)) {
      throw new ForbiddenError('Only staff, or the requester themselves, read a ticket history');
    }
    const { limit, cursor } = parse(ZHistoryQuerySchema, req.query, 'query');
    const party = req.params.id;
    const list = (by: 'requester' | 'company') =>
      store.readModel.list({ [by]: party }, { sort: 'created', order: 'desc', limit, ...(cursor ? { cursor } : {}) });
    // A party with no tickets of its own as requester may be a company (third party): staff then
    // see the company's history, and its cursors page on through the company's list.
    const page = await readPage(async () => {
      const byRequester = await list('requester');
      return byRequester.items.length > 0 || actor.role === 'requester' ? byRequester : list('company');
    });
    res.json({ items: page.items.map((t) => presentTicket(t, actor)), nextCursor: page.nextCursor });
  });

  router.get('/reports/lifecycle', async (req, res) => {
    const actor = actorOf(res);
    if (!mayDo(actor, 'read_reports')) throw new ForbiddenError('Only staff read reports');
    const q = parse(ZReportQuerySchema, req.query, 'query');
    const to = q.to ? Date.parse(q.to) : Date.now();
    const from = q.from ? Date.parse(q.from) : to - 30 * DAY_MS;
    if (from >= to) throw new ValidationError([{ field: 'query.from', message: 'must be before to' }]);
    // Counted by the store (an aggregation over the tickets created in [from, to)), never row by row here.
    const report: TLifecycleReport = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      ...(await store.readModel.lifecycleReport(from, to)),
    };
    res.json(report);
  });

  return router;
}
