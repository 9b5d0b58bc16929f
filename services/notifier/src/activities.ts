// Notifier activities. Sending is idempotent per notification id: the outbox document says
// whether an earlier attempt already delivered it, and the Message-ID is derived from the id.
import nodemailer from 'nodemailer';
import type { Notification, NotifierActivities, SendResult } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { renderMail } from './templates';

export const messageIdFor = (notificationId: string, domain = 'helpdesk.local') =>
  `<${notificationId.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;

export function createNotifierActivities(store: Store, smtpUrl: string): NotifierActivities & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  const { Notification: Outbox } = store.models;
  return {
    async sendNotification(n: Notification): Promise<SendResult> {
      const messageId = messageIdFor(n.id);
      const settings = await store.getSettings();
      const mail = renderMail(n, settings);
      const doc = await Outbox.findOneAndUpdate(
        { _id: n.id },
        {
          $setOnInsert: { ticketId: n.ticketId, kind: n.kind, to: n.to, subject: mail.subject, status: 'sending', createdAt: Date.now(), messageId },
          $inc: { attempts: 1 },
        },
        { upsert: true, new: true },
      ).lean();
      if (doc?.status === 'sent') return { id: n.id, messageId, sentNow: false };
      await transport.sendMail({
        from: settings.notificationSender,
        to: n.to,
        cc: n.cc.length > 0 ? n.cc : undefined,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId,
        headers: { 'X-Helpdesk-Ticket': n.reference, 'Auto-Submitted': n.kind === 'agent_reply' ? 'no' : 'auto-generated' },
      });
      await Outbox.updateOne({ _id: n.id }, { $set: { status: 'sent', sentAt: Date.now() } });
      return { id: n.id, messageId, sentNow: true };
    },
    close: () => transport.close(),
  };
}
