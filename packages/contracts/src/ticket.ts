// The ticket vocabulary every service speaks. Plain types and constant lists only: this file is
// bundled into workflow code, so it must stay free of Node built-ins and heavy libraries.
import type { CustomValues } from './custom-fields';

export const TICKET_STATUSES = ['draft', 'new', 'in_progress', 'waiting', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const WAIT_TYPES = ['more_info', 'until', 'split', 'case'] as const;
export type WaitType = (typeof WAIT_TYPES)[number];

export const RESOLUTION_METHODS = [
  'customer_communication',
  'no_response',
  'rejected',
  'spam',
  'merged',
  'split',
  'unknown_address',
] as const;
export type ResolutionMethod = (typeof RESOLUTION_METHODS)[number];

/** Methods whose ticket skips the feedback window and closes at once (spec 002 status table). */
export const CLOSE_AT_ONCE_METHODS: readonly ResolutionMethod[] = ['spam', 'unknown_address', 'merged'];

export const ROLES = ['admin', 'agent', 'requester', 'service'] as const;
export type Role = (typeof ROLES)[number];

export const CHANNELS = ['web', 'api', 'email', 'phone', 'closed_ticket', 'split', 'system'] as const;
export type Channel = (typeof CHANNELS)[number];

export type Awaiting = 'agent' | 'customer';

/**
 * A ticket whose workflow run ended outside the helpdesk (an operator's terminate in the Temporal
 * UI, a timeout, a failure, or a history gone) while the ticket was still open: no command can
 * reach it until an admin restarts it.
 */
export const RUN_HALTS = ['terminated', 'cancelled', 'timed_out', 'failed', 'missing'] as const;
export type RunHalt = (typeof RUN_HALTS)[number];

/** Who did something: a person, a robot or a service. */
export interface Actor {
  id: string;
  role: Role;
  name?: string | undefined;
  email?: string | undefined;
}

export interface Person {
  id: string;
  name?: string | undefined;
  email?: string | undefined;
}

export interface Resolution {
  method: ResolutionMethod;
  at: number;
  by: string;
}

export interface AttachmentRef {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/** Service-level targets of an SLA policy (settings `slaPolicies`). */
export const SLA_TARGETS = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

/** A breach's kind: the two global delays, or a policy's target. */
export type BreachKind = 'response' | 'action' | SlaTarget;

export interface Breach {
  kind: BreachKind;
  dueAt: number;
  at: number;
}

/** One target of the ticket's policy as it stands (derived from the state and the settings). */
export interface SlaTargetState {
  /** When it is due; null while a pause (waiting on the requester, resolved) holds the clock. */
  dueAt: number | null;
  /** When the warning is due (working time before dueAt), if the policy warns. */
  warnAt?: number | undefined;
  breachedAt?: number | undefined;
  metAt?: number | undefined;
  paused?: boolean | undefined;
  /** While paused: the working time left. */
  remainingMs?: number | undefined;
}

/** The ticket's service levels: the policy that matched it and each of its targets. */
export interface TicketSla {
  policy: string;
  calendar?: string | undefined;
  firstResponse?: SlaTargetState | undefined;
  nextResponse?: SlaTargetState | undefined;
  resolution?: SlaTargetState | undefined;
}

/** What the SLA clocks are computed from, kept by the ticket (carried across continue-as-new). */
export interface SlaClockState {
  /** Stretches when every clock stood still: waiting on the requester, resolved. The last may be open. */
  pauses: { from: number; to?: number | undefined }[];
  /** The requester's reply (after an agent's) that started the next-response clock, until answered. */
  nextFrom?: number | undefined;
  /** The last next-response clock that was met: its start and the answer. */
  nextMet?: { from: number; at: number } | undefined;
  /** Warnings already given, by target and due instant (the current ones only). */
  warned: { kind: SlaTarget; dueAt: number }[];
}

export interface TicketLinks {
  followUpOf?: string | undefined;
  followUps: string[];
  mergedInto?: string | undefined;
  parent?: string | undefined;
  children: string[];
  /** Children of a split that have resolved. */
  childrenResolved?: string[] | undefined;
  /** Tickets merged into this one. */
  mergedFrom?: string[] | undefined;
}

/** The fields a ticket carries besides its lifecycle (spec "Ticket fields"). */
export interface TicketFields {
  title?: string | undefined;
  description?: string | undefined;
  category?: string | undefined;
  type?: string | undefined;
  group?: string | undefined;
  severity?: string | undefined;
  priority?: string | undefined;
  requester?: Person | undefined;
  primaryContact?: Person | undefined;
  company?: string | undefined;
  ccs: string[];
  notifyThirdParty: boolean;
  project?: string | undefined;
  contract?: string | undefined;
  tags: string[];
  brand?: string | undefined;
  supportAddress?: string | undefined;
  /** Values of the custom fields the settings define, by key (absent: none set). */
  custom?: CustomValues | undefined;
}

/**
 * The live state of one ticket. Every deadline the workflow sleeps on is derived from the absolute
 * times kept here, so timers survive restarts and continue-as-new.
 */
export interface TicketState extends TicketFields {
  id: string;
  reference: string;
  status: TicketStatus;
  channel: Channel;
  assignee?: string | undefined;
  waitType?: WaitType | undefined;
  /** more_info / until: when the wait ends (epoch ms). */
  waitUntil?: number | undefined;
  closeIfNoResponse?: boolean | undefined;
  resolution?: Resolution | undefined;
  read: boolean;
  awaiting: Awaiting;
  attention: boolean;
  deleted: boolean;
  links: TicketLinks;
  breaches: Breach[];
  /** Service levels under the matching SLA policy (absent when none matches). */
  sla?: TicketSla | undefined;
  /** The earliest due instant of an unmet, running SLA target: what lists filter and sort by. */
  slaDueAt?: number | undefined;
  slaClock?: SlaClockState | undefined;
  attachments?: AttachmentRef[] | undefined;
  createdAt: number;
  createdBy: string;
  submittedAt?: number | undefined;
  updatedAt: number;
  /** Last action on the ticket by anyone; anchors the action delay. */
  lastActionAt: number;
  firstPublicReplyAt?: number | undefined;
  reopenCount: number;
  /** Set when the ticket's workflow run was found ended while the ticket was open (see RUN_HALTS). */
  halted?: RunHalt | undefined;
  /** Bumped on every change; the read model keeps only the highest revision it has seen. */
  revision: number;
  /** Sequence number of the last timeline event. */
  eventSeq: number;
  /** When the status last changed (time rules count from it). */
  statusChangedAt?: number | undefined;
  /** Time rules that acted, with the anchor instant they counted from (each acts once per anchor). */
  timeRulesFired?: { rule: string; anchorAt: number }[] | undefined;
  /**
   * The requester's rating, written into the read model by the satisfaction repository (never by
   * the workflow): the projection leaves this field alone, so a rating given while the ticket is
   * resolved survives the close its workflow projects later.
   */
  satisfaction?: TicketSatisfaction | undefined;
}

export const SATISFACTION_RATINGS = ['good', 'bad'] as const;
export type SatisfactionRating = (typeof SATISFACTION_RATINGS)[number];

/** A requester's one rating of a resolved (or closed) ticket, from the link in the resolution mail. */
export interface TicketSatisfaction {
  rating: SatisfactionRating;
  comment?: string | undefined;
  /** When it was recorded (epoch ms). */
  at: number;
}

export type TicketEventType =
  | 'created'
  | 'submitted'
  | 'modified'
  | 'taken'
  | 'assigned'
  | 'released'
  | 'waiting'
  | 'resumed'
  | 'replied'
  | 'note_added'
  | 'message_sent'
  | 'customer_replied'
  | 'resolved'
  | 'reopened'
  | 'closed'
  | 'deleted'
  | 'restored'
  | 'reclassified'
  | 'breached'
  | 'sla_warning'
  | 'linked'
  | 'child_resolved'
  | 'child_reopened'
  | 'workflow_halted'
  | 'restarted'
  | 'merged_in'
  | 'attachment_added'
  | 'notification_failed'
  /** A time rule acted (its actions follow as their own events). */
  | 'automation_acted';

/** One line of a ticket's timeline: what happened, when, by whom, and what changed. */
export interface TicketEvent {
  ticketId: string;
  seq: number;
  type: TicketEventType;
  at: number;
  actor: Actor;
  channel: Channel;
  before?: Partial<Pick<TicketState, 'status' | 'assignee' | 'waitType'>> | undefined;
  after?: Partial<Pick<TicketState, 'status' | 'assignee' | 'waitType'>> | undefined;
  data?: Record<string, unknown> | undefined;
}

export type MessageVisibility = 'public' | 'private_note' | 'private_message';

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'service', name: 'Helpdesk' };

export const ticketWorkflowId = (ticketId: string): string => `ticket-${ticketId}`;
