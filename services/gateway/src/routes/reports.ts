// Reads across tickets: a requester's (or third party's) history, and lifecycle reports.
import { Router } from 'express';
import type { Response } from 'express';
import { z } from 'zod';
import { ZLifecycleReportSchema, ZTicketListSchema } from '@helpdesk/contracts';
import type { Actor, TLifecycleReport } from '@helpdesk/contracts';
import { listTickets, reportRows } from '@helpdesk/persistence';
import type { Store } from '@helpdesk/persistence';
import { ForbiddenError, ValidationError } from '../errors';
import { document } from '../openapi';
import { presentTicket } from '../present';
import { parse } from '../validate';

const actorOf = (res: Response): Actor => res.locals.actor as Actor;

const ZHistoryQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().max(500).optional(),
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
  summary: 'Counts by status, type, severity and channel; first-response and resolution times; reopens and follow-ups (tickets created in [from, to))',
  tag: 'reports',
  roles: 'admin, agent',
  query: ZReportQuerySchema,
  responses: { 200: ZLifecycleReportSchema },
  problems: [403],
});

const HOUR = 3_600_000;

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round(((sorted[idx] ?? 0) / HOUR) * 1000) / 1000;
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, medianHours: percentile(sorted, 50), p90Hours: percentile(sorted, 90) };
};

const count = (into: Record<string, number>, key: string | undefined) => {
  const k = key ?? 'none';
  into[k] = (into[k] ?? 0) + 1;
};

export function reportRoutes(store: Store): Router {
  const router = Router();

  router.get('/requesters/:id/tickets', async (req, res) => {
    const actor = actorOf(res);
    if (actor.role === 'service' || (actor.role === 'requester' && actor.id !== req.params.id)) {
      throw new ForbiddenError('Only staff, or the requester themselves, read a ticket history');
    }
    const { limit, cursor } = parse(ZHistoryQuerySchema, req.query, 'query');
    const party = req.params.id;
    const byRequester = await listTickets(store.models.Ticket, { requester: party }, { sort: 'created', order: 'desc', limit, ...(cursor ? { cursor } : {}) });
    const page =
      byRequester.items.length > 0 || cursor || actor.role === 'requester'
        ? byRequester
        : await listTickets(store.models.Ticket, { company: party }, { sort: 'created', order: 'desc', limit });
    res.json({ items: page.items.map((t) => presentTicket(t, actor)), nextCursor: page.nextCursor });
  });

  router.get('/reports/lifecycle', async (req, res) => {
    const actor = actorOf(res);
    if (actor.role !== 'admin' && actor.role !== 'agent') throw new ForbiddenError('Only staff read reports');
    const q = parse(ZReportQuerySchema, req.query, 'query');
    const to = q.to ? Date.parse(q.to) : Date.now();
    const from = q.from ? Date.parse(q.from) : to - 30 * 24 * HOUR;
    if (from >= to) throw new ValidationError([{ field: 'query.from', message: 'must be before to' }]);
    const rows = await reportRows(store.models.Ticket, from, to);
    const report: TLifecycleReport = {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      total: rows.length,
      byStatus: {},
      byType: {},
      bySeverity: {},
      byChannel: {},
      firstResponse: stats([]),
      resolution: stats([]),
      reopens: 0,
      reopenedTickets: 0,
      followUps: 0,
    };
    const firstResponse: number[] = [];
    const resolution: number[] = [];
    for (const r of rows) {
      count(report.byStatus, r.status);
      count(report.byType, r.type);
      count(report.bySeverity, r.severity);
      // Follow-ups carry the channel closed_ticket for rules and events, but count as web in reports.
      count(report.byChannel, r.channel === 'closed_ticket' ? 'web' : r.channel);
      const start = r.submittedAt ?? r.createdAt;
      if (r.firstPublicReplyAt !== undefined) firstResponse.push(r.firstPublicReplyAt - start);
      if (r.resolution) resolution.push(r.resolution.at - start);
      report.reopens += r.reopenCount ?? 0;
      if ((r.reopenCount ?? 0) > 0) report.reopenedTickets++;
      if (r.links?.followUpOf) report.followUps++;
    }
    report.firstResponse = stats(firstResponse);
    report.resolution = stats(resolution);
    res.json(report);
  });

  return router;
}
