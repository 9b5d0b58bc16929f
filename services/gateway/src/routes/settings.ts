// /v1/settings: everyone on staff reads them; admins change them. A change is stored, then
// broadcast durably to every open ticket (their next timer decision uses it).
import { Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import {
  ZBusinessCalendarSchema,
  ZCustomFieldSchema,
  ZSlaPolicySchema,
  ZTimeRuleSchema,
  ZTriggerSchema,
  storeKeyProblem,
  zMailAddress,
  zStoreKey,
} from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { WHO_MAY_ALSO, describeRoles, mayDo } from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { ForbiddenError } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';
import { changeSettings, groupSettingsThroughDirectory } from '../settings-changes';

const list = z.array(z.string().trim().min(1).max(100)).min(1).max(200);
/** Settings are stored as one document: its map keys must be keys the store can hold. */
const storableMap = <V extends z.ZodType>(value: V) =>
  z.record(zStoreKey(100), value, {
    error: (issue) => (issue.code === 'invalid_key' ? storeKeyProblem(String(issue.input)) : undefined),
  });
const domain = z
  .string()
  .min(1)
  .max(200)
  .regex(/^(?!-)[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/, 'is not a domain name');
const hours = z
  .number()
  .positive()
  .max(24 * 365);

export const ZSettingsPatchSchema = z
  .strictObject({
    numberingMask: z.string().min(3).max(100),
    requestTypes: list,
    groups: list,
    severities: list,
    categories: list,
    autoReadInternal: z.boolean(),
    autoAssignCreator: z.boolean(),
    notifyOnClose: z.boolean(),
    responseDelayHours: hours.nullable(),
    actionDelayHours: hours.nullable(),
    reclassifyClosed: z.boolean(),
    notificationSender: z.string().min(3).max(320),
    creationNotificationAddress: zMailAddress.nullable(),
    notificationHeader: z.string().max(2_000),
    notificationFooter: z.string().max(2_000),
    feedbackWindowHours: hours,
    defaultWaitDays: z.number().positive().max(365),
    closeIfNoResponse: z.boolean(),
    followUpKeepsAssigneeAndGroup: z.boolean(),
    resolutionRequiresMessage: z.boolean(),
    brandSupportAddresses: storableMap(zMailAddress),
    defaultBrand: z.string().min(1).max(100),
    brandLocales: storableMap(z.enum(['en', 'fr', 'es'])).describe(
      "A brand's mail language for recipients whose directory locale has no templates (else en)",
    ),
    continueAsNewAfterEvents: z.number().int().min(50).max(50_000),
    // Below the command timeout: a command still in flight after it is answered 504 anyway.
    receiptGraceSeconds: z.number().min(0).max(8),
    collectorAddresses: z.array(zMailAddress).max(100),
    collectorDefaultType: z.string().min(1).max(100).nullable(),
    collectorDefaultGroup: z.string().min(1).max(100).nullable(),
    collectorAllowUnknownSenders: z.boolean(),
    collectorKnownDomains: z.array(domain).max(500),
    suspendedRetentionDays: z.number().positive().max(3650),
    mailLimitPerSenderPerHour: z.number().int().min(1).max(100_000),
    mailLimitPerTicketPerHour: z.number().int().min(1).max(100_000),
    businessCalendars: storableMap(ZBusinessCalendarSchema).describe('Business calendars by name (service levels)'),
    groupCalendars: storableMap(z.string().min(1).max(100)).describe(
      'Group name → business calendar name (kept from the directory: see /v1/groups)',
    ),
    assignOutsideGroup: z
      .boolean()
      .describe('A ticket may be assigned to an agent outside its group (else 409); default false'),
    slaPolicies: z
      .array(ZSlaPolicySchema)
      .max(100)
      .describe('SLA policies, first match wins; a ticket none matches keeps the two global delays'),
    customFields: z
      .array(ZCustomFieldSchema)
      .max(200)
      .describe('Custom fields tickets carry in `custom` (also changed one by one at /v1/custom-fields)'),
    triggers: z
      .array(ZTriggerSchema)
      .max(200)
      .describe('Triggers, in evaluation order (also changed one by one at /v1/triggers)'),
    timeRules: z.array(ZTimeRuleSchema).max(200).describe('Time rules (also changed one by one at /v1/time-rules)'),
  })
  .partial();

export const ZSettingsSchema = ZSettingsPatchSchema.required()
  .extend({ version: z.number().int().min(0).describe('Bumped by every change') })
  .meta({ id: 'Settings' });

document({
  method: 'get',
  path: '/v1/settings',
  summary: 'The settings',
  tag: 'settings',
  roles: describeRoles(WHO_MAY_ALSO.read_settings),
  responses: { 200: ZSettingsSchema },
  problems: [403],
});
document({
  method: 'put',
  path: '/v1/settings',
  summary: 'Change settings (partial); open tickets use them for their next timer decisions',
  tag: 'settings',
  roles: describeRoles(WHO_MAY_ALSO.change_settings),
  body: ZSettingsPatchSchema,
  example: { feedbackWindowHours: 72, defaultWaitDays: 5, resolutionRequiresMessage: true },
  responses: { 200: ZSettingsSchema },
  problems: [403, 409],
});

export function settingsRoutes(store: Store, client: Client, taskQueue: string): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const actor = actorOf(res);
    if (!mayDo(actor, 'read_settings')) throw new ForbiddenError('Only staff read the settings');
    res.json(await store.getSettings());
  });

  router.put('/', async (req, res) => {
    const actor = actorOf(res);
    if (!mayDo(actor, 'change_settings')) throw new ForbiddenError('Only admins change the settings');
    const patch = parse(ZSettingsPatchSchema, req.body);
    // Groups live in the directory: named here, they are written there first (routes/directory-groups.ts).
    res.json(await changeSettings(store, client, taskQueue, await groupSettingsThroughDirectory(store, patch)));
  });

  return router;
}
