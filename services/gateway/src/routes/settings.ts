// /v1/settings: everyone on staff reads them; admins change them. A change is stored, then
// broadcast durably to every open ticket (their next timer decision uses it).
import { Router } from 'express';
import type { Response } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import type { Actor } from '@helpdesk/contracts';
import { validateMask } from '@helpdesk/persistence';
import type { Store } from '@helpdesk/persistence';
import { ForbiddenError, ValidationError } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';

const list = z.array(z.string().trim().min(1).max(100)).min(1).max(200);
const hours = z.number().positive().max(24 * 365);

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
    creationNotificationAddress: z.email().nullable(),
    notificationHeader: z.string().max(2_000),
    notificationFooter: z.string().max(2_000),
    feedbackWindowHours: hours,
    defaultWaitDays: z.number().positive().max(365),
    closeIfNoResponse: z.boolean(),
    followUpKeepsAssigneeAndGroup: z.boolean(),
    resolutionRequiresMessage: z.boolean(),
    brandSupportAddresses: z.record(z.string().min(1).max(100), z.email()),
    defaultBrand: z.string().min(1).max(100),
    continueAsNewAfterEvents: z.number().int().min(50).max(50_000),
    collectorAddresses: z.array(z.email()).max(100),
    collectorDefaultType: z.string().min(1).max(100).nullable(),
    collectorDefaultGroup: z.string().min(1).max(100).nullable(),
    collectorAllowUnknownSenders: z.boolean(),
    collectorKnownDomains: z.array(z.string().min(1).max(200)).max(500),
    suspendedRetentionDays: z.number().positive().max(3650),
    mailLimitPerSenderPerHour: z.number().int().min(1).max(100_000),
    mailLimitPerTicketPerHour: z.number().int().min(1).max(100_000),
  })
  .partial();

const actorOf = (res: Response): Actor => res.locals.actor as Actor;

export const ZSettingsSchema = ZSettingsPatchSchema.required()
  .extend({ version: z.number().int().min(0).describe('Bumped by every change') })
  .meta({ id: 'Settings' });

document({ method: 'get', path: '/v1/settings', summary: 'The settings', tag: 'settings', roles: 'admin, agent', responses: { 200: ZSettingsSchema }, problems: [403] });
document({
  method: 'put',
  path: '/v1/settings',
  summary: 'Change settings (partial); open tickets use them for their next timer decisions',
  tag: 'settings',
  roles: 'admin',
  body: ZSettingsPatchSchema,
  responses: { 200: ZSettingsSchema },
  problems: [403],
});

export function settingsRoutes(store: Store, client: Client, taskQueue: string): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    const actor = actorOf(res);
    if (actor.role !== 'admin' && actor.role !== 'agent') throw new ForbiddenError('Only staff read the settings');
    res.json(await store.getSettings());
  });

  router.put('/', async (req, res) => {
    const actor = actorOf(res);
    if (actor.role !== 'admin') throw new ForbiddenError('Only admins change the settings');
    const patch = parse(ZSettingsPatchSchema, req.body);
    if (patch.numberingMask !== undefined) {
      try {
        validateMask(patch.numberingMask);
      } catch (err) {
        throw new ValidationError([{ field: 'body.numberingMask', message: err instanceof Error ? err.message : 'is invalid' }]);
      }
    }
    const previous = await store.getSettings();
    const settings = await store.putSettings(patch);
    await client.workflow.start('settingsBroadcastWorkflow', {
      taskQueue,
      workflowId: `settings-broadcast-${settings.version}`,
      args: [settings, previous],
    });
    res.json(settings);
  });

  return router;
}
