// The templates that ship with the helpdesk: one set per locale (English, French, Spanish: the
// languages of the product's own documentation), each notification kind a subject and a list of
// blocks. A block is one Handlebars source for both parts, or a text and an HTML source where the
// two differ (line breaks, quotes, links). Stored overrides (per brand and locale) replace parts.
import type { NotificationKind } from '@helpdesk/contracts';

export const LOCALES = ['en', 'fr', 'es'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

/** Every kind a template exists for, in the order the API lists them. */
export const TEMPLATE_KINDS = [
  'ticket_received',
  'creation_notice',
  'agent_reply',
  'private_message',
  'resolved',
  'closed',
  'assigned',
  'follow_up_created',
  'breach',
  'sla_warning',
  'automation',
] as const satisfies readonly NotificationKind[];
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];

type Block = string | { text: string; html: string };
interface DefaultTemplate {
  subject: string;
  blocks: Block[];
}

/** Locale-specific wording of the blocks several kinds share. */
interface Phrases {
  wrote: string;
  rate: string;
  good: string;
  bad: string;
  comment: string;
}

const PHRASES: Record<Locale, Phrases> = {
  en: {
    wrote: 'On {{at}}, {{author}} wrote:',
    rate: 'How did we do?',
    good: 'Good, I am satisfied',
    bad: 'Bad, I am not satisfied',
    comment: 'Add a comment',
  },
  fr: {
    wrote: 'Le {{at}}, {{author}} a écrit :',
    rate: 'Êtes-vous satisfait de notre réponse ?',
    good: 'Oui, je suis satisfait',
    bad: 'Non, je ne suis pas satisfait',
    comment: 'Ajouter un commentaire',
  },
  es: {
    wrote: 'El {{at}}, {{author}} escribió:',
    rate: '¿Está satisfecho con nuestra respuesta?',
    good: 'Sí, estoy satisfecho',
    bad: 'No, no estoy satisfecho',
    comment: 'Añadir un comentario',
  },
};

const message: Block = { text: '{{message}}', html: '{{br message}}' };
const signature: Block = {
  text: '{{#if agent}}{{agent.name}}{{#if agent.signature}}\n{{agent.signature}}{{/if}}{{/if}}',
  html: '{{#if agent}}{{agent.name}}{{#if agent.signature}}<br>{{br agent.signature}}{{/if}}{{/if}}',
};
const quoted = (p: Phrases): Block => ({
  text: `{{#each quoted}}${p.wrote}\n{{quote body}}\n\n{{/each}}`,
  html: `{{#each quoted}}<div>${p.wrote}</div><blockquote>{{br body}}</blockquote>{{/each}}`,
});
const satisfaction = (p: Phrases): Block => ({
  text:
    `{{#if satisfaction}}${p.rate}\n${p.good}: {{satisfaction.good}}\n${p.bad}: {{satisfaction.bad}}\n` +
    `${p.comment}: {{satisfaction.comment}}{{/if}}`,
  html:
    `{{#if satisfaction}}${p.rate} <a href="{{satisfaction.good}}">${p.good}</a> · ` +
    `<a href="{{satisfaction.bad}}">${p.bad}</a> · <a href="{{satisfaction.comment}}">${p.comment}</a>{{/if}}`,
});

function english(p: Phrases): Record<TemplateKind, DefaultTemplate> {
  return {
    ticket_received: {
      subject: 'Request received: {{ticket.title}}',
      blocks: [
        'We have received your request "{{ticket.title}}".',
        'Its reference is {{ticket.reference}}; keep it in the subject when you write to us about it.',
      ],
    },
    creation_notice: {
      subject: 'New ticket: {{ticket.title}}',
      blocks: ['Ticket {{ticket.reference}} "{{ticket.title}}" was created.'],
    },
    agent_reply: { subject: '{{ticket.title}}', blocks: [message, signature, quoted(p)] },
    private_message: { subject: '{{ticket.title}}', blocks: [message, signature] },
    resolved: {
      subject: 'Resolved: {{ticket.title}}',
      blocks: [
        'Your request {{ticket.reference}} has been resolved.',
        'If something is still wrong, just reply to this email and we will reopen it.',
        satisfaction(p),
      ],
    },
    closed: { subject: 'Closed: {{ticket.title}}', blocks: ['Your request {{ticket.reference}} is now closed.'] },
    assigned: {
      subject: 'Assigned to you: {{ticket.title}}',
      blocks: ['Ticket {{ticket.reference}} "{{ticket.title}}" was assigned to you.'],
    },
    follow_up_created: {
      subject: 'Follow-up opened: {{ticket.title}}',
      blocks: ['Your earlier request was closed, so we opened {{ticket.reference}} to follow up on your message.'],
    },
    breach: {
      subject: 'Service level breached: {{ticket.title}}',
      blocks: ['Ticket {{ticket.reference}}: {{#if message}}{{message}}{{else}}a delay was exceeded{{/if}}.'],
    },
    sla_warning: {
      subject: 'Service level at risk: {{ticket.title}}',
      blocks: ['Ticket {{ticket.reference}}: {{#if message}}{{message}}{{else}}a target is due soon{{/if}}.'],
    },
    automation: { subject: '{{#if subject}}{{subject}}{{else}}{{ticket.title}}{{/if}}', blocks: [message] },
  };
}

function french(p: Phrases): Record<TemplateKind, DefaultTemplate> {
  return {
    ticket_received: {
      subject: 'Demande reçue : {{ticket.title}}',
      blocks: [
        'Nous avons bien reçu votre demande « {{ticket.title}} ».',
        'Son numéro de ticket est {{ticket.reference}} ; gardez-le dans l’objet de vos messages à son sujet.',
      ],
    },
    creation_notice: {
      subject: 'Nouveau ticket : {{ticket.title}}',
      blocks: ['Le ticket {{ticket.reference}} « {{ticket.title}} » a été créé.'],
    },
    agent_reply: { subject: '{{ticket.title}}', blocks: [message, signature, quoted(p)] },
    private_message: { subject: '{{ticket.title}}', blocks: [message, signature] },
    resolved: {
      subject: 'Résolu : {{ticket.title}}',
      blocks: [
        'Votre demande {{ticket.reference}} a été résolue.',
        'Si le problème persiste, répondez simplement à cet e-mail et nous rouvrirons votre demande.',
        satisfaction(p),
      ],
    },
    closed: {
      subject: 'Clos : {{ticket.title}}',
      blocks: ['Votre demande {{ticket.reference}} est maintenant close.'],
    },
    assigned: {
      subject: 'Ticket qui vous est assigné : {{ticket.title}}',
      blocks: ['Le ticket {{ticket.reference}} « {{ticket.title}} » vous a été assigné.'],
    },
    follow_up_created: {
      subject: 'Ticket de suivi ouvert : {{ticket.title}}',
      blocks: [
        'Votre demande précédente était close ; nous avons donc ouvert le ticket de suivi {{ticket.reference}} pour votre message.',
      ],
    },
    breach: {
      subject: 'Niveau de service dépassé : {{ticket.title}}',
      blocks: ['Ticket {{ticket.reference}} : {{#if message}}{{message}}{{else}}un délai a été dépassé{{/if}}.'],
    },
    sla_warning: {
      subject: 'Niveau de service menacé : {{ticket.title}}',
      blocks: ['Ticket {{ticket.reference}} : {{#if message}}{{message}}{{else}}une échéance approche{{/if}}.'],
    },
    automation: { subject: '{{#if subject}}{{subject}}{{else}}{{ticket.title}}{{/if}}', blocks: [message] },
  };
}

function spanish(p: Phrases): Record<TemplateKind, DefaultTemplate> {
  return {
    ticket_received: {
      subject: 'Solicitud recibida: {{ticket.title}}',
      blocks: [
        'Hemos recibido su solicitud «{{ticket.title}}».',
        'Su número de ticket es {{ticket.reference}}; consérvelo en el asunto cuando nos escriba sobre ella.',
      ],
    },
    creation_notice: {
      subject: 'Nuevo ticket: {{ticket.title}}',
      blocks: ['Se ha creado el ticket {{ticket.reference}} «{{ticket.title}}».'],
    },
    agent_reply: { subject: '{{ticket.title}}', blocks: [message, signature, quoted(p)] },
    private_message: { subject: '{{ticket.title}}', blocks: [message, signature] },
    resolved: {
      subject: 'Resuelto: {{ticket.title}}',
      blocks: [
        'Su solicitud {{ticket.reference}} se ha resuelto.',
        'Si algo sigue sin funcionar, responda a este correo electrónico y la volveremos a abrir.',
        satisfaction(p),
      ],
    },
    closed: { subject: 'Cerrado: {{ticket.title}}', blocks: ['Su solicitud {{ticket.reference}} está cerrada.'] },
    assigned: {
      subject: 'Asignado a usted: {{ticket.title}}',
      blocks: ['Se le ha asignado el ticket {{ticket.reference}} «{{ticket.title}}».'],
    },
    follow_up_created: {
      subject: 'Ticket de seguimiento abierto: {{ticket.title}}',
      blocks: [
        'Su solicitud anterior estaba cerrada, así que hemos abierto el ticket de seguimiento {{ticket.reference}} para su mensaje.',
      ],
    },
    breach: {
      subject: 'Nivel de servicio incumplido: {{ticket.title}}',
      blocks: ['Ticket {{ticket.reference}}: {{#if message}}{{message}}{{else}}se ha superado un plazo{{/if}}.'],
    },
    sla_warning: {
      subject: 'Nivel de servicio en riesgo: {{ticket.title}}',
      blocks: ['Ticket {{ticket.reference}}: {{#if message}}{{message}}{{else}}un plazo vence pronto{{/if}}.'],
    },
    automation: { subject: '{{#if subject}}{{subject}}{{else}}{{ticket.title}}{{/if}}', blocks: [message] },
  };
}

const SETS: Record<Locale, Record<TemplateKind, DefaultTemplate>> = {
  en: english(PHRASES.en),
  fr: french(PHRASES.fr),
  es: spanish(PHRASES.es),
};

/** The three parts of a template, as Handlebars sources. */
export interface TemplateParts {
  subject: string;
  text: string;
  html: string;
}

/** A shipped template: its blocks joined into a text and an HTML part. */
export function defaultTemplate(kind: TemplateKind, locale: Locale): TemplateParts {
  const t = SETS[locale][kind];
  return {
    subject: t.subject,
    text: t.blocks.map((b) => (typeof b === 'string' ? b : b.text)).join('\n\n'),
    html: t.blocks.map((b) => `<div>${typeof b === 'string' ? b : b.html}</div>`).join('\n'),
  };
}

/** A supported locale for a directory locale ("fr", "fr-CA", "FR_fr"…), or undefined. */
export function supportedLocale(locale: string | undefined | null): Locale | undefined {
  const language = (locale ?? '').trim().toLowerCase().split(/[-_]/)[0];
  return LOCALES.find((l) => l === language);
}

export const isTemplateKind = (kind: string): kind is TemplateKind =>
  (TEMPLATE_KINDS as readonly string[]).includes(kind);
