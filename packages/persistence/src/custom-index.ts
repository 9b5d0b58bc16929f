// Custom field values in the read model. A ticket's `custom` is a free map (its keys are the
// admins'), which no static index can cover field by field; so the projection also keeps `cf`, an
// array of `<key>=<value>` strings (one per option of a multi-select), and one multikey index per
// sort on (cf, deleted, sort, _id) serves an equality filter on any field: `cf.<key>=<value>` is
// the entry `<key>=<value>` (for a multi-select: holds that option).
import { customIndexTokens } from '@helpdesk/contracts';
import type { TicketState } from '@helpdesk/contracts';

/** The read model's field of index entries (LIST_FILTER_FIELDS names it). */
export const CUSTOM_INDEX_FIELD = 'cf';

/** The entries the projection stores for this state (none: the field is removed). */
export const customIndexOf = (state: Pick<TicketState, 'custom'>): string[] | undefined => {
  const tokens = customIndexTokens(state.custom);
  return tokens.length > 0 ? tokens : undefined;
};

/** The entry a filter on one field's value looks for. */
export const customIndexEntry = (key: string, value: string): string => `${key}=${value}`;

/**
 * The store clause of custom filters (entries, all of which a ticket must hold): one equality, the
 * prefix of the cf index; several are `$all`, which the store answers from the same index.
 */
export function customClause(entries: string[] | undefined): [string, unknown] | undefined {
  const wanted = [...new Set(entries ?? [])];
  if (wanted.length === 0) return undefined;
  return [CUSTOM_INDEX_FIELD, wanted.length === 1 ? wanted[0] : { $all: wanted }];
}

/** The same filter on a document in memory (search candidates). */
export const holdsCustom = (doc: { cf?: string[] | undefined }, entries: string[] | undefined): boolean =>
  (entries ?? []).every((e) => (doc.cf ?? []).includes(e));
