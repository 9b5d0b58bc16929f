// Zod schemas for what crosses a process boundary (HTTP bodies, settings, tokens). Strict objects:
// an unknown field is an error, never silently dropped.
import { z } from 'zod';
import { RESOLUTION_METHODS, ROLES } from './ticket';
import { TEXT_LIMITS, zRecipients } from './limits';

const zText = (max: number) => z.string().trim().min(1).max(max);
const zPerson = z.strictObject({ id: zText(200), name: zText(200).optional(), email: z.email().optional() });

export const ZEditableFieldsSchema = z.strictObject({
  title: zText(TEXT_LIMITS.title).optional(),
  description: zText(TEXT_LIMITS.description).optional(),
  category: zText(100).optional(),
  type: zText(100).optional(),
  group: zText(100).optional(),
  severity: zText(100).optional(),
  priority: zText(100).optional(),
  requester: zPerson.optional(),
  primaryContact: zPerson.optional(),
  company: zText(200).optional(),
  ccs: zRecipients.optional(),
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
  note: zText(TEXT_LIMITS.description).optional(),
});
export type TResolveRequest = z.infer<typeof ZResolveRequestSchema>;

export const ZReplyRequestSchema = z.strictObject({
  body: zText(TEXT_LIMITS.message),
  visibility: z.enum(['public', 'private_note', 'private_message']).default('public'),
  recipients: zRecipients.min(1).optional(),
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
