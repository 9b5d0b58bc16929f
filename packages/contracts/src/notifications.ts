// What the ticket workflow asks the notifier to send, and the notifier's activity interface.
// The notifier runs its own worker on NOTIFICATIONS_TASK_QUEUE; the workflow calls it by name.

export const NOTIFICATIONS_TASK_QUEUE = 'notifications';

/**
 * The notifier's task queue for tickets on a given task queue: `notifications` for the default
 * `tickets`, else `<queue>-notifications`, so separate deployments (and tests) never share one.
 */
export const notificationsQueueFor = (ticketsQueue: string): string =>
  ticketsQueue === 'tickets' ? NOTIFICATIONS_TASK_QUEUE : `${ticketsQueue}-notifications`;

export type NotificationKind =
  | 'ticket_received'
  | 'creation_notice'
  | 'agent_reply'
  | 'private_message'
  | 'resolved'
  | 'closed'
  | 'assigned'
  | 'follow_up_created'
  | 'breach'
  | 'sla_warning'
  /** A mail a trigger or time rule sends: its own subject and body. */
  | 'automation';

/** A mail to send; `id` is deterministic so a retried activity never sends it twice. */
export interface Notification {
  id: string;
  kind: NotificationKind;
  ticketId: string;
  reference: string;
  title: string;
  to: string[];
  cc: string[];
  body?: string;
  /** automation: the subject the rule wrote. */
  subject?: string;
}

export interface SendResult {
  id: string;
  messageId: string;
  /** false when an earlier attempt had already sent it. */
  sentNow: boolean;
}

export interface NotifierActivities {
  sendNotification(notification: Notification): Promise<SendResult>;
}

/**
 * A magic sign-in link to mail (no ticket): the notifier mints the link's secret itself, so the
 * secret never enters a workflow's history. `url` is the page the link opens (`?token=` appended).
 */
export interface MagicLinkMail {
  linkId: string;
  url: string;
}

/** The notifier's activities for account mail (sign-in links), beside the ticket notifications. */
export interface AccountMailActivities {
  /** `sent: false` when the link was mailed already, used, or has expired. */
  sendMagicLink(mail: MagicLinkMail): Promise<{ sent: boolean }>;
}
