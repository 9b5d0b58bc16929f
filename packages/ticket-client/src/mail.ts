// A ticket made from a mail. The mail collector's new tickets and staff's recovery of suspended
// mail are built here, so both normalise addresses, cap CCs and fill in brand, type and group alike.
import { TEXT_LIMITS, capRecipients, clip, normalizeAddress } from '@helpdesk/contracts';
import type { Settings, TCreateTicketRequest } from '@helpdesk/contracts';

export interface MailForTicket {
  from: string;
  fromName?: string | undefined;
  to: string[];
  cc: string[];
  subject: string;
  body: string;
}

/** The addresses that take mail: the collector's, else every brand's support address. */
export function supportAddresses(settings: Settings): string[] {
  const configured =
    settings.collectorAddresses.length > 0
      ? settings.collectorAddresses
      : Object.values(settings.brandSupportAddresses);
  return configured.map(normalizeAddress);
}

/** The support address a mail was sent to (To before Cc), if any. */
export function supportAddressOf(mail: Pick<MailForTicket, 'to' | 'cc'>, settings: Settings): string | undefined {
  const ours = new Set(supportAddresses(settings));
  return [...mail.to, ...mail.cc].map(normalizeAddress).find((a) => ours.has(a));
}

/** The CCs a mail may copy (never its sender nor the helpdesk), and the ones it drops, with why. */
export const mailCcs = (
  mail: Pick<MailForTicket, 'from' | 'cc'>,
  settings: Settings,
): ReturnType<typeof capRecipients> => capRecipients(mail.cc, [mail.from, ...supportAddresses(settings)]);

const brandOf = (address: string, settings: Settings): string | undefined =>
  Object.entries(settings.brandSupportAddresses).find(([, a]) => normalizeAddress(a) === address)?.[0];

/**
 * A new ticket from a mail: subject and text cut to a ticket's limits (`clipped` ends a cut text),
 * the sender as requester, the CCs it may copy, the support address it came to with that
 * address's brand, and the collector's default type and group.
 */
export function ticketFromMail(mail: MailForTicket, settings: Settings, clipped?: string): TCreateTicketRequest {
  const from = normalizeAddress(mail.from);
  const supportAddress = supportAddressOf(mail, settings);
  const brand = supportAddress ? brandOf(supportAddress, settings) : undefined;
  const ccs = mailCcs(mail, settings).kept;
  return {
    title: clip(mail.subject.trim(), TEXT_LIMITS.title) || '(no subject)',
    description: clip(mail.body, TEXT_LIMITS.description, clipped) || '(empty message)',
    requester: { id: from, email: from, ...(mail.fromName ? { name: mail.fromName } : {}) },
    ...(ccs.length ? { ccs } : {}),
    ...(supportAddress ? { supportAddress } : {}),
    ...(brand ? { brand } : {}),
    ...(settings.collectorDefaultType ? { type: settings.collectorDefaultType } : {}),
    ...(settings.collectorDefaultGroup ? { group: settings.collectorDefaultGroup } : {}),
  };
}
