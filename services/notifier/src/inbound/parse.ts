// RFC 822 → the facts the collector works with (mailparser does the MIME work).
import { simpleParser } from 'mailparser';
import type { AddressObject, Attachment } from 'mailparser';
import type { MailFacts } from './classify';
import { normalizeAddress } from '@helpdesk/contracts';

const addresses = (field: AddressObject | AddressObject[] | undefined): string[] =>
  (Array.isArray(field) ? field : field ? [field] : [])
    .flatMap((a) => a.value.map((v) => (v.address ? normalizeAddress(v.address) : '')))
    .filter(Boolean);

/** Message-IDs longer than this are no real mail's: ignored rather than carried into keys and payloads. */
const MAX_ID = 500;
const ids = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value : value ? value.split(/\s+/) : [])
    .map((v) => v.trim())
    .filter((v) => v && v.length <= MAX_ID)
    .slice(-50);

export interface ParsedMail {
  facts: MailFacts;
  attachments: Attachment[];
}

export async function parseMail(raw: Buffer, envelope: { mailFrom?: string } = {}): Promise<ParsedMail> {
  const m = await simpleParser(raw, { skipHtmlToText: false, skipTextLinks: true });
  const headers: Record<string, string> = {};
  for (const line of m.headerLines) {
    const name = line.key.toLowerCase();
    if (!(name in headers)) headers[name] = line.line.slice(line.line.indexOf(':') + 1).trim();
  }
  const from = m.from?.value[0];
  const text = m.text ?? (typeof m.html === 'string' ? m.html.replace(/<[^>]+>/g, ' ') : '');
  const contentType = headers['content-type'] ?? 'text/plain';
  const returnPath =
    envelope.mailFrom ??
    (headers['return-path'] !== undefined ? headers['return-path'].replace(/[<>\s]/g, '') : undefined);
  return {
    facts: {
      ...(m.messageId && m.messageId.length <= MAX_ID ? { messageId: m.messageId } : {}),
      ...(m.inReplyTo && m.inReplyTo.length <= MAX_ID ? { inReplyTo: m.inReplyTo } : {}),
      references: ids(m.references),
      from: from?.address ? normalizeAddress(from.address) : '',
      ...(from?.name ? { fromName: from.name } : {}),
      to: addresses(m.to),
      cc: addresses(m.cc),
      subject: (m.subject ?? '').trim(),
      text,
      headers,
      ...(returnPath !== undefined ? { returnPath } : {}),
      contentType,
    },
    attachments: m.attachments.filter((a) => a.contentDisposition !== 'inline' || Boolean(a.filename)),
  };
}
