// The ticket vocabulary every service speaks. Plain types and constant lists only: this file is
// bundled into workflow code, so it must stay free of Node built-ins and heavy libraries.

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

export interface Breach {
  kind: 'response' | 'action';
  dueAt: number;
  at: number;
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
  | 'linked'
  | 'child_resolved'
  | 'child_reopened'
  | 'workflow_halted'
  | 'restarted'
  | 'merged_in'
  | 'attachment_added'
  | 'notification_failed';

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
