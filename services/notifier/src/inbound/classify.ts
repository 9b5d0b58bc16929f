// Pure rules for inbound mail: who it is, whether it is an automatic message, which ticket its
// subject names, and what of its body is new (quoted history stripped).
import { createHash } from 'node:crypto';
import { REFERENCE_PATTERN } from '@helpdesk/contracts';

export interface MailFacts {
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  from: string;
  fromName?: string;
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  /** Lower-cased header names → values (first value). */
  headers: Record<string, string>;
  /** The envelope's MAIL FROM; '' is the null return path of bounces. */
  returnPath?: string;
  contentType: string;
}

/** A stable identity: the Message-ID, or a hash of what makes the message itself. */
export function identityOf(mail: MailFacts, raw: Buffer): string {
  if (mail.messageId) return `mid:${mail.messageId.toLowerCase()}`;
  return contentIdentity(raw);
}

export const contentIdentity = (raw: Buffer): string => `sha:${createHash('sha256').update(raw).digest('hex')}`;

/** Why this is an automatic message that must never be answered, or undefined. */
export function autoReplyReason(mail: MailFacts): string | undefined {
  const h = mail.headers;
  const auto = h['auto-submitted'];
  if (auto && auto.toLowerCase() !== 'no') return `auto-submitted: ${auto}`;
  if (h['x-autoreply'] || h['x-autorespond'] || h['x-auto-response-suppress']?.toLowerCase().includes('all'))
    return 'auto-reply header';
  const precedence = h['precedence']?.toLowerCase();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `precedence: ${precedence}`;
  if (mail.returnPath === '' || mail.returnPath === '<>') return 'null return path (bounce)';
  if (
    mail.contentType.toLowerCase().includes('multipart/report') ||
    mail.contentType.toLowerCase().includes('delivery-status')
  )
    return 'delivery status report';
  if (/^(mailer-daemon|postmaster)@/i.test(mail.from)) return 'mailer daemon';
  return undefined;
}

const IN_BRACKETS = new RegExp(`\\[(${REFERENCE_PATTERN.source.replace(/^\^|\$$/g, '')})\\]`);

/** The ticket reference a subject carries in brackets, e.g. "Re: [TK-202611-00001] Printer". */
export function subjectReference(subject: string): string | undefined {
  return IN_BRACKETS.exec(subject)?.[1];
}

const QUOTE_HEADERS = [
  /^On .+wrote:\s*$/i,
  /^Le .+a écrit\s*:\s*$/i,
  /^El .+escribió\s*:\s*$/i,
  /^-{2,}\s*Original Message\s*-{2,}/i,
  /^-{2,}\s*Message d'origine\s*-{2,}/i,
  /^From: .+$/,
  /^_{10,}$/,
];

/** The new part of a reply: everything before the quoted history. */
export function stripQuoted(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (QUOTE_HEADERS.some((re) => re.test(line.trim()))) break;
    if (line.trimStart().startsWith('>')) continue;
    kept.push(line);
  }
  const body = kept.join('\n').trim();
  return body.length > 0 ? body : text.trim();
}
