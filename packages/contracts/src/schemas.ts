// Zod schemas for what crosses a process boundary (HTTP bodies, settings, tokens). Strict objects:
// an unknown field is an error, never silently dropped.
import { z } from 'zod';
import { RESOLUTION_METHODS, ROLES } from './ticket';

const zText = (max: number) => z.string().trim().min(1).max(max);
const zPerson = z.strictObject({ id: zText(200), name: zText(200).optional(), email: z.email().optional() });

export const ZEditableFieldsSchema = z.strictObject({
  title: zText(300).optional(),
  description: zText(20_000).optional(),
  category: zText(100).optional(),
  type: zText(100).optional(),
  group: zText(100).optional(),
  severity: zText(100).optional(),
  priority: zText(100).optional(),
  requester: zPerson.optional(),
  primaryContact: zPerson.optional(),
  company: zText(200).optional(),
  ccs: z.array(z.email()).max(50).optional(),
  notifyThirdParty: z.boolean().optional(),
  project: zText(200).optional(),
  contract: zText(200).optional(),
  tags: z.array(zText(60)).max(50).optional(),
  brand: zText(100).optional(),
  supportAddress: z.email().optional(),
});

export const ZCreateTicketRequestSchema = ZEditableFieldsSchema.extend({
  /** true: keep it as a draft; false (default): submit at once. */
  draft: z.boolean().optional(),
  assignee: zText(200).optional(),
});
export type TCreateTicketRequest = z.infer<typeof ZCreateTicketRequestSchema>;

export const ZEmptyRequestSchema = z.strictObject({});

export const ZResolveRequestSchema = z.strictObject({
  method: z.enum(RESOLUTION_METHODS),
  note: zText(20_000).optional(),
});
export type TResolveRequest = z.infer<typeof ZResolveRequestSchema>;

export const ZReplyRequestSchema = z.strictObject({
  body: zText(50_000),
  visibility: z.enum(['public', 'private_note', 'private_message']).default('public'),
  recipients: z.array(zText(320)).min(1).max(50).optional(),
  resolve: z.strictObject({ method: z.enum(RESOLUTION_METHODS) }).optional(),
});
export type TReplyRequest = z.infer<typeof ZReplyRequestSchema>;

export const ZTokenClaimsSchema = z.object({
  sub: zText(200),
  role: z.enum(ROLES),
  name: zText(200).optional(),
  email: z.email().optional(),
});
export type TTokenClaims = z.infer<typeof ZTokenClaimsSchema>;
