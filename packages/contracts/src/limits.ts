// What a ticket can hold and who its mail may reach: one set of rules for every channel (the API's
// schemas and the mail collector use these same limits, so mail cannot do what the API refuses).
import { z } from 'zod';
import type { Settings } from './settings';

/** Longest texts, in characters. Longer mail is cut to these and kept whole outside the workflow. */
export const TEXT_LIMITS = { title: 300, description: 20_000, message: 50_000 } as const;

/**
 * Most addresses one mail may copy or privately reach besides the requester. An incoming mail with
 * more CCs keeps the first ones and records the rest as dropped: nobody outside can make the
 * helpdesk mail a crowd of third parties.
 */
export const MAX_RECIPIENTS = 20;

export const zMailAddress = z.email().max(254);
export const isMailAddress = (value: string): boolean => zMailAddress.safeParse(value).success;

/** How an address is compared and kept everywhere (mail headers, settings, CCs): trimmed, lower case. */
export const normalizeAddress = (address: string): string => address.trim().toLowerCase();

/** CCs and private-message recipients: addresses, capped. */
export const zRecipients = z.array(zMailAddress).max(MAX_RECIPIENTS);

/**
 * The copies a mail may make: valid addresses, each once, never one of `exclude` (the sender, the
 * helpdesk's own addresses), at most MAX_RECIPIENTS; the rest is `dropped`, with why.
 */
export function capRecipients(
  addresses: string[],
  exclude: string[] = [],
): { kept: string[]; dropped: { address: string; reason: string }[] } {
  const skip = new Set(exclude.map(normalizeAddress));
  const kept: string[] = [];
  const dropped: { address: string; reason: string }[] = [];
  for (const raw of addresses) {
    const address = normalizeAddress(raw);
    if (skip.has(address) || kept.includes(address)) continue;
    if (!isMailAddress(address)) dropped.push({ address: address.slice(0, 254), reason: 'not an email address' });
    else if (kept.length >= MAX_RECIPIENTS) dropped.push({ address, reason: `more than ${MAX_RECIPIENTS} recipients` });
    else kept.push(address);
  }
  return { kept, dropped };
}

/** Cut a text to `max` characters, saying so at its end. */
export function clip(text: string, max: number, note = '…'): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - note.length))}${note}`;
}

/** What a rendered reference must look like for the mail collector to find it in "[…]" in a subject. */
export const REFERENCE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_/.-]{2,40}$/;

/** A map key the store can hold: not empty, not starting with `$`, without `.`. */
export const zStoreKey = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^$.][^.]*$/);
export const storeKeyProblem = (key: string) =>
  `key ${JSON.stringify(key)} cannot be stored: keys are not empty, do not start with $ and hold no "."`;

/** "Name <address>" or a bare address, on one line (it becomes a From header). */
export function senderAddress(sender: string): string | undefined {
  if (/[\r\n]/.test(sender)) return undefined;
  const address = /<([^<>]*)>\s*$/.exec(sender)?.[1] ?? sender;
  return isMailAddress(address.trim()) ? address.trim() : undefined;
}

export const knownBrand = (settings: Pick<Settings, 'brandSupportAddresses'>, brand: string): boolean =>
  Object.prototype.hasOwnProperty.call(settings.brandSupportAddresses, brand);

/** Rules across settings (each field alone is checked by its schema): field → what is wrong. */
export function settingsProblems(s: Settings): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  if (Object.keys(s.brandSupportAddresses).length === 0)
    problems.push({ field: 'brandSupportAddresses', message: 'needs at least one brand' });
  else if (!knownBrand(s, s.defaultBrand)) {
    problems.push({
      field: 'defaultBrand',
      message: `names no brand of brandSupportAddresses (${Object.keys(s.brandSupportAddresses).join(', ')})`,
    });
  }
  if (!senderAddress(s.notificationSender))
    problems.push({
      field: 'notificationSender',
      message: 'is not an address ("Name <address>" or an address, on one line)',
    });
  return problems;
}
