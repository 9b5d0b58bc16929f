// What a notification says: the template for its kind in the recipient's language (their
// directory locale, else the brand's, else English), the brand's stored override when there is one, and the data
// it is rendered with, read from the store. The notifier sends what this composes and the gateway's
// preview shows it, so a preview is what would be sent. Every mail has a text and an
// HTML part, the settings' header and footer, and the ticket reference in brackets in the subject
// so replies thread back by subject; agent replies carry the agent's name and signature, "Re:" and
// the latest messages of the ticket quoted. Each brand sends from its own support address.
import type { DirectoryUser, Notification, Settings, TicketEvent, TicketState } from '@helpdesk/contracts';
import { DEFAULT_LOCALE, defaultTemplate, supportedLocale } from './defaults';
import type { Locale, TemplateParts } from './defaults';
import { TemplateError, renderTemplate } from './render';
import type { RenderedMail, TemplateContext } from './render';

/** What composing reads (the persistence Store has this shape; no dependency on it here). */
export interface TemplateSource {
  getTicket(id: string): Promise<TicketState | undefined>;
  listEvents(ticketId: string): Promise<TicketEvent[]>;
  directory: {
    user(id: string): Promise<DirectoryUser | undefined>;
    userByEmail(email: string): Promise<DirectoryUser | undefined>;
  };
  templates: {
    get(
      brand: string,
      locale: string,
      kind: string,
    ): Promise<{ subject?: string | undefined; text?: string | undefined; html?: string | undefined } | undefined>;
  };
}

export interface ComposeOptions {
  logger?: { warn(msg: string, fields?: Record<string, unknown>): void } | undefined;
  /** Preview: this locale rather than the recipient's. */
  locale?: Locale | undefined;
  /** Preview: these parts (checked by the caller) rather than the stored override or the default. */
  template?: Partial<TemplateParts> | undefined;
  /** Preview: a template that fails on the data throws (sending falls back to the default instead). */
  noFallback?: boolean | undefined;
  /** Preview: who writes an agent reply that has no timeline event yet. */
  agentId?: string | undefined;
}

/** A stored override of some parts over a base: the parts it leaves out are the base's. */
export const withOverride = (
  base: TemplateParts,
  override: { subject?: string | undefined; text?: string | undefined; html?: string | undefined } | undefined,
): TemplateParts => ({
  subject: override?.subject ?? base.subject,
  text: override?.text ?? base.text,
  html: override?.html ?? base.html,
});

/** Kinds that answer in the ticket's conversation: "Re:" before the subject. */
const REPLIES = new Set<Notification['kind']>(['agent_reply', 'private_message']);
/** How many earlier messages an agent reply quotes. */
const QUOTED = 3;

/** The display name and address of a "Name <address>" setting. */
export function parseSender(sender: string): { name: string; address: string } {
  const match = /^\s*"?([^"<]*?)"?\s*<([^>]+)>\s*$/.exec(sender);
  return match
    ? { name: (match[1] ?? '').trim(), address: (match[2] ?? '').trim() }
    : { name: '', address: sender.trim() };
}

/** A brand's name and support address (settings.brandSupportAddresses), the default brand's otherwise. */
export function brandOf(settings: Settings, brand: string | undefined): { name: string; supportAddress: string } {
  const addresses = settings.brandSupportAddresses;
  const own = brand !== undefined ? addresses[brand] : undefined;
  if (brand !== undefined && own) return { name: brand, supportAddress: own };
  const fallback = addresses[settings.defaultBrand] ?? parseSender(settings.notificationSender).address;
  return { name: settings.defaultBrand, supportAddress: fallback };
}

/** The timeline event that caused the notification: its id is `<ticket>:<seq>:<kind>`. */
const seqOf = (n: Notification): number | undefined => {
  const parts = n.id.split(':');
  const seq = Number(parts[parts.length - 2]);
  return Number.isInteger(seq) ? seq : undefined;
};

function formatter(locale: Locale, timeZone: string | undefined): (at: number) => string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: timeZone ?? 'UTC' });
  } catch {
    // A zone the runtime does not know: UTC rather than no mail.
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  }
  return (at) => format.format(new Date(at));
}

/** The public messages of the timeline before `seq`, newest first (a reply quotes what it answers). */
function quotedMessages(
  events: TicketEvent[],
  ticket: TicketState | undefined,
  before: number | undefined,
  at: (ms: number) => string,
): TemplateContext['quoted'] {
  const messages: { author: string; at: number; body: string }[] = [];
  if (ticket?.description) {
    const requester = ticket.requester;
    messages.push({
      author: requester?.name ?? requester?.email ?? 'requester',
      at: ticket.submittedAt ?? ticket.createdAt,
      body: ticket.description,
    });
  }
  for (const e of events) {
    if (before !== undefined && e.seq >= before) continue;
    const body = typeof e.data?.body === 'string' ? e.data.body : undefined;
    if (!body) continue;
    if (e.type === 'replied' && e.data?.visibility === 'public')
      messages.push({ author: e.actor.name ?? e.actor.id, at: e.at, body });
    if (e.type === 'customer_replied') {
      const from = typeof e.data?.from === 'string' ? e.data.from : undefined;
      messages.push({ author: e.actor.name ?? from ?? e.actor.email ?? e.actor.id, at: e.at, body });
    }
  }
  return messages
    .sort((a, b) => b.at - a.at)
    .slice(0, QUOTED)
    .map((m) => ({ ...m, at: at(m.at) }));
}

/** A notification ready to render: its template, data and sender, and the frame of the mail. */
export interface Draft {
  locale: Locale;
  brand: { name: string; supportAddress: string };
  from: { name: string; address: string };
  /** Renders the mail; `extra` adds data known only at sending time (the satisfaction links). */
  render(extra?: Partial<TemplateContext>): RenderedMail;
}

export async function composeMail(
  store: TemplateSource,
  n: Notification,
  settings: Settings,
  opts: ComposeOptions = {},
): Promise<Draft> {
  const { logger } = opts;
  const [ticket, recipient] = await Promise.all([
    store.getTicket(n.ticketId),
    n.to[0] ? store.directory.userByEmail(n.to[0]) : Promise.resolve(undefined),
  ]);
  const brand = brandOf(settings, ticket?.brand);
  // The recipient's language, else the brand's (settings brandLocales), else English.
  const locale =
    opts.locale ??
    supportedLocale(recipient?.locale) ??
    supportedLocale(settings.brandLocales?.[brand.name]) ??
    DEFAULT_LOCALE;
  const sender = parseSender(settings.notificationSender);
  const at = formatter(locale, recipient?.timeZone);
  const seq = seqOf(n);
  const reply = REPLIES.has(n.kind);
  const events = reply ? await store.listEvents(n.ticketId) : [];
  let agent: TemplateContext['agent'];
  if (reply) {
    const actor = events.find((e) => e.seq === seq)?.actor;
    const agentId = actor ? (actor.role === 'service' ? undefined : actor.id) : opts.agentId;
    const user: DirectoryUser | undefined = agentId ? await store.directory.user(agentId) : undefined;
    if (agentId)
      agent = { name: user?.name ?? actor?.name ?? agentId, ...(user?.signature ? { signature: user.signature } : {}) };
  }
  const context: TemplateContext = {
    ticket: { id: n.ticketId, reference: n.reference, title: n.title, status: ticket?.status, brand: brand.name },
    requester: { name: ticket?.requester?.name, email: ticket?.requester?.email },
    ...(agent ? { agent } : {}),
    ...(n.body !== undefined ? { message: n.body } : {}),
    ...(n.subject !== undefined ? { subject: n.subject } : {}),
    quoted: n.kind === 'agent_reply' ? quotedMessages(events, ticket, seq, at) : [],
    brand,
  };
  const base = defaultTemplate(n.kind, locale);
  const stored = opts.template ?? (await store.templates.get(brand.name, locale, n.kind));
  const template: TemplateParts = withOverride(base, stored);
  const frame = {
    reference: n.reference,
    reply,
    header: settings.notificationHeader,
    footer: settings.notificationFooter,
  };
  return {
    locale,
    brand,
    // Agent replies come from the agent "via" the brand's name; the rest from the brand's sender name.
    from: {
      name: agent && n.kind === 'agent_reply' ? `${agent.name}${sender.name ? ` (${sender.name})` : ''}` : sender.name,
      address: brand.supportAddress,
    },
    render(extra = {}) {
      const data = { ...context, ...extra };
      try {
        return renderTemplate(template, data, frame);
      } catch (err) {
        // A stored template that fails on this ticket's data still leaves a mail: the default's.
        if (!(err instanceof TemplateError) || template === base || opts.noFallback) throw err;
        logger?.warn('stored template failed, default used', {
          notificationId: n.id,
          brand: brand.name,
          locale,
          kind: n.kind,
          error: err.message,
        });
        return renderTemplate(base, data, frame);
      }
    },
  };
}
