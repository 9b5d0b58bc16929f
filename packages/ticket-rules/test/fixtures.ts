import { DEFAULT_SETTINGS, HOUR_MS } from '@helpdesk/contracts';
import type {
  Actor,
  CommandType,
  Settings,
  TicketCommand,
  TicketState,
  TicketStatus,
  WaitType,
} from '@helpdesk/contracts';
import type { Context } from '../src';

export const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);
export const HOUR = HOUR_MS;

export const alice: Actor = { id: 'alice', role: 'agent', name: 'Alice' };
export const admin: Actor = { id: 'root', role: 'admin' };
export const rita: Actor = { id: 'rita', role: 'requester', email: 'rita@example.com' };
export const robot: Actor = { id: 'router', role: 'service' };

export const settings = (over: Partial<Settings> = {}): Settings => ({ ...DEFAULT_SETTINGS, ...over });
export const ctx = (actor: Actor, over: Partial<Settings> = {}, now = T0 + HOUR): Context => ({
  now,
  actor,
  settings: settings(over),
});

export function ticket(
  status: TicketStatus,
  over: Partial<TicketState> = {},
  waitType: WaitType = 'more_info',
): TicketState {
  const base: TicketState = {
    id: 't1',
    reference: 'TK-202611-00001',
    status,
    channel: 'web',
    title: 'Printer on fire',
    description: 'Smoke from the tray',
    category: 'general',
    requester: { id: 'rita', email: 'rita@example.com' },
    primaryContact: { id: 'rita', email: 'rita@example.com' },
    ccs: ['boss@example.com'],
    tags: ['hardware'],
    notifyThirdParty: false,
    read: true,
    awaiting: 'agent',
    attention: false,
    deleted: false,
    links: { followUps: [], children: [] },
    breaches: [],
    createdAt: T0,
    createdBy: 'alice',
    updatedAt: T0,
    lastActionAt: T0,
    reopenCount: 0,
    revision: 3,
    eventSeq: 3,
  };
  const byStatus: Partial<Record<TicketStatus, Partial<TicketState>>> = {
    new: { submittedAt: T0 },
    in_progress: { submittedAt: T0, assignee: 'alice' },
    waiting: {
      submittedAt: T0,
      assignee: 'alice',
      waitType,
      ...(waitType === 'more_info' || waitType === 'until' ? { waitUntil: T0 + 24 * HOUR } : {}),
    },
    resolved: {
      submittedAt: T0,
      assignee: 'alice',
      resolution: { method: 'customer_communication', at: T0, by: 'alice' },
    },
    closed: {
      submittedAt: T0,
      assignee: 'alice',
      resolution: { method: 'customer_communication', at: T0, by: 'alice' },
    },
  };
  return { ...base, ...byStatus[status], ...over };
}

/** One command of each type, as a client would send it. */
export const SAMPLE: Record<CommandType, TicketCommand> = {
  submit: { type: 'submit' },
  modify: { type: 'modify', fields: { priority: 'high' } },
  take: { type: 'take' },
  assign: { type: 'assign', assignee: 'bob' },
  release: { type: 'release' },
  wait: { type: 'wait', waitType: 'more_info', days: 1 },
  resume: { type: 'resume' },
  reply: { type: 'reply', body: 'Hello', visibility: 'public' },
  customer_reply: { type: 'customer_reply', body: 'Any news?', via: 'web' },
  resolve: { type: 'resolve', method: 'customer_communication' },
  reopen: { type: 'reopen' },
  spam: { type: 'spam' },
  delete: { type: 'delete' },
  restore: { type: 'restore' },
  reclassify: { type: 'reclassify', group: 'billing' },
  end_case: { type: 'end_case' },
  attach: { type: 'attach', attachment: { id: 'a1', filename: 'log.txt', contentType: 'text/plain', size: 10 } },
  merge: { type: 'merge', targetId: 't2' },
  split: { type: 'split', children: [{ id: 'c1', fields: { title: 'Part one', description: 'First half' } }] },
  purge: { type: 'purge' },
  apply_macro: {
    type: 'apply_macro',
    macro: { id: 'm1', name: 'Tag it', actions: [{ type: 'add_tags', tags: ['macro'] }] },
  },
};
