// The tables behind decide(): who may send each command, and from which statuses; and who may do
// what is not a command to a ticket (create one, follow one up by hand, restart one, handle mail).
import { ROLES } from '@helpdesk/contracts/workflow';
import type { Actor, CommandType, Role, TicketStatus } from '@helpdesk/contracts/workflow';
import { STAFF_ROLES as STAFF } from './roles';

export const WHO_MAY: Record<CommandType, readonly Role[]> = {
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
  apply_macro: STAFF,
};

/** Who may send any of these commands (one API route may send several: replies are both kinds). */
export const whoMay = (...types: CommandType[]): Role[] =>
  ROLES.filter((r) => types.some((t) => WHO_MAY[t].includes(r)));

export type TicketAction =
  'create' | 'follow_up' | 'restart' | 'handle_mail' | 'read_settings' | 'change_settings' | 'read_reports';

/**
 * The rest: anyone creates (a requester for themselves, see create.ts), staff open a follow-up of
 * a closed ticket by hand, handle suspended mail, read the settings and the reports; an admin
 * restarts a halted ticket and changes the settings.
 */
export const WHO_MAY_ALSO: Record<TicketAction, readonly Role[]> = {
  create: ROLES,
  follow_up: STAFF,
  restart: ['admin'],
  handle_mail: STAFF,
  read_settings: STAFF,
  change_settings: ['admin'],
  read_reports: STAFF,
};

export const mayDo = (actor: Pick<Actor, 'role'>, action: TicketAction): boolean =>
  WHO_MAY_ALSO[action].includes(actor.role);

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
  apply_macro: OPEN.concat('resolved'),
};

/** Fields a ticket needs before it can be submitted (spec 002). */
export const REQUIRED_TO_SUBMIT = ['title', 'description', 'category', 'primaryContact', 'requester'] as const;
