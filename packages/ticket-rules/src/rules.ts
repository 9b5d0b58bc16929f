// The tables behind decide(): who may send each command, and from which statuses.
import type { CommandType, Role, TicketStatus } from '@helpdesk/contracts/workflow';

const STAFF: Role[] = ['admin', 'agent'];

export const WHO_MAY: Record<CommandType, Role[]> = {
  submit: [...STAFF, 'requester'],
  modify: STAFF,
  take: [...STAFF, 'service'],
  assign: [...STAFF, 'service'],
  release: [...STAFF, 'service'],
  wait: STAFF,
  resume: STAFF,
  reply: STAFF,
  customer_reply: [...STAFF, 'requester', 'service'],
  resolve: STAFF,
  reopen: [...STAFF, 'requester'],
  spam: STAFF,
  delete: STAFF,
  restore: STAFF,
  reclassify: STAFF,
  end_case: [...STAFF, 'service'],
  attach: [...STAFF, 'requester', 'service'],
  merge: STAFF,
  split: STAFF,
  purge: ['admin'],
};

const OPEN: TicketStatus[] = ['new', 'in_progress', 'waiting'];
const NOT_CLOSED: TicketStatus[] = ['draft', ...OPEN, 'resolved'];

/** Statuses a command may start from (before the finer checks in decide()). */
export const FROM: Record<CommandType, TicketStatus[]> = {
  submit: ['draft'],
  modify: NOT_CLOSED,
  take: ['new'],
  assign: ['new', 'in_progress'],
  release: ['in_progress'],
  wait: ['new', 'in_progress'],
  resume: ['waiting'],
  reply: NOT_CLOSED,
  customer_reply: NOT_CLOSED,
  resolve: ['draft', ...OPEN],
  reopen: ['resolved'],
  spam: NOT_CLOSED,
  delete: NOT_CLOSED,
  restore: NOT_CLOSED,
  reclassify: [...NOT_CLOSED, 'closed'],
  end_case: ['waiting'],
  attach: NOT_CLOSED,
  merge: ['new', 'in_progress', 'waiting'],
  split: ['new', 'in_progress'],
  purge: [...NOT_CLOSED, 'closed'],
};

/** Fields a ticket needs before it can be submitted (spec 002). */
export const REQUIRED_TO_SUBMIT = ['title', 'description', 'category', 'primaryContact', 'requester'] as const;
