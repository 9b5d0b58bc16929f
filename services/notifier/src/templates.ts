// What each notification says. Every mail has a text and an HTML part, the settings' header and
// footer, and the ticket reference in brackets in the subject so replies thread back by subject.
import type { Notification, Settings } from '@helpdesk/contracts';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const LINES: Record<Notification['kind'], (n: Notification) => { subject: string; lines: string[] }> = {
  ticket_received: (n) => ({
    subject: `Request received: ${n.title}`,
    lines: [
      `We have received your request "${n.title}".`,
      `Its reference is ${n.reference}; keep it in the subject when you write to us about it.`,
    ],
  }),
  creation_notice: (n) => ({
    subject: `New ticket: ${n.title}`,
    lines: [`Ticket ${n.reference} "${n.title}" was created.`],
  }),
  agent_reply: (n) => ({ subject: n.title, lines: [n.body ?? ''] }),
  private_message: (n) => ({ subject: n.title, lines: [n.body ?? ''] }),
  resolved: (n) => ({
    subject: `Resolved: ${n.title}`,
    lines: [
      `Your request ${n.reference} has been resolved.`,
      'If something is still wrong, just reply to this email and we will reopen it.',
    ],
  }),
  closed: (n) => ({ subject: `Closed: ${n.title}`, lines: [`Your request ${n.reference} is now closed.`] }),
  assigned: (n) => ({
    subject: `Assigned to you: ${n.title}`,
    lines: [`Ticket ${n.reference} "${n.title}" was assigned to you.`],
  }),
  follow_up_created: (n) => ({
    subject: `Follow-up opened: ${n.title}`,
    lines: [`Your earlier request was closed, so we opened ${n.reference} to follow up on your message.`],
  }),
  breach: (n) => ({
    subject: `Service level breached: ${n.title}`,
    lines: [`Ticket ${n.reference}: ${n.body ?? 'a delay was exceeded'}.`],
  }),
  sla_warning: (n) => ({
    subject: `Service level at risk: ${n.title}`,
    lines: [`Ticket ${n.reference}: ${n.body ?? 'a target is due soon'}.`],
  }),
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function renderMail(n: Notification, settings: Settings): RenderedMail {
  const { subject, lines } = LINES[n.kind](n);
  const parts = [settings.notificationHeader, ...lines, settings.notificationFooter].filter((l) => l.trim() !== '');
  return {
    subject: `[${n.reference}] ${subject}`,
    text: parts.join('\n\n') + '\n',
    html: `<!doctype html><html><body>${parts.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('')}</body></html>`,
  };
}
