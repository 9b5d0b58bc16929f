// Sending real mail into the notifier's SMTP collector, and reading what the helpdesk sent.
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer';
import { listSinkMail } from '@helpdesk/dev-stack';
import type { SinkMail } from '@helpdesk/dev-stack';
import { eventually, stack } from './api';

export const SUPPORT = 'support@helpdesk.local';

export async function sendMail(mail: SendMailOptions & { envelopeFrom?: string | false }): Promise<void> {
  const transport = nodemailer.createTransport(stack().inboundSmtp);
  try {
    const { envelopeFrom, ...rest } = mail;
    await transport.sendMail({
      to: SUPPORT,
      ...rest,
      ...(envelopeFrom !== undefined
        ? { envelope: { from: envelopeFrom === false ? '' : envelopeFrom, to: [String(rest.to ?? SUPPORT)] } }
        : {}),
    });
  } finally {
    transport.close();
  }
}

/** Mail the helpdesk sent to `address` whose subject includes `subject`. */
export async function sentTo(address: string, subject = ''): Promise<SinkMail[]> {
  const all = await listSinkMail(stack().mailUi);
  return all.filter(
    (m) =>
      [...m.to, ...(m.cc ?? [])].some((t) => t.address.toLowerCase() === address.toLowerCase()) &&
      m.subject.includes(subject),
  );
}

export async function waitForMail(address: string, subject = '', count = 1): Promise<SinkMail[]> {
  return eventually(
    async () => {
      const mails = await sentTo(address, subject);
      return mails.length >= count ? mails : undefined;
    },
    30_000,
    `${count} mail(s) to ${address} about "${subject}"`,
  );
}

export const uniqueAddress = (name: string) =>
  `${name}-${Date.now()}-${Math.random().toString(36).slice(2, 7)}@customer.example`;
