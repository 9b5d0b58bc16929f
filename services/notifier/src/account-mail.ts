// Account mail: sign-in links for requesters. No ticket, so none of the ticket notification's
// threading; the link's secret is minted here, at sending time, so it is in no workflow history
// and in no log (only its hash is stored).
import nodemailer from 'nodemailer';
import type { AccountMailActivities, MagicLinkMail } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import type { Logger } from '@helpdesk/config';
import { messageIdFor } from './activities';

export function createAccountMailActivities(
  store: Store,
  smtpUrl: string,
  logger?: Logger,
): AccountMailActivities & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async sendMagicLink({ linkId, url }: MagicLinkMail): Promise<{ sent: boolean }> {
      // Mailed already, used, or expired: nothing to send (a retry after the send sends no second mail).
      const minted = await store.credentials.mintMagicLink(linkId);
      if (!minted) return { sent: false };
      const settings = await store.getSettings();
      const link = `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(minted.token)}`;
      const minutes = Math.max(1, Math.round((minted.expiresAt - Date.now()) / 60_000));
      const text = [
        'Use this link to sign in to the helpdesk:',
        '',
        link,
        '',
        `It works once, for ${minutes} minute${minutes === 1 ? '' : 's'}.`,
        'If you did not ask for it, ignore this mail.',
      ].join('\n');
      const escaped = link.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
      const sent = (await transport.sendMail({
        from: settings.notificationSender,
        to: minted.email,
        subject: 'Your sign-in link',
        text,
        html: `<p>Use this link to sign in to the helpdesk:</p><p><a href="${escaped}">${escaped}</a></p><p>It works once, for ${minutes} minute${minutes === 1 ? '' : 's'}. If you did not ask for it, ignore this mail.</p>`,
        messageId: messageIdFor(`magic-link-${linkId}`),
        headers: { 'Auto-Submitted': 'auto-generated' },
      })) as { messageId?: string; response?: string };
      await store.credentials.markMagicLinkMailed(linkId);
      logger?.info('mail sent', { kind: 'magic_link', linkId, messageId: sent.messageId, smtpResponse: sent.response });
      return { sent: true };
    },
    close: () => transport.close(),
  };
}
