// Who someone is to a ticket, in one place: staff or not, and whether a requester owns it. The
// rules, the ticket client and the gateway (its checks and the roles its API document shows) ask here.
import { ROLES } from '@helpdesk/contracts/workflow';
import type { Actor, Person, Role, TicketState } from '@helpdesk/contracts/workflow';

export const STAFF_ROLES: readonly Role[] = ['admin', 'agent'];

export const isStaff = (actor: Pick<Actor, 'role'>): boolean => STAFF_ROLES.includes(actor.role);

/** Requesters see and act on their own tickets only; everyone else on any. */
export const mayView = (ticket: Pick<TicketState, 'requester'>, actor: Pick<Actor, 'id' | 'role'>): boolean =>
  actor.role !== 'requester' || ticket.requester?.id === actor.id;

/** A requester naming someone else as a ticket's requester (when creating or submitting it). */
export const forSomeoneElse = (actor: Pick<Actor, 'id' | 'role'>, requester: Person | undefined): boolean =>
  actor.role === 'requester' && requester !== undefined && requester.id !== actor.id;

/** Roles as the API document lists them (requesters always limited to their own tickets). */
export const describeRoles = (roles: readonly Role[]): string =>
  ROLES.filter((r) => roles.includes(r))
    .map((r) => (r === 'requester' ? 'requester (own)' : r))
    .join(', ');
