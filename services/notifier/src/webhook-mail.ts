// Mail to the admins when a webhook subscription was disabled after repeated failure. Not a ticket
// notification (no ticket, no threading): the pattern of account-mail.ts.
import nodemailer from 'nodemailer';
import type { WebhookMailActivities } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import type { Logger } from '@helpdesk/config';
import { messageIdFor } from './activities';

export function createWebhookMailActivities(
  store: Store,
  smtpUrl: string,
  logger?: Logger,
): WebhookMailActivities & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async sendWebhookDisabledMail(subscriptionId: string): Promise<{ sent: boolean; to: string[] }> {
      const subscription = await store.webhooks.get(subscriptionId);
      // Re-enabled or deleted since, or mailed already (a retry after the send): nothing to send.
      const disabled = subscription?.disabled;
      if (!subscription || !disabled || disabled.mailedAt !== undefined) return { sent: false, to: [] };
      const admins = await store.directory.listUsers({ role: 'admin', active: true });
      const to = [...new Set(admins.map((a) => a.email).filter((e) => e.length > 0))];
      if (to.length === 0) {
        logger?.warn('webhook disabled, no admin to mail', { subscriptionId });
        return { sent: false, to };
      }
      const settings = await store.getSettings();
      const text = [
        `The webhook subscription ${subscription.id} was disabled after repeated failed deliveries.`,
        '',
        `Target: ${subscription.url}`,
        `Disabled at: ${new Date(disabled.at).toISOString()}`,
        `Why: ${disabled.reason}`,
        '',
        `Its delivery log: GET /v1/webhooks/${subscription.id}/deliveries`,
        `Once the receiver works again, re-enable it with PATCH /v1/webhooks/${subscription.id} {"active": true}:`,
        'it then delivers, in order, every event since the last one it delivered.',
      ].join('\n');
      const sent = (await transport.sendMail({
        from: settings.notificationSender,
        to,
        subject: `Webhook disabled: ${subscription.url}`,
        text,
        // The same disabling always gets the same Message-ID: a resend after a crash is recognisable.
        messageId: messageIdFor(`webhook-disabled-${subscription.id}-${disabled.at}`),
        headers: { 'Auto-Submitted': 'auto-generated' },
      })) as { messageId?: string; response?: string };
      await store.webhooks.markDisabledMailed(subscription.id, disabled.at);
      logger?.info('mail sent', {
        kind: 'webhook_disabled',
        subscriptionId,
        recipients: to.length,
        messageId: sent.messageId,
        smtpResponse: sent.response,
      });
      return { sent: true, to };
    },
    close: () => transport.close(),
  };
}
