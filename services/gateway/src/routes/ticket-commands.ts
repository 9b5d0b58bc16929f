// The ticket commands as routes: each `POST /v1/tickets/:id/<name>` with its body schema, how that
// body becomes a ticket command, who may send it (from the rules) and its documentation.
import { z } from 'zod';
import {
  TEXT_LIMITS,
  ZEditableFieldsSchema,
  ZEmptyRequestSchema,
  ZReplyRequestSchema,
  ZResolveRequestSchema,
  ZTicketSchema,
  zRecipients,
} from '@helpdesk/contracts';
import type { CommandType, TicketCommand } from '@helpdesk/contracts';
import { describeRoles, whoMay } from '@helpdesk/ticket-client';
import { document, documentCommandRoutes } from '../openapi';
import { parse } from '../validate';

/** Who may call a route, as the document shows it: from the rules' own tables. */
export const rolesOf = (...types: CommandType[]): string => describeRoles(whoMay(...types));

export const ZAssignRequestSchema = z.strictObject({ assignee: z.string().trim().min(1).max(200) });
export const ZReleaseRequestSchema = z.strictObject({
  reason: z.enum(['release', 'return_to_queue', 'robot_rejected', 'manual']).optional(),
});
export const ZWaitRequestSchema = z.discriminatedUnion('waitType', [
  z.strictObject({
    waitType: z.literal('more_info'),
    days: z.number().positive().max(365).optional(),
    closeIfNoResponse: z.boolean().optional(),
  }),
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
    .array(
      ZEditableFieldsSchema.extend({
        title: z.string().trim().min(1).max(TEXT_LIMITS.title),
        description: z.string().trim().min(1).max(TEXT_LIMITS.description),
      }),
    )
    .min(1)
    .max(20),
});
export const ZFollowUpRequestSchema = z.strictObject({
  title: z.string().trim().min(1).max(TEXT_LIMITS.title).optional(),
  description: z.string().trim().min(1).max(TEXT_LIMITS.description).optional(),
});

/** `POST /v1/tickets/:id/<name>`: how each command's body becomes a ticket command. */
export interface CommandRoute {
  body: z.ZodType;
  summary: string;
  roles: string;
  example: unknown;
  toCommand(body: unknown): TicketCommand;
}

const empty = (
  type: 'take' | 'resume' | 'end_case' | 'reopen' | 'spam' | 'restore',
  summary: string,
): CommandRoute => ({
  body: ZEmptyRequestSchema,
  summary,
  roles: rolesOf(type),
  example: {},
  toCommand: (body) => (parse(ZEmptyRequestSchema, body), { type }),
});

export const COMMANDS: Record<string, CommandRoute> = {
  submit: {
    body: ZEditableFieldsSchema,
    summary: 'Submit a draft (draft → new); every missing required field is named',
    roles: rolesOf('submit'),
    example: { title: 'Printer on fire', category: 'hardware' },
    toCommand: (body) => ({ type: 'submit', fields: parse(ZEditableFieldsSchema, body) }),
  },
  take: empty('take', 'Take the ticket (new → in_progress, assigned to the caller)'),
  assign: {
    body: ZAssignRequestSchema,
    summary: 'Assign to someone (stays new until they take it)',
    roles: rolesOf('assign'),
    example: { assignee: 'bob' },
    toCommand: (body) => ({ type: 'assign', ...parse(ZAssignRequestSchema, body) }),
  },
  release: {
    body: ZReleaseRequestSchema,
    summary: 'Release / return to queue / robot rejects (in_progress → new)',
    roles: rolesOf('release'),
    example: { reason: 'return_to_queue' },
    toCommand: (body) => ({ type: 'release', ...parse(ZReleaseRequestSchema, body) }),
  },
  wait: {
    body: ZWaitRequestSchema,
    summary: 'Put on hold: more_info (days), until (date), case',
    roles: rolesOf('wait'),
    example: { waitType: 'more_info', days: 3, closeIfNoResponse: true },
    toCommand: (body) => {
      const w = parse(ZWaitRequestSchema, body);
      return w.waitType === 'until'
        ? { type: 'wait', waitType: 'until', until: Date.parse(w.until) }
        : { type: 'wait', ...w };
    },
  },
  resume: empty('resume', 'Resume a waiting ticket by hand'),
  end_case: empty('end_case', 'The case launched from this ticket ended: it resumes'),
  replies: {
    body: ZReplyRequestSchema,
    summary:
      'Reply. Staff: a public reply (optionally with `resolve`: send & resolve), a private note or a private message. Requesters and services: a customer message (reopens inside the feedback window; on a closed ticket it opens a follow-up, answered 201)',
    roles: rolesOf('reply', 'customer_reply'),
    example: { body: 'We have ordered a new tray; it arrives tomorrow.', visibility: 'public' },
    toCommand: (body) => {
      const r = parse(ZReplyRequestSchema, body);
      return {
        type: 'reply',
        body: r.body,
        visibility: r.visibility,
        ...(r.recipients ? { recipients: r.recipients } : {}),
        ...(r.resolve ? { resolve: r.resolve } : {}),
      };
    },
  },
  notes: {
    body: ZNoteRequestSchema,
    summary: 'Add a private note (internal only)',
    roles: rolesOf('reply'),
    example: { body: 'The tray sensor is faulty; vendor informed.' },
    toCommand: (body) => ({ type: 'reply', visibility: 'private_note', body: parse(ZNoteRequestSchema, body).body }),
  },
  messages: {
    body: ZMessageRequestSchema,
    summary: 'Send a private message to chosen recipients',
    roles: rolesOf('reply'),
    example: { body: 'Could you send a technician tomorrow?', recipients: ['vendor@example.com'] },
    toCommand: (body) => {
      const m = parse(ZMessageRequestSchema, body);
      return { type: 'reply', visibility: 'private_message', body: m.body, recipients: m.recipients };
    },
  },
  resolve: {
    body: ZResolveRequestSchema,
    summary: 'Resolve with a method (spam, unknown_address and merged close at once)',
    roles: rolesOf('resolve'),
    example: { method: 'customer_communication', note: 'Tray replaced' },
    toCommand: (body) => ({ type: 'resolve', ...parse(ZResolveRequestSchema, body) }),
  },
  reopen: empty('reopen', 'Reopen a resolved ticket inside its feedback window'),
  spam: empty('spam', 'Mark as spam (closes it)'),
  restore: empty('restore', 'Restore a deleted ticket'),
  reclassify: {
    body: ZReclassifyRequestSchema,
    summary: 'Change type, group or severity (on a closed ticket only if the settings allow it)',
    roles: rolesOf('reclassify'),
    example: { group: 'billing' },
    toCommand: (body) => {
      const { type, ...rest } = parse(ZReclassifyRequestSchema, body);
      return { type: 'reclassify', ...(type ? { typeName: type } : {}), ...rest };
    },
  },
};

/**
 * The route each ticket command is sent through: what a name in `allowedCommands` means to a
 * client (the typed record names every command; a gateway test finds each route in the document).
 */
export const COMMAND_ROUTES: Record<CommandType, string> = {
  submit: 'POST /v1/tickets/{id}/submit',
  modify: 'PATCH /v1/tickets/{id}',
  take: 'POST /v1/tickets/{id}/take',
  assign: 'POST /v1/tickets/{id}/assign',
  release: 'POST /v1/tickets/{id}/release',
  wait: 'POST /v1/tickets/{id}/wait',
  resume: 'POST /v1/tickets/{id}/resume',
  reply:
    'POST /v1/tickets/{id}/replies (a public reply; private notes and messages: POST /v1/tickets/{id}/notes, POST /v1/tickets/{id}/messages)',
  customer_reply: 'POST /v1/tickets/{id}/replies (as a requester or service)',
  resolve: 'POST /v1/tickets/{id}/resolve',
  reopen: 'POST /v1/tickets/{id}/reopen',
  spam: 'POST /v1/tickets/{id}/spam',
  delete: 'DELETE /v1/tickets/{id}',
  restore: 'POST /v1/tickets/{id}/restore',
  reclassify: 'POST /v1/tickets/{id}/reclassify',
  end_case: 'POST /v1/tickets/{id}/end_case',
  attach: 'POST /v1/tickets/{id}/attachments',
  merge: 'POST /v1/tickets/{id}/merge',
  split: 'POST /v1/tickets/{id}/split',
  purge: 'DELETE /v1/tickets/{id}/purge',
  apply_macro: 'POST /v1/tickets/{id}/macros/{macroId}',
};
documentCommandRoutes(COMMAND_ROUTES);

/** What a command on a ticket may answer besides the problems every operation may. */
export const TICKET_PROBLEMS = [403, 404, 409, 422];

for (const [name, route] of Object.entries(COMMANDS)) {
  document({
    method: 'post',
    path: `/v1/tickets/:id/${name}`,
    summary: route.summary,
    tag: 'commands',
    roles: route.roles,
    body: route.body,
    example: route.example,
    responses: { 200: ZTicketSchema, ...(name === 'replies' ? { 201: ZTicketSchema } : {}) },
    problems: TICKET_PROBLEMS,
  });
}
