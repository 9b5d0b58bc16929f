// Notification templates (admins): per brand, locale and kind, a stored override of the subject,
// text and HTML parts over the defaults that ship with the helpdesk (@helpdesk/templates), and a
// preview that renders a template as the notifier would send it. A template that does not compile
// is refused with a 400 that names the part and the line.
import { Router } from 'express';
import { z } from 'zod';
import { knownBrand } from '@helpdesk/contracts';
import type { Actor, Notification, Settings } from '@helpdesk/contracts';
import type { Store, StoredTemplate } from '@helpdesk/persistence';
import { mayDo } from '@helpdesk/ticket-client';
import {
  LOCALES,
  TEMPLATE_KINDS,
  TemplateError,
  brandOf,
  composeMail,
  defaultTemplate,
  renderTemplate,
  sampleContext,
  templateProblems,
  withOverride,
} from '@helpdesk/templates';
import type { Locale, TemplateKind, TemplateParts, TemplateProblem, TemplateSource } from '@helpdesk/templates';
import { actorOf } from '../auth';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { document } from '../openapi';
import { parse } from '../validate';

const zSource = z.string().max(20_000);
const ZPartsSchema = z
  .strictObject({
    subject: zSource.min(1).optional().describe('Handlebars; the reference in brackets is put before it'),
    text: zSource.optional().describe('Handlebars, not escaped'),
    html: zSource.optional().describe('Handlebars, values HTML-escaped; the body of the mail'),
  })
  .refine((p) => p.subject !== undefined || p.text !== undefined || p.html !== undefined, {
    message: 'needs at least one of subject, text, html',
  });
const ZParamsSchema = z.object({
  brand: z.string().min(1).max(100),
  locale: z.enum(LOCALES),
  kind: z.enum(TEMPLATE_KINDS),
});
const ZPreviewSchema = z.strictObject({
  kind: z.enum(TEMPLATE_KINDS),
  brand: z.string().min(1).max(100).optional().describe("The ticket's brand, else the default brand"),
  locale: z.enum(LOCALES).optional().describe("The requester's locale (a ticket's), else en"),
  ticketId: z.string().min(1).max(100).optional().describe('Render with this ticket; else with sample data'),
  message: z.string().max(20_000).optional().describe('The message a reply or rule would carry'),
  template: ZPartsSchema.optional().describe('Render these parts; else the stored template, else the default'),
});

const ZTemplateSchema = z
  .object({
    brand: z.string(),
    locale: z.enum(LOCALES),
    kind: z.enum(TEMPLATE_KINDS),
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    overridden: z.array(z.enum(['subject', 'text', 'html'])).describe('The parts the stored template sets'),
    updatedAt: z.iso.datetime().optional(),
    updatedBy: z.string().optional(),
  })
  .meta({ id: 'NotificationTemplate' });
const ZPreviewAnswerSchema = z
  .object({
    subject: z.string(),
    text: z.string(),
    html: z.string(),
    locale: z.enum(LOCALES),
    from: z.object({ name: z.string(), address: z.string() }),
  })
  .meta({ id: 'TemplatePreview' });

const ADMIN = 'admin';
const PATH = '/v1/templates/:brand/:locale/:kind';
document({
  method: 'get',
  path: PATH,
  summary: 'A notification template as it is used: the stored parts over the shipped default',
  tag: 'settings',
  roles: ADMIN,
  responses: { 200: ZTemplateSchema },
  problems: [403],
});
document({
  method: 'put',
  path: PATH,
  summary:
    "Store a brand's template for a locale and kind (parts left out use the default); 400 if one does not compile",
  tag: 'settings',
  roles: ADMIN,
  body: ZPartsSchema,
  example: { subject: 'Nous avons reçu votre demande : {{ticket.title}}', text: 'Bonjour {{requester.name}},' },
  responses: { 200: ZTemplateSchema },
  problems: [403],
});
document({
  method: 'delete',
  path: PATH,
  summary: 'Drop the stored template: the default is used again',
  tag: 'settings',
  roles: ADMIN,
  responses: { 204: undefined },
  problems: [403, 404],
});
document({
  method: 'post',
  path: '/v1/templates/preview',
  summary: 'Render a template (given, stored or default) with a ticket or sample data, as the notifier would send it',
  tag: 'settings',
  roles: ADMIN,
  body: ZPreviewSchema,
  example: { kind: 'ticket_received', locale: 'fr', template: { subject: 'Reçu : {{ticket.title}}' } },
  responses: { 200: ZPreviewAnswerSchema },
  problems: [403, 404],
});

function adminOnly(actor: Actor): void {
  if (!mayDo(actor, 'change_settings')) throw new ForbiddenError('Only admins read and change notification templates');
}

const problemsAt = (problems: TemplateProblem[], prefix: string) =>
  new ValidationError(
    problems.map((p) => ({
      field: `body.${prefix}${p.part}`,
      message: `does not compile${p.line ? ` (line ${p.line}${p.column ? `, column ${p.column}` : ''})` : ''}: ${p.message}`,
    })),
  );

/**
 * 400 naming each part that does not compile, or fails on sample data, and where
 * (`body.<prefix>text`: line 2: …).
 */
function mustCompile(parts: Partial<TemplateParts>, prefix: string, kind: TemplateKind, settings: Settings): void {
  const problems = templateProblems(parts, sampleContext(kind, brandOf(settings, undefined)));
  if (problems.length > 0) throw problemsAt(problems, prefix);
}

function brandParam(settings: Settings, brand: string, field: string): void {
  if (!knownBrand(settings, brand))
    throw new ValidationError([
      {
        field,
        message: `is not a brand of brandSupportAddresses (${Object.keys(settings.brandSupportAddresses).join(', ')})`,
      },
    ]);
}

/** A given template that fails on the data it is previewed with: the caller's 400, not a 500. */
function renderOrRefuse(...args: Parameters<typeof renderTemplate>): ReturnType<typeof renderTemplate> {
  try {
    return renderTemplate(...args);
  } catch (err) {
    if (err instanceof TemplateError) throw problemsAt(err.problems, 'template.');
    throw err;
  }
}

const present = (brand: string, locale: Locale, kind: TemplateKind, stored: StoredTemplate | undefined) => ({
  brand,
  locale,
  kind,
  ...withOverride(defaultTemplate(kind, locale), stored),
  overridden: (['subject', 'text', 'html'] as const).filter((p) => stored?.[p] !== undefined),
  ...(stored ? { updatedAt: new Date(stored.updatedAt).toISOString(), updatedBy: stored.updatedBy } : {}),
});

export function templateRoutes(store: Store): Router {
  const router = Router();

  // Before /:brand/:locale/:kind, which has one more segment anyway.
  router.post('/preview', async (req, res) => {
    const actor = actorOf(res);
    adminOnly(actor);
    const body = parse(ZPreviewSchema, req.body);
    const settings = await store.getSettings();
    if (body.template) mustCompile(body.template, 'template.', body.kind, settings);
    if (body.brand !== undefined) brandParam(settings, body.brand, 'body.brand');
    if (body.ticketId !== undefined) {
      const ticket = await store.getTicket(body.ticketId);
      if (!ticket) throw new NotFoundError(`Ticket ${body.ticketId}`);
      // The mail as it would go now: the next event of the ticket, to its requester.
      const notification: Notification = {
        id: `${ticket.id}:${ticket.eventSeq + 1}:${body.kind}`,
        kind: body.kind,
        ticketId: ticket.id,
        reference: ticket.reference,
        title: ticket.title ?? '(no subject)',
        to: ticket.requester?.email ? [ticket.requester.email] : [],
        cc: [],
        ...(body.message !== undefined ? { body: body.message } : {}),
      };
      // The store as the notifier reads it, but for the brand asked for (a preview of another brand's mail).
      const source: TemplateSource = {
        getTicket: async () => ({ ...ticket, ...(body.brand ? { brand: body.brand } : {}) }),
        listEvents: (id) => store.listEvents(id),
        directory: store.directory,
        templates: store.templates,
      };
      const draft = await composeMail(source, notification, settings, {
        locale: body.locale,
        template: body.template,
        agentId: actor.id,
        noFallback: true,
      });
      const sample = sampleContext(body.kind, draft.brand);
      let mail: ReturnType<typeof draft.render>;
      try {
        mail = draft.render({ satisfaction: sample.satisfaction });
      } catch (err) {
        if (err instanceof TemplateError) throw problemsAt(err.problems, 'template.');
        throw err;
      }
      res.json({ ...mail, locale: draft.locale, from: draft.from });
      return;
    }
    const locale = body.locale ?? 'en';
    const brand = brandOf(settings, body.brand);
    const stored = body.template ?? (await store.templates.get(brand.name, locale, body.kind));
    const context = sampleContext(body.kind, brand);
    const mail = renderOrRefuse(
      withOverride(defaultTemplate(body.kind, locale), stored),
      { ...context, ...(body.message !== undefined ? { message: body.message } : {}) },
      {
        reference: context.ticket.reference,
        reply: body.kind === 'agent_reply' || body.kind === 'private_message',
        header: settings.notificationHeader,
        footer: settings.notificationFooter,
      },
    );
    res.json({ ...mail, locale, from: { name: context.agent?.name ?? '', address: brand.supportAddress } });
  });

  router.get('/:brand/:locale/:kind', async (req, res) => {
    adminOnly(actorOf(res));
    const { brand, locale, kind } = parse(ZParamsSchema, req.params, 'params');
    brandParam(await store.getSettings(), brand, 'params.brand');
    res.json(present(brand, locale, kind, await store.templates.get(brand, locale, kind)));
  });

  router.put('/:brand/:locale/:kind', async (req, res) => {
    const actor = actorOf(res);
    adminOnly(actor);
    const { brand, locale, kind } = parse(ZParamsSchema, req.params, 'params');
    const parts = parse(ZPartsSchema, req.body);
    const settings = await store.getSettings();
    brandParam(settings, brand, 'params.brand');
    mustCompile(parts, '', kind, settings);
    const stored = await store.templates.put(brand, locale, kind, parts, actor.id);
    res.json(present(brand, locale, kind, stored));
  });

  router.delete('/:brand/:locale/:kind', async (req, res) => {
    adminOnly(actorOf(res));
    const { brand, locale, kind } = parse(ZParamsSchema, req.params, 'params');
    if (!(await store.templates.delete(brand, locale, kind)))
      throw new NotFoundError(`A stored ${kind} template for ${brand} in ${locale}`);
    res.status(204).end();
  });

  return router;
}
