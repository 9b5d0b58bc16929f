// Routing: the group queue workflow's messages, shared by the workflow, the projection that feeds it
// and the clients that tell it about agents (as definitions.ts does for tickets).
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { GroupRouting } from './directory';
import type { Actor, TicketStatus } from './ticket';

/** One workflow per group queue. */
export const groupQueueWorkflowId = (group: string): string => `group-queue:${group}`;
export const GROUP_QUEUE_WORKFLOW_TYPE = 'groupQueueWorkflow';

/** Who routing's assignments are made by, on the ticket's timeline. */
export const ROUTING_ACTOR: Actor = { id: 'routing', role: 'service', name: 'Routing' };

/** A ticket of the group is open, unassigned and waiting for an agent (the queue ignores tickets it holds). */
export const ticketWaitingSignal = defineSignal<[{ ticketId: string }]>('ticketWaiting');

/** An agent of the group became available (or the group's routing changed): try the waiting tickets again. */
export const agentsChangedSignal = defineSignal<[]>('agentsChanged');

/** An offer under way: the ticket is assigned to `agent`, who has until `until` to take it. */
export interface RoutingOffer {
  agent: string;
  until: number;
}

/** Everything a queue knows; carried over when it continues as new. */
export interface GroupQueueState {
  /** Round-robin pointer: the ring position the next pick starts from. */
  pointer: number;
  /** Offers made so far: numbers each offer, so its Update id is unique and a retry is applied once. */
  seq: number;
  /** Tickets waiting for an offer, oldest first. */
  waiting: string[];
  /** Tickets offered and not yet known taken, by ticket id. */
  offers: Record<string, RoutingOffer>;
  /** Agents already offered each held ticket, oldest first. */
  tried: Record<string, string[]>;
}

export interface GroupQueueInput {
  group: string;
  carried?: GroupQueueState;
  /** Continue as new past this many history events (default 2,000; tests make it small). */
  maxHistoryEvents?: number;
}

/** The queue as it is now (for operators and tests). */
export const groupQueueQuery = defineQuery<GroupQueueState & { group: string; assigned: number }>('queue');

/** What the queue reads before it picks: the rule, the members in ring order, the tickets. */
export interface RoutingSnapshot {
  routing: GroupRouting | null;
  agents: {
    id: string;
    available: boolean;
    openTickets: number;
    capacity?: number | null | undefined;
    skills: string[];
  }[];
  tickets: {
    id: string;
    status: TicketStatus | 'missing';
    assignee?: string | undefined;
    group?: string | undefined;
    type?: string | undefined;
    deleted: boolean;
  }[];
}

/**
 * What came of an offer: assigned to the agent; the ticket is no longer the queue's (taken,
 * assigned by hand, closed); or the directory refused that agent for it (try another).
 */
export type OfferOutcome = 'offered' | 'gone' | 'refused';
