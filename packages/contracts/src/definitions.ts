// Temporal message definitions shared by the workflow and its clients.
import { SearchAttributeType, defineSearchAttributeKey } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { COMMAND_TYPES } from './commands';
import type { CommandOf, CommandRequest, CommandType, EditableFields } from './commands';
import type { Notification } from './notifications';
import type { Settings } from './settings';
import type { Actor, Channel, RunHalt, TicketLinks, TicketState } from './ticket';

export type CommandUpdates = {
  [T in CommandType]: UpdateDefinition<TicketState, [CommandRequest<CommandOf<T>>], T>;
};

export const commandUpdates = Object.fromEntries(
  COMMAND_TYPES.map((type) => [type, defineUpdate(type)]),
) as unknown as CommandUpdates;

/** Current state of the ticket, straight from the workflow. */
export const stateQuery = defineQuery<TicketState>('state');

/** Settings changed: open tickets take them into their next timer decisions. */
export const settingsChangedSignal = defineSignal<[Settings]>('settingsChanged');

/** A child of a split ticket resolved. */
export const childResolvedSignal = defineSignal<[{ childId: string }]>('childResolved');

/** A resolved child of a split was reopened: the parent waits for it again. */
export const childReopenedSignal = defineSignal<[{ childId: string }]>('childReopened');

/** Another ticket was merged into this one: its thread arrives as a private note with a link. */
export interface MergedIn {
  sourceId: string;
  sourceReference: string;
  thread: string;
}
export const mergedInSignal = defineSignal<[MergedIn]>('mergedIn');

/** Where a follow-up comes from: the closed ticket, and how it was asked for (spec 000/001). */
export interface FollowUpOrigin {
  of: TicketState;
  via: 'agent' | 'customer_reply' | 'email';
  /** The message that made it (a reply to the closed ticket), which becomes its description. */
  message?: { body: string; from?: string; messageId?: string };
  /** email: the support address the mail was sent to, and only that mail's CCs. */
  supportAddress?: string;
  ccs?: string[];
}

/** How a ticket workflow starts: a new ticket, or a long-lived one continuing as new. */
export interface TicketWorkflowInput {
  ticketId: string;
  reference: string;
  actor: Actor;
  channel: Channel;
  draft: boolean;
  /** As a creation sends them: `custom` is a patch (null values are dropped). */
  fields: EditableFields;
  assignee?: string;
  links?: Partial<TicketLinks>;
  followUp?: FollowUpOrigin;
  /** When the starter created the ticket: the workflow's first state is computed at this instant. */
  createdAt?: number;
  /** Settings as the starter read them; later changes arrive by signal. */
  settings: Settings;
  /** Set when continuing as new: the state carried over, deadlines included. */
  continued?: { state: TicketState; projectedRevision: number; pendingNotifications?: Notification[] };
  /**
   * An admin restarted a ticket whose run had ended while it was open: `continued` holds the read
   * model's state, and the first state is computed at `at`, as the starter computed it.
   */
  restart?: { actor: Actor; at: number; after: RunHalt };
}

/**
 * Custom search attributes, kept current by the workflow so operators can find tickets in the
 * Temporal UI, e.g. `TicketStatus = "in_progress" AND TicketAssignee = "alice"`.
 */
export const searchAttributes = {
  status: defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD),
  assignee: defineSearchAttributeKey('TicketAssignee', SearchAttributeType.KEYWORD),
  reference: defineSearchAttributeKey('TicketReference', SearchAttributeType.KEYWORD),
  group: defineSearchAttributeKey('TicketGroup', SearchAttributeType.KEYWORD),
  priority: defineSearchAttributeKey('TicketPriority', SearchAttributeType.KEYWORD),
  requester: defineSearchAttributeKey('TicketRequester', SearchAttributeType.KEYWORD),
} as const;

/** A ticket's search attribute values (null: unset), in one place for the starter and the workflow. */
export const ticketSearchAttributes = (s: TicketState) => [
  { key: searchAttributes.status, value: s.status },
  { key: searchAttributes.reference, value: s.reference },
  { key: searchAttributes.assignee, value: s.assignee ?? null },
  { key: searchAttributes.group, value: s.group ?? null },
  { key: searchAttributes.priority, value: s.priority ?? null },
  { key: searchAttributes.requester, value: s.requester?.id ?? null },
];

/** Name → type, as the dev server's `--search-attribute` flag wants them. */
export const SEARCH_ATTRIBUTE_FLAGS: string[] = Object.values(searchAttributes).map((k) => `${k.name}=Keyword`);

/** Answers once everything the ticket has done so far is in the read model (read your writes). */
export const syncUpdate = defineUpdate<TicketState, []>('sync');
