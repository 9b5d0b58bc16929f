// Triggers and time rules, one by one (they live in the versioned settings: every change is a
// settings change, so tickets act with the rules in effect when an event happened), and a dry run
// of either against a ticket: what it would do now, committing nothing.
import { randomUUID } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { Client } from '@temporalio/client';
import {
  TRIGGER_EVENTS,
  ZTimeRuleInputSchema,
  ZTimeRuleSchema,
  ZTriggerInputSchema,
  ZTriggerSchema,
} from '@helpdesk/contracts';
import type { Actor, AutomationAction, Settings, TimeRule, Trigger } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { WHO_MAY_ALSO, actionsRefusal, describeRoles, dryRun, mayDo, timeRuleDeadlines } from '@helpdesk/ticket-client';
import type { Tickets } from '@helpdesk/ticket-client';
import { actorOf } from '../auth';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';
import { changeSettings } from '../settings-changes';

const ZDryRunRequestSchema = z.strictObject({
  ticketId: z.string().trim().min(1).max(100),
  event: z
    .enum(TRIGGER_EVENTS)
    .optional()
    .describe('The event to suppose (triggers); default: the first it listens to'),
});
const ZDryRunSchema = z
  .object({
    listens: z.boolean().describe('Whether the rule listens to that event'),
    matches: z.boolean().describe('Whether its conditions hold for the ticket now'),
    conditions: z.array(
      z.object({
        field: z.string(),
        op: z.string(),
        value: z.string().optional(),
        group: z.enum(['all', 'any']),
        holds: z.boolean(),
      }),
    ),
    changes: z.record(z.string(), z.unknown()).describe('Fields it would change, with their new values'),
    events: z.array(z.object({ type: z.string(), data: z.record(z.string(), z.unknown()).optional() })),
    mail: z.array(z.object({ kind: z.string(), to: z.array(z.string()), subject: z.string().optional() })),
    webhooks: z.array(z.string()),
    dueAt: z.iso.datetime().optional().describe('Time rules: when it would act on this ticket'),
  })
  .meta({ id: 'AutomationDryRun' });

const READ = describeRoles(WHO_MAY_ALSO.read_settings);
const CHANGE = describeRoles(WHO_MAY_ALSO.change_settings);
const TRIGGER_EXAMPLE = {
  name: 'Printers to the hardware team',
  on: ['created'],
  conditions: { all: [{ field: 'title', op: 'contains', value: 'printer' }] },
  actions: [
    { type: 'assign_group', group: 'support' },
    { type: 'add_tags', tags: ['printer'] },
  ],
};
const TIME_RULE_EXAMPLE = {
  name: 'Remind the requester after two days on hold',
  anchor: 'status_changed',
  hours: 48,
  conditions: { all: [{ field: 'status', op: 'is', value: 'waiting' }] },
  actions: [
    {
      type: 'send_mail',
      to: ['requester'],
      subject: 'Any news on {{ticket.reference}}?',
      body: 'Hello {{requester.name}}, …',
    },
  ],
};

/** The two kinds of rule, each a list in the settings. */
const KINDS = {
  triggers: {
    path: '/v1/triggers',
    noun: 'trigger',
    input: ZTriggerInputSchema,
    schema: ZTriggerSchema,
    example: TRIGGER_EXAMPLE,
    idPrefix: 'tr',
  },
  timeRules: {
    path: '/v1/time-rules',
    noun: 'time rule',
    input: ZTimeRuleInputSchema,
    schema: ZTimeRuleSchema,
    example: TIME_RULE_EXAMPLE,
    idPrefix: 'tm',
  },
} as const;

for (const { path, noun, input, schema, example } of Object.values(KINDS)) {
  const list = z.object({ items: z.array(schema) }).meta({ id: `${schema.meta()?.id ?? noun}List` });
  document({
    method: 'get',
    path,
    summary: `Every ${noun}, in order`,
    tag: 'automation',
    roles: READ,
    responses: { 200: list },
    problems: [403],
  });
  document({
    method: 'post',
    path,
    summary: `Add a ${noun} (a settings change: tickets act with it from their next event)`,
    tag: 'automation',
    roles: CHANGE,
    body: input,
    example,
    responses: { 201: schema },
    problems: [403],
  });
  document({
    method: 'get',
    path: `${path}/:id`,
    summary: `One ${noun}`,
    tag: 'automation',
    roles: READ,
    responses: { 200: schema },
    problems: [403, 404],
  });
  document({
    method: 'put',
    path: `${path}/:id`,
    summary: `Replace a ${noun}`,
    tag: 'automation',
    roles: CHANGE,
    body: input,
    example,
    responses: { 200: schema },
    problems: [403, 404, 409],
  });
  document({
    method: 'delete',
    path: `${path}/:id`,
    summary: `Delete a ${noun}`,
    tag: 'automation',
    roles: CHANGE,
    responses: { 204: undefined },
    problems: [403, 404, 409],
  });
  document({
    method: 'post',
    path: `${path}/:id/test`,
    summary: `Dry run: what the ${noun} would do to a ticket now (nothing is committed)`,
    tag: 'automation',
    roles: CHANGE,
    body: ZDryRunRequestSchema,
    example: { ticketId: '5f1d2c3b-8a9e-4b7c-9d6e-1a2b3c4d5e6f' },
    responses: { 200: ZDryRunSchema },
    problems: [403, 404],
  });
}

type Rule = Trigger | TimeRule;

export function automationRoutes(store: Store, tickets: Tickets, client: Client, taskQueue: string): Router {
  const router = Router();

  const reader = (actor: Actor) => {
    if (!mayDo(actor, 'read_settings')) throw new ForbiddenError('Only staff read the automation rules');
  };
  const changer = (actor: Actor) => {
    if (!mayDo(actor, 'change_settings')) throw new ForbiddenError('Only admins change the automation rules');
  };
  /** A rule assigns only groups and agents the directory has; a webhook it calls must exist. */
  const checkActions = async (settings: Settings, actions: AutomationAction[]) => {
    const refusal = await actionsRefusal(store, settings, actions, 'body.actions');
    if (refusal) throw refusal;
    const missing = [];
    for (const [i, a] of actions.entries())
      if (a.type === 'call_webhook' && !(await store.webhooks.get(a.webhook)))
        missing.push({ field: `body.actions.${i}.webhook`, message: `names no webhook subscription: ${a.webhook}` });
    if (missing.length > 0) throw new ValidationError(missing);
  };
  /** The rule of that kind, or 404. */
  const find = (rules: readonly Rule[], key: keyof typeof KINDS, id: string): Rule => {
    const rule = rules.find((r) => r.id === id);
    if (!rule) throw new NotFoundError(`${KINDS[key].noun[0]?.toUpperCase()}${KINDS[key].noun.slice(1)} ${id}`);
    return rule;
  };
  /** The kind's list changed from the list as it is when stored (another admin's change kept). */
  const save = (key: keyof typeof KINDS, change: (rules: Rule[]) => Rule[]) =>
    changeSettings(
      store,
      client,
      taskQueue,
      (current) => ({ [key]: change([...(current[key] ?? [])]) }) as Partial<Settings>,
    );

  for (const key of Object.keys(KINDS) as (keyof typeof KINDS)[]) {
    const { path, input, idPrefix } = KINDS[key];
    const base = path.replace('/v1', '');

    router.get(base, async (_req, res) => {
      reader(actorOf(res));
      res.json({ items: (await store.getSettings())[key] ?? [] });
    });

    router.get(`${base}/:id`, async (req, res) => {
      reader(actorOf(res));
      res.json(find((await store.getSettings())[key] ?? [], key, req.params.id));
    });

    router.post(base, async (req, res) => {
      changer(actorOf(res));
      const { position, ...body } = { position: undefined, ...parse(input, req.body) };
      const settings = await store.getSettings();
      await checkActions(settings, body.actions);
      const rule = { id: `${idPrefix}-${randomUUID().slice(0, 8)}`, ...body } as Rule;
      await save(key, (rules) => {
        rules.splice(position ?? rules.length, 0, rule);
        return rules;
      });
      res.status(201).location(`${path}/${rule.id}`).json(rule);
    });

    router.put(`${base}/:id`, async (req, res) => {
      changer(actorOf(res));
      const { position, ...body } = { position: undefined, ...parse(input, req.body) };
      // Past the one-second cache: a rule made a moment ago through another gateway is there.
      const settings = await store.currentSettings();
      find(settings[key] ?? [], key, req.params.id);
      await checkActions(settings, body.actions);
      const rule = { id: req.params.id, ...body } as Rule;
      await save(key, (current) => {
        // Deleted meanwhile: 404, as if the delete had come first.
        find(current, key, rule.id);
        const rules = current.filter((r) => r.id !== rule.id);
        rules.splice(position ?? current.findIndex((r) => r.id === rule.id), 0, rule);
        return rules;
      });
      res.json(rule);
    });

    router.delete(`${base}/:id`, async (req, res) => {
      changer(actorOf(res));
      await save(key, (rules) => {
        find(rules, key, req.params.id);
        return rules.filter((r) => r.id !== req.params.id);
      });
      res.status(204).end();
    });

    router.post(`${base}/:id/test`, async (req, res) => {
      const actor = actorOf(res);
      changer(actor);
      const body = parse(ZDryRunRequestSchema, req.body);
      const settings = await store.getSettings();
      const rule = find(settings[key] ?? [], key, req.params.id);
      const ticket = await tickets.get(body.ticketId, actor);
      const ctx = { now: Date.now(), actor, settings };
      if ('on' in rule) {
        const event = body.event ?? rule.on[0];
        res.json(dryRun(ticket, rule, 'trigger', ctx, event !== undefined && rule.on.includes(event)));
        return;
      }
      if (body.event !== undefined)
        throw new ValidationError([{ field: 'body.event', message: 'applies to triggers only' }]);
      // A time rule acts when its instant comes: the dry run tells when, and what it would do then.
      const due = timeRuleDeadlines(ticket, [rule]).find((d) => d.rule.id === rule.id);
      res.json({
        ...dryRun(ticket, rule, 'time_rule', ctx, due !== undefined),
        ...(due ? { dueAt: new Date(due.at).toISOString() } : {}),
      });
    });
  }
  return router;
}
