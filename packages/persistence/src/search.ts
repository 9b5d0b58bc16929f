// Text search without a text index (FerretDB v1 and SecantusDB have none): the projection keeps two
// multikey arrays of normalised words on each ticket, and a search is an indexed equality on one
// word. `kwPublic` holds what a requester may read (reference, title, description, public
// messages), `kwAll` everything staff may read (private notes and messages too).
import type { TicketEvent, TicketState } from '@helpdesk/contracts';

export const SEARCH_FIELDS = { public: 'kwPublic', all: 'kwAll' } as const;
export type SearchScope = keyof typeof SEARCH_FIELDS;
export type SearchField = (typeof SEARCH_FIELDS)[SearchScope];

/** Words kept per text: a 50,000-character message must not put thousands of entries in an index. */
export const MAX_KEYWORDS = 300;
/** Longer "words" are hashes, tokens or base64: nobody types them, and they bloat index keys. */
const MAX_TOKEN_LENGTH = 40;

// Letters NFD does not decompose, spelled the way people type them without the key.
const LIGATURES: Record<string, string> = { œ: 'oe', æ: 'ae', ß: 'ss', ø: 'o', ł: 'l', đ: 'd', ı: 'i' };

/** Lower case, diacritics stripped: "Élève Cœur" → "eleve coeur". */
export function normalizeText(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[œæßøłđı]/g, (c) => LIGATURES[c] ?? c);
}

/**
 * The distinct words of a text, in order of first appearance: normalised, split on anything that
 * is not a letter or a digit, 1-character words dropped, at most `max` of them.
 */
export function keywordsOf(text: string, max = MAX_KEYWORDS): string[] {
  const out = new Set<string>();
  for (const word of normalizeText(text).split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < 2 || word.length > MAX_TOKEN_LENGTH) continue;
    out.add(word);
    if (out.size >= max) break;
  }
  return [...out];
}

/**
 * A reference as one word too ("tk-202611-00042"), so a reference typed as-is is an equality on
 * one rare word rather than on its pieces, which every ticket of the month shares.
 */
export function referenceKeyword(reference: string): string {
  return normalizeText(reference.trim());
}

/** Whether a query is a single reference-like word: no spaces, and a separator inside. */
export function looksLikeReference(q: string): boolean {
  const s = q.trim();
  return s.length >= 3 && s.length <= 100 && !/\s/.test(s) && /[\p{L}\p{N}][^\p{L}\p{N}]+[\p{L}\p{N}]/u.test(s);
}

const PRIVATE_VISIBILITIES = new Set(['private_note', 'private_message']);

/** A message body an event carries, and whether a requester may read it (as the timeline shows it). */
function messageOf(e: TicketEvent): { body: string; isPublic: boolean } | undefined {
  const body = e.data?.body;
  if (typeof body !== 'string') return undefined;
  return { body, isPublic: !PRIVATE_VISIBILITIES.has(String(e.data?.visibility ?? '')) };
}

/** The words a projection adds: from the ticket's own text, and from the new events' messages. */
export function searchFields(
  state: Pick<TicketState, 'reference' | 'title' | 'description'>,
  events: TicketEvent[],
): Record<SearchField, string[]> {
  const own = [
    referenceKeyword(state.reference),
    ...keywordsOf(`${state.reference} ${state.title ?? ''} ${state.description ?? ''}`),
  ];
  const pub = new Set(own);
  const all = new Set(own);
  for (const e of events) {
    const m = messageOf(e);
    if (!m) continue;
    for (const w of keywordsOf(m.body)) {
      all.add(w);
      if (m.isPublic) pub.add(w);
    }
  }
  return { kwPublic: [...pub], kwAll: [...all] };
}

/**
 * The update part that keeps the search fields current, for `Store.projectTicket`. `$addToSet`
 * only ever adds: words of a replaced title stay findable, and a replayed projection adds nothing
 * twice. It rides the revision-gated ticket write, so it lands exactly when the state does.
 */
export function searchFieldsUpdate(
  state: Pick<TicketState, 'reference' | 'title' | 'description'>,
  events: TicketEvent[],
): { $addToSet: Record<SearchField, { $each: string[] }> } {
  const kw = searchFields(state, events);
  return { $addToSet: { kwPublic: { $each: kw.kwPublic }, kwAll: { $each: kw.kwAll } } };
}
