// Notifier activities. Sending is idempotent per notification id: the outbox document says
// whether an earlier attempt already delivered it, and the Message-ID is derived from the id.
import nodemailer from 'nodemailer';
import type { Notification, NotifierActivities, SendResult } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import { renderMail } from './templates';

export const messageIdFor = (notificationId: string, domain = 'helpdesk.local') =>
  `<${notificationId.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;

/**
 * The Message-IDs of the ticket's mail so far, oldest first (what we sent and what the customer
 * sent us), so each notification continues the thread in the requester's mail client.
 */
async function threadOf(store: Store, ticketId: string, except: string): Promise<string[]> {
  // Equality filters only (pushed down by FerretDB too); the rest is sorted out here.
  const [sent, received] = await Promise.all([
    store.models.Notification.find({ ticketId }, { messageId: 1, sentAt: 1, status: 1 }).lean(),
    store.models.InboundMail.find({ ticketId }, { messageId: 1, receivedAt: 1 }).lean(),
  ]);
  const all = [
    ...sent.filter((m) => m.status === 'sent' && m.messageId !== except).map((m) => ({ id: m.messageId, at: m.sentAt ?? 0 })),
    ...received.map((m) => ({ id: m.messageId, at: m.receivedAt })),
  ].filter((m): m is { id: string; at: number } => Boolean(m.id));
  return all.sort((a, b) => a.at - b.at).map((m) => m.id).slice(-20);
}

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
      const thread = await threadOf(store, n.ticketId, messageId);
      await transport.sendMail({
        ...(thread.length > 0 ? { inReplyTo: thread[thread.length - 1], references: thread } : {}),
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
