// Zod schemas for what crosses a process boundary (HTTP bodies, settings, tokens). Strict objects:
// an unknown field is an error, never silently dropped.
import { z } from 'zod';
import { InvalidCalendarError, businessCalendarSchema, parseBusinessCalendar } from '@helpdesk/business-calendar';
import type { Settings } from './settings';
import { RESOLUTION_METHODS, ROLES } from './ticket';
import { TEXT_LIMITS, zRecipients } from './limits';
import { CUSTOM_FIELD_KEY_PATTERN, CUSTOM_FIELD_KINDS } from './custom-fields';

const zText = (max: number) => z.string().trim().min(1).max(max);
const zPerson = z.strictObject({ id: zText(200), name: zText(200).optional(), email: z.email().optional() });

// Custom field values, as far as their shape goes: which keys exist and what kind each takes is the
// settings' to say (the gateway checks them against the definitions).
const zCustomKey = z.string().regex(CUSTOM_FIELD_KEY_PATTERN, 'is not a custom field key (a-z, 0-9, _; 40 at most)');
export const zCustomValue = z.union([
  z.string().max(TEXT_LIMITS.title * 10),
  z.number(),
  z.boolean(),
  z.array(z.string().max(200)).max(100),
]);
export const ZCustomValuesPatchSchema = z
  .record(zCustomKey, zCustomValue.nullable())
  .describe('Custom field values by key (GET /v1/custom-fields); null clears a value');

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
  custom: ZCustomValuesPatchSchema.optional(),
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

// Service levels (settings `businessCalendars`, `groupCalendars`, `slaPolicies`).

export const ZBusinessCalendarSchema = businessCalendarSchema.meta({
  id: 'BusinessCalendar',
  description:
    'IANA timeZone, weeklyHours per weekday (HH:MM intervals; nextDay: true past midnight), holidays (local dates)',
});

// A year of working minutes at most: due instants stay within the arithmetic's horizon.
const zTargetMinutes = z.number().positive().max(525_600).nullable().optional();
const zNames = z.array(zText(100)).max(200).optional();
export const ZSlaPolicySchema = z
  .strictObject({
    name: zText(100),
    priorities: zNames,
    groups: zNames,
    types: zNames,
    calendar: zText(100).optional().describe('A key of businessCalendars; else the group calendar, else 24×7'),
    firstResponseMinutes: zTargetMinutes,
    nextResponseMinutes: zTargetMinutes,
    resolutionMinutes: zTargetMinutes,
    warnBeforeMinutes: zTargetMinutes.describe('Working minutes before each due instant'),
  })
  .meta({ id: 'SlaPolicy' });

/** Where the settings' SLA parts are wrong: calendars that do not parse, names that name no calendar. */
export function slaSettingsProblems(settings: Settings): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const calendars = settings.businessCalendars ?? {};
  for (const [name, calendar] of Object.entries(calendars)) {
    try {
      parseBusinessCalendar(calendar);
    } catch (err) {
      const found =
        err instanceof InvalidCalendarError ? err.problems : [{ field: '', message: 'is not a business calendar' }];
      for (const p of found) {
        problems.push({ field: `businessCalendars.${name}${p.field ? `.${p.field}` : ''}`, message: p.message });
      }
    }
  }
  for (const [group, name] of Object.entries(settings.groupCalendars ?? {})) {
    if (!Object.hasOwn(calendars, name))
      problems.push({ field: `groupCalendars.${group}`, message: `names no business calendar: "${name}"` });
  }
  const names = new Set<string>();
  (settings.slaPolicies ?? []).forEach((p, i) => {
    if (p.calendar !== undefined && !Object.hasOwn(calendars, p.calendar))
      problems.push({ field: `slaPolicies[${i}].calendar`, message: `names no business calendar: "${p.calendar}"` });
    if (names.has(p.name)) problems.push({ field: `slaPolicies[${i}].name`, message: `"${p.name}" is named twice` });
    names.add(p.name);
  });
  return problems;
}

// Custom fields (settings `customFields`): the definitions; across definitions (unique keys,
// options for the choice kinds) see customFieldProblems in @helpdesk/ticket-rules.
export const ZCustomFieldSchema = z
  .strictObject({
    key: z.string().regex(CUSTOM_FIELD_KEY_PATTERN, 'is a-z, 0-9 and _, starting with a letter, 40 at most'),
    label: zText(200),
    kind: z.enum(CUSTOM_FIELD_KINDS),
    options: z.array(zText(200)).min(1).max(200).optional().describe('dropdown and multi_select: the values allowed'),
    types: zNames.describe('Ticket types it applies to; left out: every type'),
    requiredToSubmit: z.boolean().optional(),
    requiredToResolve: z.boolean().optional(),
    active: z.boolean(),
  })
  .meta({ id: 'CustomField' });
