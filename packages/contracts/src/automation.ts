// Automation: triggers (rules that act on a ticket event), time rules (rules that act when a ticket
// has been in some state for a while) and macros (saved actions an agent applies in one command).
// Triggers and time rules live in the versioned settings, so a ticket decides with the rules in
// effect when the event happened and records the settings version that acted. Plain types only:
// bundled into workflow code.

/** The ticket events a trigger listens to. */
export const TRIGGER_EVENTS = [
  'created',
  'updated',
  'reply_received',
  'status_changed',
  'sla_warning',
  'sla_breach',
  'follow_up_created',
] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

/** Ticket fields a condition may test (`requester.email` and `requester.domain` read the requester). */
export const CONDITION_FIELDS = [
  'status',
  'channel',
  'type',
  'group',
  'category',
  'severity',
  'priority',
  'brand',
  'assignee',
  'tags',
  'title',
  'description',
  'requester.email',
  'requester.domain',
  'awaiting',
] as const;
/** A ticket field, or a custom field's value as `custom.<key>` (a number or checkbox compares as text). */
export type ConditionField = (typeof CONDITION_FIELDS)[number] | `custom.${string}`;

export const CONDITION_OPERATORS = ['is', 'is_not', 'contains', 'not_contains', 'present', 'absent'] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/**
 * One test on the ticket. `is`/`is_not` compare whole values (case-insensitive; for tags: has the
 * tag / lacks it), `contains`/`not_contains` look for a substring (for tags: same as is/is_not),
 * `present`/`absent` need no value.
 */
export interface Condition {
  field: ConditionField;
  op: ConditionOperator;
  value?: string | undefined;
}

/** Every condition of `all` holds, and at least one of `any` when it has any. */
export interface Conditions {
  all?: Condition[] | undefined;
  any?: Condition[] | undefined;
}

/** Who an automation mail goes to: the requester, the assignee, the group, or addresses. */
export type MailTarget = 'requester' | 'assignee' | 'group' | string;

export type AutomationAction =
  | { type: 'set_fields'; fields: { priority?: string; severity?: string; category?: string; type?: string } }
  | { type: 'add_tags'; tags: string[] }
  | { type: 'remove_tags'; tags: string[] }
  | { type: 'assign_group'; group: string }
  | { type: 'assign_agent'; agent: string }
  /** A mail from a template: subject and body may use {{ticket.reference}}, {{requester.name}}… */
  | { type: 'send_mail'; to: MailTarget[]; subject: string; body: string }
  | { type: 'add_note'; body: string }
  /** POST the ticket to a webhook subscription's URL, signed like every delivery. */
  | { type: 'call_webhook'; webhook: string }
  /** Time rules: close a resolved ticket, or resolve an open one (method no_response). */
  | { type: 'close' }
  | { type: 'resolve' };
export type AutomationActionType = AutomationAction['type'];

export interface Trigger {
  id: string;
  name: string;
  /** Acts on these events (any of them). */
  on: TriggerEvent[];
  conditions: Conditions;
  actions: AutomationAction[];
  active: boolean;
}

/** What a time rule counts its hours from. */
export const TIME_RULE_ANCHORS = ['created', 'last_action', 'status_changed', 'resolved'] as const;
export type TimeRuleAnchor = (typeof TIME_RULE_ANCHORS)[number];

/**
 * "N hours since <anchor>, while the conditions hold → actions", as an exact durable timer per
 * ticket. It acts once per anchor instant (a new status change, a new reply arms it again).
 */
export interface TimeRule {
  id: string;
  name: string;
  anchor: TimeRuleAnchor;
  hours: number;
  conditions: Conditions;
  actions: AutomationAction[];
  active: boolean;
}

/** A macro as a command carries it: the actions and the reply, its placeholders already filled. */
export interface MacroApplication {
  id: string;
  name: string;
  actions: AutomationAction[];
  reply?: { body: string; visibility: 'public' | 'private_note' } | undefined;
}

/** How deep triggers may set off triggers (each trigger acts at most once per change). */
export const MAX_TRIGGER_PASSES = 5;
