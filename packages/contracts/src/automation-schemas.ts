// Zod schemas of the automation rules (automation.ts) as the API and the settings take them.
import { z } from 'zod';
import { CONDITION_FIELDS, CONDITION_OPERATORS, TIME_RULE_ANCHORS, TRIGGER_EVENTS } from './automation';
import type { AutomationAction, Conditions } from './automation';
import { TEXT_LIMITS } from './limits';

const zText = (max: number) => z.string().trim().min(1).max(max);

export const ZConditionSchema = z
  .strictObject({
    field: z.union([
      z.enum(CONDITION_FIELDS),
      z.string().regex(/^custom\.[a-z][a-z0-9_]{0,39}$/, 'is not a ticket field, nor custom.<key>'),
    ]),
    op: z.enum(CONDITION_OPERATORS),
    value: z.string().max(500).optional(),
  })
  .refine((c) => c.op === 'present' || c.op === 'absent' || c.value !== undefined, {
    message: 'needs a value (only present and absent take none)',
    path: ['value'],
  });

export const ZConditionsSchema = z
  .strictObject({
    all: z.array(ZConditionSchema).max(50).optional(),
    any: z.array(ZConditionSchema).max(50).optional(),
  })
  .describe('Every condition of `all` holds, and at least one of `any` when it lists some');

const zMailTarget = z.union([z.enum(['requester', 'assignee', 'group']), z.email()]);

export const ZAutomationActionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('set_fields'),
    fields: z
      .strictObject({
        priority: zText(100).optional(),
        severity: zText(100).optional(),
        category: zText(100).optional(),
        type: zText(100).optional(),
      })
      .refine((f) => Object.keys(f).length > 0, 'names no field'),
  }),
  z.strictObject({ type: z.literal('add_tags'), tags: z.array(zText(100)).min(1).max(50) }),
  z.strictObject({ type: z.literal('remove_tags'), tags: z.array(zText(100)).min(1).max(50) }),
  z.strictObject({ type: z.literal('assign_group'), group: zText(100) }),
  z.strictObject({ type: z.literal('assign_agent'), agent: zText(200) }),
  z.strictObject({
    type: z.literal('send_mail'),
    to: z.array(zMailTarget).min(1).max(20),
    subject: zText(TEXT_LIMITS.title),
    body: zText(TEXT_LIMITS.message),
  }),
  z.strictObject({ type: z.literal('add_note'), body: zText(TEXT_LIMITS.message) }),
  z.strictObject({ type: z.literal('call_webhook'), webhook: zText(200) }),
  z.strictObject({ type: z.literal('close') }),
  z.strictObject({ type: z.literal('resolve') }),
]) satisfies z.ZodType<AutomationAction>;

const zActions = z.array(ZAutomationActionSchema).min(1).max(20);
const zName = zText(200);

export const ZTriggerInputSchema = z.strictObject({
  name: zName,
  on: z.array(z.enum(TRIGGER_EVENTS)).min(1),
  conditions: ZConditionsSchema.default({}) as z.ZodType<Conditions>,
  actions: zActions,
  active: z.boolean().default(true),
  /** Where it goes in the evaluation order (0: first); at the end when left out. */
  position: z.number().int().min(0).optional(),
});

export const ZTimeRuleInputSchema = z.strictObject({
  name: zName,
  anchor: z.enum(TIME_RULE_ANCHORS),
  hours: z
    .number()
    .positive()
    .max(24 * 366),
  conditions: ZConditionsSchema.default({}) as z.ZodType<Conditions>,
  actions: zActions,
  active: z.boolean().default(true),
});

export const ZMacroInputSchema = z
  .strictObject({
    name: zName,
    shared: z.boolean().default(false).describe('Shared with every agent (admins only); else personal'),
    actions: z.array(ZAutomationActionSchema).max(20).default([]),
    reply: z
      .strictObject({
        body: zText(TEXT_LIMITS.message),
        visibility: z.enum(['public', 'private_note']).default('public'),
      })
      .optional(),
  })
  .refine((m) => m.actions.length > 0 || m.reply !== undefined, 'does nothing: give actions or a reply');

/** Actions a macro may not take: closing, resolving and webhooks are for rules, not an agent's click. */
export const MACRO_FORBIDDEN_ACTIONS: readonly AutomationAction['type'][] = ['close', 'resolve', 'call_webhook'];

const zRuleId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'is not a rule id (letters, digits, _ and -; 64 at most)')
  .describe('Its id (kept by the ticket events it acts on)');

/** A trigger as the settings hold it (PUT /v1/settings takes the whole ordered list). */
export const ZTriggerSchema = ZTriggerInputSchema.omit({ position: true })
  .extend({ id: zRuleId })
  .meta({ id: 'Trigger' });
export const ZTimeRuleSchema = ZTimeRuleInputSchema.extend({ id: zRuleId }).meta({ id: 'TimeRule' });

/** Rules across the lists: ids are unique within each. */
export function automationSettingsProblems(settings: {
  triggers?: { id: string }[] | undefined;
  timeRules?: { id: string }[] | undefined;
}): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  for (const key of ['triggers', 'timeRules'] as const) {
    const seen = new Set<string>();
    (settings[key] ?? []).forEach((r, i) => {
      if (seen.has(r.id)) problems.push({ field: `${key}[${i}].id`, message: `"${r.id}" is used twice` });
      seen.add(r.id);
    });
  }
  return problems;
}
