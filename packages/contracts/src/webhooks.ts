// Webhooks and the event feed: what the gateway, the webhook dispatcher workflow, its activities and
// the notifier agree on. Workflow-safe (no zod, no Node built-ins).
import { defineSignal } from '@temporalio/workflow';
import type { TicketEventType, TicketState } from './ticket';

/**
 * Every ticket event type, by name: a type the timeline gains and this list lacks fails the build
 * here (`complete` below), so a subscription can always name every event the feed carries.
 */
const EVENT_TYPES = {
  created: true,
  submitted: true,
  modified: true,
  taken: true,
  assigned: true,
  released: true,
  waiting: true,
  resumed: true,
  replied: true,
  note_added: true,
  message_sent: true,
  customer_replied: true,
  resolved: true,
  reopened: true,
  closed: true,
  deleted: true,
  restored: true,
  reclassified: true,
  breached: true,
  sla_warning: true,
  linked: true,
  child_resolved: true,
  child_reopened: true,
  workflow_halted: true,
  restarted: true,
  merged_in: true,
  attachment_added: true,
  notification_failed: true,
  automation_acted: true,
};
type Unlisted = Exclude<TicketEventType, keyof typeof EVENT_TYPES>;
/** Fails to compile, naming the type, while a ticket event type is missing above. */
const complete: [Unlisted] extends [never] ? true : Unlisted = true;
export const TICKET_EVENT_TYPES = Object.keys(EVENT_TYPES).filter(() => complete) as [
  TicketEventType,
  ...TicketEventType[],
];

/** The dispatcher of one subscription: one workflow id per subscription, so starting it twice is one run. */
export const webhookWorkflowId = (subscriptionId: string): string => `webhook-${subscriptionId}`;
export const WEBHOOK_WORKFLOW_TYPE = 'webhookDispatchWorkflow';
/** The dispatchers run on the tickets queue; their activities on this one (services/worker/src/webhook-worker.ts). */
export const webhooksQueueFor = (ticketsQueue: string): string => `${ticketsQueue}-webhooks`;

/** The subscription changed (activated, re-enabled, retargeted): the dispatcher re-reads it. */
export const webhookChangedSignal = defineSignal('webhookChanged');

export interface WebhookDispatchInput {
  subscriptionId: string;
  /** The feed cursor (a feedSeq) delivered through, carried across continue-as-new; unset: the subscription's start. */
  cursor?: number | undefined;
  /** Tests: continue as new past this many history events (default 1,000). */
  maxHistoryEvents?: number | undefined;
}

/** What a long poll of the feed found for one subscription. */
export type WebhookPoll =
  | { state: 'deleted' }
  | { state: 'inactive'; cursor: number }
  /** `next`: the feed cursor after what was read; `matching`: how many of those events the subscription takes. */
  | { state: 'active'; cursor: number; next: number; matching: number };

/** What a delivery run did: `stopped` when the subscription was deactivated or deleted meanwhile. */
export interface WebhookDeliveryOutcome {
  delivered: number;
  stopped: boolean;
}

/** The failure type a delivery throws (non-retryable) once repeated failure disabled the subscription. */
export const WEBHOOK_DISABLED_FAILURE = 'WebhookDisabled';

/**
 * What a trigger's or time rule's `call_webhook` action posts: the rule, the ticket as it stood,
 * and an id (`<ticketId>:<eventSeq>:<subscription>`) a receiver deduplicates by.
 */
export interface AutomationWebhookCall {
  id: string;
  type: 'automation';
  at: string;
  rule: { kind: 'trigger' | 'time_rule' | 'macro'; id: string; name: string; version?: number | undefined };
  ticket: Pick<
    TicketState,
    'id' | 'reference' | 'status' | 'title' | 'priority' | 'severity' | 'group' | 'assignee' | 'tags' | 'requester'
  >;
}

export interface WebhookActivities {
  /** Wait (up to ~20 s, heartbeating) for feed events after `cursor`; the subscription's start when unset. */
  pollWebhookFeed(subscriptionId: string, cursor: number | undefined): Promise<WebhookPoll>;
  /** Deliver the subscription's events in (after, through], in order, each at most once on success. */
  deliverWebhookEvents(subscriptionId: string, after: number, through: number): Promise<WebhookDeliveryOutcome>;
  /** A rule's call_webhook action (true: delivered; false: the subscription is gone or inactive). */
  callWebhook(subscriptionId: string, call: AutomationWebhookCall): Promise<boolean>;
}

/** The notifier's mail to the admins about a subscription disabled after repeated failure. */
export interface WebhookMailActivities {
  /** `sent: false` when that disabling was mailed already (a retry) or the subscription is gone. */
  sendWebhookDisabledMail(subscriptionId: string): Promise<{ sent: boolean; to: string[] }>;
}
