// The shapes of the gateway's answers. The gateway builds its responses to these types and the
// OpenAPI document is generated from these same schemas, so the document cannot drift.
import { z } from 'zod';
import { CHANNELS, RESOLUTION_METHODS, ROLES, RUN_HALTS, SLA_TARGETS, TICKET_STATUSES, WAIT_TYPES } from './ticket';
import { COMMAND_TYPES } from './commands';

const isoDate = z.iso.datetime({ offset: true });
const slaTarget = z.object({
  dueAt: isoDate.nullable().describe('null while a pause (waiting on the requester, resolved) holds the clock'),
  warnAt: isoDate.optional(),
  breachedAt: isoDate.optional(),
  metAt: isoDate.optional(),
  paused: z.boolean().optional(),
  remainingMs: z.number().optional().describe('While paused: the working time left'),
});
const person = z.object({ id: z.string(), name: z.string().optional(), email: z.string().optional() });

export const ZTicketSchema = z
  .object({
    id: z.string(),
    allowedCommands: z
      .array(z.enum(COMMAND_TYPES))
      .optional()
      .describe(
        "On one ticket (GET /v1/tickets/:id and a command's answer): the commands the caller could send now, as the ticket's rules say",
      ),
    reference: z.string(),
    status: z.enum(TICKET_STATUSES),
    channel: z.enum(CHANNELS),
    title: z.string().optional(),
    description: z.string().optional(),
    category: z.string().optional(),
    type: z.string().optional(),
    group: z.string().optional(),
    severity: z.string().optional(),
    priority: z.string().optional(),
    requester: person.optional(),
    primaryContact: person.optional(),
    company: z.string().optional(),
    ccs: z.array(z.string()),
    notifyThirdParty: z.boolean(),
    project: z.string().optional(),
    contract: z.string().optional(),
    tags: z.array(z.string()),
    brand: z.string().optional(),
    supportAddress: z.string().optional(),
    custom: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]))
      .optional()
      .describe('Custom field values by key (GET /v1/custom-fields)'),
    assignee: z.string().optional(),
    waitType: z.enum(WAIT_TYPES).optional(),
    waitUntil: isoDate.optional(),
    closeIfNoResponse: z.boolean().optional(),
    resolution: z.object({ method: z.enum(RESOLUTION_METHODS), at: isoDate, by: z.string() }).optional(),
    read: z.boolean().optional(),
    awaiting: z.enum(['agent', 'customer']),
    attention: z.boolean().optional(),
    deleted: z.boolean(),
    links: z.object({
      followUpOf: z.string().optional(),
      followUps: z.array(z.string()),
      mergedInto: z.string().optional(),
      mergedFrom: z.array(z.string()).optional(),
      parent: z.string().optional(),
      children: z.array(z.string()),
      childrenResolved: z.array(z.string()).optional(),
    }),
    breaches: z
      .array(z.object({ kind: z.enum(['response', 'action', ...SLA_TARGETS]), dueAt: isoDate, at: isoDate }))
      .optional(),
    sla: z
      .object({
        policy: z.string(),
        calendar: z.string().optional(),
        firstResponse: slaTarget.optional(),
        nextResponse: slaTarget.optional(),
        resolution: slaTarget.optional(),
      })
      .optional()
      .describe('Service levels under the SLA policy that matched the ticket (staff only)'),
    slaDueAt: isoDate
      .optional()
      .describe('The earliest due instant of an unmet, running SLA target (lists: dueBefore, sort=due)'),
    attachments: z
      .array(z.object({ id: z.string(), filename: z.string(), contentType: z.string(), size: z.number() }))
      .optional(),
    createdAt: isoDate,
    createdBy: z.string(),
    submittedAt: isoDate.optional(),
    updatedAt: isoDate,
    lastActionAt: isoDate,
    firstPublicReplyAt: isoDate.optional(),
    reopenCount: z.number().int(),
    statusChangedAt: isoDate.optional().describe('When the status last changed (time rules count from it)'),
    satisfaction: z
      .object({ rating: z.enum(['good', 'bad']), comment: z.string().optional(), at: isoDate })
      .optional()
      .describe("The requester's rating from the link in the resolution mail (GET /v1/satisfaction/:token)"),
    halted: z
      .enum(RUN_HALTS)
      .optional()
      .describe('The workflow run ended while the ticket was open; an admin restarts it (POST …/restart)'),
    revision: z.number().int(),
  })
  .meta({ id: 'Ticket' });
export type TTicket = z.infer<typeof ZTicketSchema>;

export const ZTicketEventSchema = z
  .object({
    ticketId: z.string(),
    seq: z.number().int(),
    type: z.string(),
    at: isoDate,
    actor: z.object({ id: z.string(), role: z.enum(ROLES), name: z.string().optional(), email: z.string().optional() }),
    channel: z.enum(CHANNELS),
    before: z.record(z.string(), z.unknown()).optional(),
    after: z.record(z.string(), z.unknown()).optional(),
    data: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'TicketEvent' });

export const ZTicketListSchema = z
  .object({ items: z.array(ZTicketSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'TicketList' });

export const ZEventListSchema = z.object({ items: z.array(ZTicketEventSchema) }).meta({ id: 'TicketEventList' });

/** What the API depends on; a 503 or 504 names the one that failed. */
export const DEPENDENCIES = ['temporal', 'store'] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

export const ZProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    requestId: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    currentStatus: z.enum(TICKET_STATUSES).optional(),
    allowedCommands: z.array(z.enum(COMMAND_TYPES)).optional(),
    hint: z.string().optional(),
    dependency: z.enum(DEPENDENCIES).optional().describe('With 503 and 504: what was unreachable or too slow'),
  })
  .meta({ id: 'Problem' });

const stats = z.object({
  count: z.number().int(),
  medianHours: z.number().nullable(),
  p90Hours: z.number().nullable(),
});
export const ZLifecycleReportSchema = z
  .object({
    from: isoDate,
    to: isoDate,
    total: z.number().int(),
    byStatus: z.record(z.string(), z.number().int()),
    byType: z.record(z.string(), z.number().int()),
    bySeverity: z.record(z.string(), z.number().int()),
    byChannel: z.record(z.string(), z.number().int()),
    firstResponse: stats,
    resolution: stats,
    reopens: z.number().int(),
    reopenedTickets: z.number().int(),
    followUps: z.number().int(),
    satisfaction: z
      .object({ good: z.number().int(), bad: z.number().int(), unrated: z.number().int() })
      .describe('Ratings of the resolved and closed tickets among them (unrated: resolved or closed, no rating)'),
  })
  .meta({ id: 'LifecycleReport' });
export type TLifecycleReport = z.infer<typeof ZLifecycleReportSchema>;

export const ZAttachmentSchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int(),
  })
  .meta({ id: 'Attachment' });
