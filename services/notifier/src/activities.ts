// Notifier activities. Sending is idempotent per notification id: the outbox document says
// whether an earlier attempt already delivered it, and the Message-ID is derived from the id.
import nodemailer from 'nodemailer';
import { ApplicationFailure } from '@temporalio/common';
import type { Notification, NotifierActivities, SendResult } from '@helpdesk/contracts';
import type { Store } from '@helpdesk/persistence';
import type { Logger } from '@helpdesk/config';
import { composeMail } from './templates';
import { resolveRecipients } from './recipients';

/** How long one attempt holds a notification (longer than the activity's start-to-close). */
const LEASE_MS = 90_000;

/** ApplicationFailure type of a mail the server refused for good (no retry sends it). */
export const MAIL_REJECTED = 'MailRejected';

/**
 * Why no retry can deliver this mail: the server answered 5xx (a permanent rejection, RFC 5321),
 * or the message itself cannot be sent (no valid recipient). Temporary failures (4xx, a refused
 * or dropped connection, a timeout) answer undefined and are retried.
 */
export function permanentRejection(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { responseCode, response, code, message } = err as {
    responseCode?: unknown;
    response?: unknown;
    code?: unknown;
    message?: unknown;
  };
  if (typeof responseCode === 'number' && responseCode >= 500 && responseCode < 600)
    return `${typeof response === 'string' ? response : responseCode}`;
  if (responseCode === undefined && (code === 'EENVELOPE' || code === 'EMESSAGE')) return String(message);
  return undefined;
}

export const messageIdFor = (notificationId: string, domain = 'helpdesk.local') =>
  `<${notificationId.replace(/[^A-Za-z0-9.-]/g, '.')}@${domain}>`;

/**
 * The Message-IDs of the ticket's mail so far, oldest first (what we sent and what the customer
 * sent us), so each notification continues the thread in the requester's mail client.
 */
async function threadOf(store: Store, ticketId: string, except: string): Promise<string[]> {
  // Equality filters only (pushed down by FerretDB too); the rest is sorted out here.
  const [sent, received] = await Promise.all([
    store.outbox.forTicket(ticketId),
    store.inboundMail.receivedForTicket(ticketId),
  ]);
  const all = [
    ...sent
      .filter((m) => m.status === 'sent' && m.messageId !== except)
      .map((m) => ({ id: m.messageId, at: m.sentAt ?? 0 })),
    ...received.map((m) => ({ id: m.messageId, at: m.receivedAt })),
  ].filter((m): m is { id: string; at: number } => Boolean(m.id));
  return all
    .sort((a, b) => a.at - b.at)
    .map((m) => m.id)
    .slice(-20);
}

/** One-click rating links (and the comment page) for a resolved ticket, on a fresh single-use token. */
async function satisfactionLinks(
  store: Store,
  ticketId: string,
  publicUrl: string,
): Promise<{ good: string; bad: string; comment: string }> {
  const token = await store.satisfaction.mint(ticketId);
  const page = `${publicUrl.replace(/\/+$/, '')}/v1/satisfaction/${encodeURIComponent(token)}`;
  return { good: `${page}?rating=good`, bad: `${page}?rating=bad`, comment: page };
}

export function createNotifierActivities(
  store: Store,
  smtpUrl: string,
  logger?: Logger,
  /** The gateway's public address, for the satisfaction links of resolution mail (PUBLIC_URL). */
  publicUrl = 'http://localhost:3000',
): NotifierActivities & { close(): void } {
  const transport = nodemailer.createTransport(smtpUrl);
  const { outbox } = store;
  return {
    async sendNotification(notification: Notification): Promise<SendResult> {
      const messageId = messageIdFor(notification.id);
      // Directory references (group:…, user:…) become the directory's addresses now.
      const resolved = await resolveRecipients(store, notification.to, notification.cc);
      const n = { ...notification, to: resolved.to, cc: resolved.cc };
      if (resolved.dropped.length > 0)
        logger?.warn('recipients dropped', {
          notificationId: n.id,
          kind: n.kind,
          ticketId: n.ticketId,
          dropped: resolved.dropped,
        });
      const settings = await store.getSettings();
      const draft = await composeMail(store, n, settings, { logger });
      let mail = draft.render();
      const now = Date.now();
      await outbox.enqueue({
        _id: n.id,
        ticketId: n.ticketId,
        kind: n.kind,
        to: n.to,
        subject: mail.subject,
        createdAt: now,
        messageId,
        ...(resolved.dropped.length > 0 ? { dropped: resolved.dropped } : {}),
      });
      // Nobody left to mail: recorded (with who was dropped and why), nothing sent.
      if (n.to.length === 0 && n.cc.length === 0) {
        await outbox.markFailed(n.id, 'no recipient: every reference was dropped');
        return { id: n.id, messageId, sentNow: false };
      }
      // Claim the send: one attempt at a time, so a retry and a continued run never both send.
      const claimed = await outbox.claim(n.id, now, LEASE_MS);
      if (!claimed) {
        const doc = await outbox.get(n.id);
        if (doc?.status === 'sent') return { id: n.id, messageId, sentNow: false };
        if (doc?.status === 'failed')
          throw ApplicationFailure.nonRetryable(
            `The mail server rejected this mail: ${doc.error ?? ''}`,
            MAIL_REJECTED,
          );
        throw ApplicationFailure.retryable(
          'Another attempt is sending this notification right now',
          'NotificationBusy',
        );
      }
      let sent: { messageId?: string; response?: string } | undefined;
      if (n.kind === 'resolved') {
        // The rating links' token is minted now, by the attempt that holds the claim (its secret is
        // in no workflow history and no log, only its hash in the store); a retry mints another.
        const links = await satisfactionLinks(store, n.ticketId, publicUrl).catch(async (err: unknown) => {
          await outbox.release(n.id);
          throw err;
        });
        mail = draft.render({ satisfaction: links });
      }
      const thread = await threadOf(store, n.ticketId, messageId).catch(async (err: unknown) => {
        await outbox.release(n.id);
        throw err;
      });
      try {
        sent = await transport.sendMail({
          ...(thread.length > 0 ? { inReplyTo: thread[thread.length - 1], references: thread } : {}),
          from: draft.from,
          to: n.to,
          cc: n.cc.length > 0 ? n.cc : undefined,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          messageId,
          headers: {
            'X-Helpdesk-Ticket': n.reference,
            'Auto-Submitted': n.kind === 'agent_reply' ? 'no' : 'auto-generated',
          },
        });
      } catch (err) {
        const rejection = permanentRejection(err);
        if (rejection) {
          // Final: recorded so that no later run sends it, and failed without retry so the ticket's
          // timeline says so at once.
          await outbox.markFailed(n.id, rejection);
          throw ApplicationFailure.nonRetryable(`The mail server rejected this mail: ${rejection}`, MAIL_REJECTED);
        }
        // Not sent: let the next attempt claim it at once.
        await outbox.release(n.id);
        throw err;
      }
      await outbox.markSent(n.id, Date.now());
      // One line per mail that left, with what the server answered, for whoever asks "was it sent?".
      logger?.info('mail sent', {
        notificationId: n.id,
        kind: n.kind,
        ticketId: n.ticketId,
        reference: n.reference,
        recipients: n.to.length + n.cc.length,
        messageId: sent?.messageId ?? messageId,
        smtpResponse: sent?.response,
      });
      return { id: n.id, messageId, sentNow: true };
    },
    close: () => transport.close(),
  };
}
