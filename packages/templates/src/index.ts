// Notification templates: the shipped defaults per locale, compile checks, and the renderer that
// both the gateway (preview) and the notifier (sending) use, so a preview is what would be sent.
import type { NotificationKind } from '@helpdesk/contracts';
import type { TemplateKind } from './defaults';
import type { TemplateContext } from './render';

export * from './defaults';
export * from './render';
export * from './compose';

// Every notification kind has a template: a kind added to the contracts without one fails the build here.
type Missing = Exclude<NotificationKind, TemplateKind>;
export const EVERY_KIND_HAS_A_TEMPLATE: Missing extends never ? true : never = true;

/** Data to preview a template with when no ticket is named. */
export function sampleContext(kind: TemplateKind, brand: { name: string; supportAddress: string }): TemplateContext {
  const at = new Date(Date.UTC(2026, 0, 15, 9, 30)).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  return {
    ticket: {
      id: 'sample',
      reference: 'TK-202601-00042',
      title: 'Printer on fire',
      status: 'in_progress',
      brand: brand.name,
    },
    requester: { name: 'Rita Requester', email: 'rita@customer.example' },
    agent: { name: 'Ada Agent', signature: 'Ada Agent\nSupport team' },
    message:
      kind === 'breach' || kind === 'sla_warning'
        ? 'the first response is due soon'
        : 'Please try turning it off and on again.',
    subject: kind === 'automation' ? 'A reminder about your request' : undefined,
    quoted: [{ author: 'Rita Requester', at, body: 'Smoke is coming out of the paper tray.' }],
    satisfaction:
      kind === 'resolved'
        ? {
            good: 'https://helpdesk.example/v1/satisfaction/sample?rating=good',
            bad: 'https://helpdesk.example/v1/satisfaction/sample?rating=bad',
            comment: 'https://helpdesk.example/v1/satisfaction/sample',
          }
        : undefined,
    brand,
  };
}
