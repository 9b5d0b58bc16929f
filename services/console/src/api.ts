// The console's one API object (typed client, session, live stream) and the shapes it reads.
import { createApi, localTokenStore } from '@helpdesk/api-client';
import type { Api, Schemas } from '@helpdesk/api-client';

export type Ticket = Schemas['Ticket'];
export type TicketEvent = Schemas['TicketEvent'];
export type CommandName = NonNullable<Schemas['Problem']['allowedCommands']>[number];
export type SavedView = Schemas['SavedView'];
export type User = Schemas['User'];
export type Group = Schemas['Group'];
export type Organization = Schemas['Organization'];
export type Settings = Schemas['Settings'];
export type SuspendedMail = Schemas['SuspendedMail'];
export type ResolutionMethod = NonNullable<Schemas['Ticket']['resolution']>['method'];
export type Status = Schemas['Ticket']['status'];

export const RESOLUTION_METHODS: ResolutionMethod[] = [
  'customer_communication',
  'no_response',
  'rejected',
  'spam',
  'merged',
  'split',
  'unknown_address',
];

export function makeApi(baseUrl = ''): Api {
  return createApi({ baseUrl, store: localTokenStore('helpdesk.console.session') });
}

/** The list's query parameters, as strings (what GET /v1/tickets and a saved view take). */
export type ListQuery = Record<string, string>;

/** A count takes the list's filters only: no order, no page. */
export function filtersOnly(query: ListQuery): ListQuery {
  const { sort: _sort, order: _order, limit: _limit, cursor: _cursor, ...filters } = query;
  return filters;
}

export const humanize = (s: string): string => s.replace(/_/g, ' ');
