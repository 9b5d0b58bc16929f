// List keys: entries the projection derives from a ticket's state so that list shapes which would
// otherwise need two index prefixes at once read through one. A store that uses one index per query
// (SecantusDB, FerretDB) answers `assignee=a&status=in_progress` from the assignee index and checks
// the status of every ticket it reads there (measured: 4–7 ms a page at 100,000 tickets against
// 1 ms for one filter); with the entry `assignee=a|in_progress` in the multikey index on
// (lk, deleted, sort, _id), the page is one equality prefix and one range, and it reads what it returns.
// Likewise `breached`: one entry instead of one query per breach kind.
//
// Tickets projected before the keys existed have none: backfillListKeys gives them theirs, then
// marks the store; lists read through the keys only once that mark is there (listKeysReady). The
// backfill keys only tickets without keys: a change to listKeysOf needs a new mark and a backfill
// that rewrites every ticket.
import type { TicketState } from '@helpdesk/contracts';

/** The read model's field of list keys (LIST_FILTER_FIELDS names it, for its indexes). */
export const LIST_KEYS_FIELD = 'lk';

/**
 * Filters a list commonly combines with a status ("my open tickets", a group's queue): each with
 * status is one key. The others (requester, follow-ups) are narrow enough alone.
 */
export const PAIRED_WITH_STATUS = ['assignee', 'group', 'company', 'tags', 'type', 'severity', 'channel'] as const;
export type PairedField = (typeof PAIRED_WITH_STATUS)[number];

/** The key of tickets in `status` whose `field` holds `value`. */
export const statusPairKey = (field: PairedField, value: string, status: string): string =>
  `${field}=${value}|${status}`;

/** The key every ticket with a breach holds. */
export const BREACHED_KEY = 'breached';

/** The keys the projection stores for this state (always an array: its presence marks the ticket as keyed). */
export function listKeysOf(state: Pick<TicketState, 'status' | 'breaches' | PairedField>): string[] {
  const keys: string[] = [];
  for (const field of PAIRED_WITH_STATUS) {
    const value = state[field];
    const values = Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
    for (const v of new Set(values)) keys.push(statusPairKey(field, v, state.status));
  }
  if ((state.breaches ?? []).length > 0) keys.push(BREACHED_KEY);
  return keys;
}
