// Read-side queries over the ticket read model: filtered lists with stable cursor pagination, text
// search, and the lifecycle report. Only what MongoDB, SecantusDB and FerretDB v1 all support: no
// $lookup, no text index, no $facet.
//
// Lists. Stores differ in what an index does for a sorted, limited find: MongoDB walks the index
// and stops after `limit`; SecantusDB fetches every match, then sorts and cuts; FerretDB v1 scans.
// So a list never asks for "the first N of everything": it reads the sort field in slices
// (`WindowWalk`) from the cursor (or now, or about the oldest value for ascending lists), each
// slice a new range wider than the last, and stops once it has limit + 1 tickets. A slice is an
// equality on one filter's value, `deleted`, and a range of the sort field, in (sort, _id) order:
// the prefix of one index in models.ts, so each store reads little more than the slice (several
// values of a filter are several such slices, merged; a filter with a status, or any breach, is
// one key of the projection's list keys (list-keys.ts); other filters at once are one query the
// store plans). Each list shape remembers how wide a slice its last page needed, so a page is
// usually one query. The cursor's own sort value is read by id ({v, id}: _id breaks ties).
import type { Model, mongo } from 'mongoose';
import { DAY_MS as DAY, HOUR_MS as HOUR, MINUTE_MS as MINUTE } from '@helpdesk/contracts';
import type { TicketState, TicketStatus, TLifecycleReport } from '@helpdesk/contracts';
import type { TicketDoc, TicketEventDoc } from './models';
import { fromDoc } from './store';
import { SEARCH_FIELDS, keywordsOf, looksLikeReference, referenceKeyword, searchFieldsUpdate } from './search';
import type { SearchField, SearchScope } from './search';
import { customClause, holdsCustom } from './custom-index';
import { BREACHED_KEY, LIST_KEYS_FIELD, PAIRED_WITH_STATUS, listKeysOf, statusPairKey } from './list-keys';
import type { PairedField } from './list-keys';

export interface TicketFilter {
  status?: TicketStatus[];
  assignee?: string;
  group?: string;
  requester?: string;
  company?: string;
  tag?: string;
  type?: string;
  severity?: string;
  channel?: string;
  followUpOf?: string;
  attention?: boolean;
  breached?: boolean;
  deleted?: boolean;
  q?: string;
  /** Only tickets with an SLA target due before this instant (epoch ms); listed by due instant. */
  dueBefore?: number;
  /** Custom field values, each `<key>=<value>` (custom-index.ts): tickets holding all of them. */
  custom?: string[];
  /** The requester's rating: good, bad, or none (not rated). */
  satisfaction?: 'good' | 'bad' | 'none';
}

export interface ListOptions {
  /** `due`: by the earliest due instant of a running SLA target (`slaDueAt`); only tickets that have one. */
  sort: 'created' | 'updated' | 'due';
  order: 'asc' | 'desc';
  limit: number;
  cursor?: string;
  /** Whose words `q` searches: a requester's (public text only) or staff's (everything). */
  search?: SearchScope;
  /** The present, for tests. */
  now?: number;
}

export interface TicketPage {
  items: TicketState[];
  nextCursor: string | null;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('The cursor is not one this API handed out');
    this.name = 'InvalidCursorError';
  }
}

/** Where a page ended: the sort value and id of its last ticket, and for a search its rank. */
interface Cursor {
  v: number;
  id: string;
  r?: number;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof c.v === 'number' && Number.isFinite(c.v) && typeof c.id === 'string') {
      return { v: c.v, id: c.id, ...(typeof c.r === 'number' ? { r: c.r } : {}) };
    }
  } catch {
    /* fall through */
  }
  throw new InvalidCursorError();
}

// ---------------------------------------------------------------------------------------------
// Windows

/**
 * The first slice when nothing is learned: a few tickets on a busy helpdesk, and cheap when it
 * holds a burst (5 s of 10,000 tickets updated in a minute is ~800; a minute read them all).
 */
export const FIRST_WINDOW_MS = 5_000;
/**
 * The narrowest learned slice. A burst (an import, a mail storm: a hundred tickets a second) packs
 * thousands of tickets into a minute, and a store that reads a slice whole before sorting must not
 * read them all for a page of 25.
 */
const NARROWEST_WINDOW_MS = 1_000;
/** A slice this wide is the last one: it runs to the end of the line. */
export const LAST_WINDOW_MS = 400 * DAY;
/** Clocks differ a little between processes: "now" for an ascending list ends a bit later. */
const CLOCK_SKEW_MS = 5 * MINUTE;

/** A range on the sort field, as a query operator object. */
export type Slice = { $gt?: number; $lt?: number; $lte?: number };

/**
 * The width after a slice that found `found` tickets while `missing` are still wanted: sixteen
 * times wider after an empty one, else wide enough to find the rest twice over (×2 to ×16).
 */
export function nextWidth(width: number, found: number, missing: number): number {
  if (found === 0) return width * 16;
  return width * Math.min(16, Math.max(2, Math.ceil((2 * missing) / found)));
}

/**
 * Slices of the sort field in list order, starting at an edge: each one begins where the last
 * ended (no value is read twice, none skipped) and the last one is unbounded. Slices meet at
 * points p, read as `$gt` on one side and `$lte` on the other:
 *   desc: (p1, edge], then (p2, p1], …, then (-∞, pk]   with p1 = edge - w, p2 = p1 - w', …
 *   asc:  (edge, p1], then (p1, p2], …, then (pk, ∞)    with p1 = edge + w, …
 * Never `$gte`: SecantusDB's Python build reads it as `$gt` on a descending compound index.
 * `inclusive` puts the edge itself in the first slice (a cursor's value: the tickets that share
 * it follow by id); for ascending lists that is `$gt: edge - 1`, exact for whole milliseconds.
 * `open` drops the first slice's near bound: the first page of a descending list starts at now
 * but must include tickets stamped a little later, and an ascending one starts at the oldest
 * known value but must include anything older. `end` is where there is nothing beyond (now, for
 * asc): the slice that reaches it is made unbounded and is last.
 */
export class WindowWalk {
  private edge: number;
  private inclusive: boolean;
  private open: boolean;
  private span: number;
  private finished = false;

  constructor(
    private readonly dir: 1 | -1,
    start: { edge: number; inclusive?: boolean; open?: boolean },
    private readonly opts: { width?: number; end?: number } = {},
  ) {
    this.edge = start.edge;
    this.inclusive = start.inclusive ?? false;
    this.open = start.open ?? false;
    this.span = opts.width ?? FIRST_WINDOW_MS;
  }

  /** The width the next slice will have. */
  get width(): number {
    return this.span;
  }

  /** The next slice, or undefined once the whole line is covered. */
  next(): Slice | undefined {
    if (this.finished) return undefined;
    const lower: Slice = {};
    const upper: Slice = {};
    if (!this.open) {
      if (this.dir === -1) upper[this.inclusive ? '$lte' : '$lt'] = this.edge;
      else lower.$gt = this.inclusive ? this.edge - 1 : this.edge;
    }
    const far = Math.round(this.edge + this.dir * this.span);
    const reachesEnd = this.opts.end !== undefined && (this.dir === -1 ? far <= this.opts.end : far >= this.opts.end);
    if (this.span >= LAST_WINDOW_MS || reachesEnd) {
      this.finished = true;
    } else if (this.dir === -1) {
      lower.$gt = far;
    } else {
      upper.$lte = far;
    }
    // Lower bound first: SecantusDB scans a multikey index from the first bound it reads and
    // filters by the second: upper bound first, it read everything below it (measured: 100 ms vs 5).
    const slice: Slice = { ...lower, ...upper };
    // The next slice starts at `far`: with it for desc (this one took values above it), after it for asc.
    this.edge = far;
    this.inclusive = this.dir === -1;
    this.open = false;
    return slice;
  }

  /** Report what the last slice gave; the next one grows accordingly. */
  found(found: number, missing: number): void {
    this.span = nextWidth(this.span, found, missing);
  }
}

// ---------------------------------------------------------------------------------------------
// Filters

type Clause = [path: string, value: unknown];

/** Which index-prefix equalities a list reads (their union), and what else it must match. */
interface ListPlan {
  /** Each branch is the equality prefix of one index; the list is the union of the branches. */
  branches: Clause[][];
  /** Clauses no single index prefix holds (several filters at once): matched by the store. */
  rest: Clause[];
  /** Checked here, on what the store returned: a filter that almost every ticket passes. */
  post?: 'unbreached';
}

// The two global delays, then an SLA policy's targets.
const BREACH_KINDS = ['response', 'action', 'firstResponse', 'nextResponse', 'resolution'] as const;
// Filters that match a handful of tickets: with several filters, a store that plans one clause
// at a time should read these rather than a slice of the sort field.
const NARROW = new Set(['requester.id', 'links.followUpOf']);

/** The filter's clauses, in a fixed order (no `deleted`, no `q`). */
function filterClauses(f: TicketFilter): Clause[] {
  const c: Clause[] = [];
  if (f.requester) c.push(['requester.id', f.requester]);
  if (f.followUpOf) c.push(['links.followUpOf', f.followUpOf]);
  if (f.assignee) c.push(['assignee', f.assignee]);
  if (f.company) c.push(['company', f.company]);
  if (f.tag) c.push(['tags', f.tag]);
  if (f.group) c.push(['group', f.group]);
  if (f.type) c.push(['type', f.type]);
  if (f.severity) c.push(['severity', f.severity]);
  if (f.channel) c.push(['channel', f.channel]);
  if (f.attention !== undefined) c.push(['attention', f.attention]);
  const custom = customClause(f.custom);
  if (custom) c.push(custom);
  // "none": equality with null, which matches the tickets without a rating (served by the same index).
  if (f.satisfaction) c.push(['satisfaction.rating', f.satisfaction === 'none' ? null : f.satisfaction]);
  if (f.status?.length) c.push(['status', f.status.length === 1 ? f.status[0] : { $in: [...new Set(f.status)] }]);
  if (f.breached === true) c.push(['breaches.kind', { $in: [...BREACH_KINDS] }]);
  // "Not breached": an empty list of breaches. A bare [] (the driver's queries are not cast by
  // mongoose, which would make it `$in: []`).
  if (f.breached === false) c.push(['breaches', []]);
  return c;
}

const isIn = (v: unknown): v is { $in: unknown[] } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && '$in' in v;

const isPaired = (path: string): path is PairedField => (PAIRED_WITH_STATUS as readonly string[]).includes(path);

/**
 * How a filter is read: see ListPlan. `keyed`: the store's tickets all have their list keys
 * (list-keys.ts). Exported for the tests that explain each shape.
 */
export function listPlan(f: TicketFilter, keyed = false): ListPlan {
  const deleted: Clause = ['deleted', f.deleted ?? false];
  const clauses = filterClauses(f);
  const [only] = clauses;
  if (clauses.length === 0) return { branches: [[deleted]], rest: [] };
  if (clauses.length === 1 && only) {
    const [path, value] = only;
    // Not breached, alone: nearly every ticket, so the slices of all tickets, checked here. As a
    // store clause ({breaches: []}) it needs an index on the array that SecantusDB mis-plans
    // (200 ms a slice at 100k tickets) and without one its Python build explains it as a scan.
    if (path === 'breaches') return { branches: [[deleted]], rest: [], post: 'unbreached' };
    // Breached: one key, instead of a branch per breach kind.
    if (keyed && path === 'breaches.kind') return { branches: [[[LIST_KEYS_FIELD, BREACHED_KEY], deleted]], rest: [] };
    // One filter: one index prefix per value (a list of statuses, either breach kind), so each
    // branch is a pure equality prefix and its slice reads only what it returns.
    const values = isIn(value) ? value.$in : [value];
    return { branches: values.map((v) => [[path, v], deleted]), rest: [] };
  }
  const narrow = clauses.filter(([p]) => NARROW.has(p));
  const status = clauses.find(([p]) => p === 'status');
  // The first filter that pairs with the status (the order of filterClauses: the narrower first).
  const paired = clauses.find(([p, v]) => isPaired(p) && typeof v === 'string');
  if (keyed && narrow.length === 0 && status && paired) {
    const [field, value] = paired as [PairedField, string];
    const statuses = isIn(status[1]) ? status[1].$in : [status[1]];
    return {
      branches: statuses.map((s) => [[LIST_KEYS_FIELD, statusPairKey(field, value, String(s))], deleted]),
      rest: clauses.filter((c) => c !== status && c !== paired),
    };
  }
  return { branches: [[...narrow, deleted]], rest: clauses.filter(([p]) => !NARROW.has(p)) };
}

/** The store query of one branch and slice. Key order matters to stores that plan one clause at a
 *  time: narrow equalities first, then the slice, then the rest. */
function sliceQuery(branch: Clause[], rest: Clause[], field: string, range: Slice | number): Record<string, unknown> {
  const q: Record<string, unknown> = {};
  for (const [p, v] of branch) if (NARROW.has(p)) q[p] = v;
  // An unbounded slice names no range: `{field: {}}` would mean "equals {}".
  if (typeof range === 'number' || Object.keys(range).length > 0) q[field] = range;
  for (const [p, v] of [...branch, ...rest]) if (!(p in q)) q[p] = v;
  return q;
}

/** The same filter, checked on a document in memory (search candidates). */
function matchesFilter(d: TicketDoc, f: TicketFilter): boolean {
  if ((d.deleted ?? false) !== (f.deleted ?? false)) return false;
  if (f.status?.length && !f.status.includes(d.status)) return false;
  if (f.assignee && d.assignee !== f.assignee) return false;
  if (f.group && d.group !== f.group) return false;
  if (f.requester && d.requester?.id !== f.requester) return false;
  if (f.company && d.company !== f.company) return false;
  if (f.tag && !(d.tags ?? []).includes(f.tag)) return false;
  if (f.type && d.type !== f.type) return false;
  if (f.severity && d.severity !== f.severity) return false;
  if (f.channel && d.channel !== f.channel) return false;
  if (f.followUpOf && d.links?.followUpOf !== f.followUpOf) return false;
  if (f.attention !== undefined && d.attention !== f.attention) return false;
  if (f.breached !== undefined && (d.breaches ?? []).length > 0 !== f.breached) return false;
  if (!holdsCustom(d, f.custom)) return false;
  if (f.satisfaction && (d.satisfaction?.rating ?? 'none') !== f.satisfaction) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Lists

type SortField = 'createdAt' | 'updatedAt';
type LeanTicket = TicketDoc & Partial<Record<SearchField, string[]>>;

/** Order of a list: by the sort field, then by _id, both in `dir`. */
type Ordered = { _id: string } & Partial<Record<SortField, number>>;
const compare = (field: SortField, dir: 1 | -1) => (a: Ordered, b: Ordered) => {
  const d = (a[field] ?? 0) - (b[field] ?? 0);
  if (d !== 0) return d * dir;
  return a._id < b._id ? -dir : a._id > b._id ? dir : 0;
};

/**
 * The driver's collection: list reads skip mongoose (its casting, its copies of every result), a
 * millisecond a query, and the values here are already the stored types.
 */
const tickets = (Ticket: Model<TicketDoc>) => Ticket.collection as unknown as mongo.Collection<LeanTicket>;
/** Never hand out the search words (or the list keys) with a ticket. */
const WITHOUT_WORDS = { kwPublic: 0, kwAll: 0, lk: 0 } as const;

const toState = (d: LeanTicket): TicketState => {
  const { kwPublic: _p, kwAll: _a, ...doc } = d;
  return fromDoc(doc);
};

/**
 * Where ascending lists start: about the oldest value of the sort field. Kept in the store (the
 * `counters` collection, `list-anchor:<field>`) so that every process and restart shares it, and
 * in memory for a few seconds. A stale value costs only speed, never a ticket: the first slice is
 * open below, so anything older is still read. Tickets are created at "now", so the anchor only
 * goes stale when tickets are written straight into the store (imports, benchmarks: call
 * primeListAnchors after), and ascending first pages correct it as they go.
 */
const ANCHOR_MEMORY_MS = 10_000;
const anchorId = (field: SortField) => `list-anchor:${field}`;
interface AnchorEntry {
  value?: number;
  readAt?: number;
  pending?: Promise<number | undefined>;
}
const anchors = new WeakMap<Model<TicketDoc>, Partial<Record<SortField, AnchorEntry>>>();

function anchorEntry(Ticket: Model<TicketDoc>, field: SortField): AnchorEntry {
  let byField = anchors.get(Ticket);
  if (!byField) anchors.set(Ticket, (byField = {}));
  return (byField[field] ??= {});
}

const anchorStore = (Ticket: Model<TicketDoc>) => Ticket.db.collection<{ _id: string; seq: number }>('counters');

async function oldest(Ticket: Model<TicketDoc>, field: SortField): Promise<number | undefined> {
  // A sort over everything: one index entry on MongoDB, a read of every ticket on stores that
  // sort in memory; hence done once and kept.
  const doc = await tickets(Ticket).findOne(
    { deleted: false },
    { projection: { [field]: 1 }, sort: { [field]: 1, _id: 1 } },
  );
  return doc?.[field];
}

async function saveAnchor(Ticket: Model<TicketDoc>, field: SortField, value: number, exact: boolean): Promise<void> {
  await anchorStore(Ticket).updateOne(
    { _id: anchorId(field) },
    exact ? { $set: { seq: value } } : { $min: { seq: value } },
    { upsert: true },
  );
}

async function loadAnchor(Ticket: Model<TicketDoc>, field: SortField): Promise<number | undefined> {
  const saved = await anchorStore(Ticket).findOne({ _id: anchorId(field) });
  if (typeof saved?.seq === 'number') return saved.seq;
  const v = await oldest(Ticket, field);
  // Best effort: without it, the next process works it out again.
  if (v !== undefined) await saveAnchor(Ticket, field, v, true).catch(() => undefined);
  return v;
}

async function lowerAnchor(Ticket: Model<TicketDoc>, field: SortField, now: number): Promise<number | undefined> {
  const entry = anchorEntry(Ticket, field);
  if (entry.value !== undefined && (entry.readAt ?? 0) + ANCHOR_MEMORY_MS > now) return entry.value;
  // Concurrent lists share one look-up; an empty store is asked again next time.
  entry.pending ??= loadAnchor(Ticket, field).finally(() => delete entry.pending);
  const v = await entry.pending;
  if (v !== undefined) Object.assign(entry, { value: v, readAt: now });
  return v;
}

/** An ascending first page began at `value`: the exact oldest (no filter), or maybe an older one. */
function learnAnchor(Ticket: Model<TicketDoc>, field: SortField, value: number, exact: boolean, now: number): void {
  const entry = anchorEntry(Ticket, field);
  if (entry.value === value || (!exact && entry.value !== undefined && entry.value <= value)) return;
  Object.assign(entry, {
    value: exact || entry.value === undefined ? value : Math.min(entry.value, value),
    readAt: now,
  });
  // Best effort: a lost write costs one slower list later, not a wrong one.
  saveAnchor(Ticket, field, value, exact).catch(() => undefined);
}

/**
 * Work out where ascending lists start, for every process: after tickets were written straight
 * into the store (an import, a benchmark's seed), which the anchor does not see. On stores that
 * sort in memory this reads every ticket once.
 */
export async function primeListAnchors(Ticket: Model<TicketDoc>): Promise<void> {
  for (const field of ['createdAt', 'updatedAt'] as const) {
    const v = await oldest(Ticket, field);
    if (v === undefined) continue;
    await saveAnchor(Ticket, field, v, true);
    Object.assign(anchorEntry(Ticket, field), { value: v, readAt: Date.now() });
  }
}

/**
 * Whether every ticket has its list keys: the mark backfillListKeys leaves in the store. Asked at
 * most every LIST_KEYS_RECHECK_MS until it is there, then never again in this process.
 */
const LIST_KEYS_MARK = 'list-keys';
const LIST_KEYS_RECHECK_MS = 10_000;
const keyedStores = new WeakMap<Model<TicketDoc>, { ready: boolean; askedAt: number; pending?: Promise<boolean> }>();

async function listKeysReady(Ticket: Model<TicketDoc>): Promise<boolean> {
  let entry = keyedStores.get(Ticket);
  if (!entry) keyedStores.set(Ticket, (entry = { ready: false, askedAt: 0 }));
  if (entry.ready) return true;
  const known = entry;
  if (!known.pending && Date.now() - known.askedAt < LIST_KEYS_RECHECK_MS) return false;
  known.pending ??= anchorStore(Ticket)
    .findOne({ _id: LIST_KEYS_MARK })
    .then((mark) => (known.ready = mark !== null))
    .catch(() => false)
    .finally(() => {
      known.askedAt = Date.now();
      delete known.pending;
    });
  return known.pending;
}

/**
 * Give tickets projected before the list keys existed their keys (list-keys.ts), then mark the
 * store so that lists read through them. Idempotent; a ticket the projection writes meanwhile
 * keeps the keys it wrote. In batches, for bounded memory. Returns how many tickets it updated.
 * Tickets written straight into the store after the mark must carry their keys (storedTicket).
 */
export async function backfillListKeys(Ticket: Model<TicketDoc>): Promise<number> {
  // Once marked, every ticket has its keys (the projection and storedTicket write them): no scan at
  // each worker start.
  if (await anchorStore(Ticket).findOne({ _id: LIST_KEYS_MARK })) return 0;
  // Small batches: FerretDB v1 slows down more than linearly with the size of one (a batch of 310
  // updates did not finish in 150 s; 50 take half a second).
  const BATCH = 50;
  let updated = 0;
  let batch: mongo.AnyBulkWriteOperation<LeanTicket>[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const result = await tickets(Ticket).bulkWrite(batch, { ordered: false });
    updated += result.modifiedCount;
    batch = [];
  };
  const projection = Object.fromEntries(['status', 'breaches', ...PAIRED_WITH_STATUS].map((f) => [f, 1]));
  for await (const d of tickets(Ticket).find({ [LIST_KEYS_FIELD]: { $exists: false } }, { projection })) {
    batch.push({
      updateOne: {
        filter: { _id: d._id, [LIST_KEYS_FIELD]: { $exists: false } },
        update: { $set: { [LIST_KEYS_FIELD]: listKeysOf(d) } },
      },
    });
    if (batch.length >= BATCH) await flush();
  }
  await flush();
  await anchorStore(Ticket).updateOne({ _id: LIST_KEYS_MARK }, { $set: { seq: 1 } }, { upsert: true });
  return updated;
}

/** One slice of every branch: up to `want` tickets, in list order. */
async function readSlice(
  Ticket: Model<TicketDoc>,
  plan: ListPlan,
  field: SortField,
  dir: 1 | -1,
  range: Slice | number,
  want: number,
  after?: string,
): Promise<TicketDoc[]> {
  const sort = typeof range === 'number' ? { _id: dir } : { [field]: dir, _id: dir };
  const parts = await Promise.all(
    plan.branches.map((branch) => {
      const q = sliceQuery(branch, plan.rest, field, range);
      // The cursor's own sort value: the tickets that share it, beyond its id.
      if (after !== undefined) q._id = { [dir === 1 ? '$gt' : '$lt']: after };
      return tickets(Ticket).find(q, { sort, limit: want, projection: WITHOUT_WORDS }).toArray();
    }),
  );
  if (parts.length === 1) return parts[0] ?? [];
  const seen = new Set<string>();
  return parts
    .flat()
    .filter((d) => (seen.has(d._id) ? false : (seen.add(d._id), true)))
    .sort(compare(field, dir))
    .slice(0, want);
}

/**
 * Whether the store evaluates ranges by scanning (FerretDB v1 pushes down only scalar equality):
 * there slices would each scan again, so a list reads one unbounded slice. Asked once per connection.
 */
const scanning = new WeakMap<object, Promise<boolean>>();
function scansRanges(Ticket: Model<TicketDoc>): Promise<boolean> {
  const conn = Ticket.db;
  let p = scanning.get(conn);
  if (!p) {
    p = (async () => {
      const info = await conn.db?.admin().command({ buildInfo: 1 });
      return typeof info?.ferretdbVersion === 'string';
    })().catch(() => false);
    scanning.set(conn, p);
  }
  return p;
}

/**
 * What each list shape (its filter, sort and order) learned from its last page, so that the next
 * page is usually one slice:
 * - a descending first page: where the page ended, a sort value. The next first page reads from now
 *   back to there (and a second more): the tickets of that page are still in it, since created and
 *   updated instants never go back, so it fills however long ago the last page was. A width would
 *   drift: measured back from a later now it falls short, and the wider slices that follow may take
 *   in a whole burst (10,000 tickets in minutes) that a store sorting in memory reads to the end.
 * - any other page (after a cursor, or ascending from the anchor): the width it needed.
 * First pages and cursor pages learn apart: a cursor's page deep in a burst needs a second, the
 * first page may need an hour. Bounded: the oldest shapes are forgotten.
 */
const learnedWidths = new Map<string, number>();
const learnedEdges = new Map<string, number>();
const LEARNED_SHAPES = 2_000;

function remember(map: Map<string, number>, key: string, value: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > LEARNED_SHAPES) map.delete(map.keys().next().value ?? '');
}

function learnWidth(shape: string, width: number): void {
  remember(learnedWidths, shape, Math.min(LAST_WINDOW_MS, Math.max(NARROWEST_WINDOW_MS, width)));
}

/**
 * Pages of a shape nothing is known about take turns until one has learned it: that page may walk
 * into a burst and read it whole, and ten such pages at once queue behind each other on the store
 * (measured: 40 ms alone, 200–300 ms each at ten). The others then start from what it learned and
 * read their own, fresh, page.
 */
const learning = new Map<string, Promise<void>>();

async function turnToLearn(key: string, known: boolean): Promise<() => void> {
  if (known) return () => undefined;
  const pending = learning.get(key);
  // Whatever it learned (a page that reached the end of its list may learn nothing), go on.
  if (pending) return pending.then(() => () => undefined);
  let release: () => void = () => undefined;
  learning.set(key, new Promise<void>((resolve) => (release = resolve)));
  return () => {
    learning.delete(key);
    release();
  };
}

const unbreached = (d: TicketDoc) => (d.breaches ?? []).length === 0;

export async function listTickets(
  Ticket: Model<TicketDoc>,
  filter: TicketFilter,
  opts: ListOptions,
): Promise<TicketPage> {
  const cursor = opts.cursor !== undefined ? decodeCursor(opts.cursor) : undefined;
  if (opts.sort === 'due' || filter.dueBefore !== undefined) return listByDue(Ticket, filter, opts, cursor);
  if (filter.q !== undefined) return searchTickets(Ticket, filter, opts, cursor);
  const field: SortField = opts.sort === 'created' ? 'createdAt' : 'updatedAt';
  const dir = opts.order === 'asc' ? 1 : -1;
  const [oneSlice, keyed] = await Promise.all([scansRanges(Ticket), listKeysReady(Ticket)]);
  const plan = listPlan(filter, keyed);
  const firstDesc = !cursor && dir === -1;
  const keyOf = (page: 'first' | 'next', p: ListPlan) => JSON.stringify([page, field, dir, p]);
  const firstShape = keyOf('first', plan);
  const shape = cursor ? keyOf('next', plan) : firstShape;
  // A shape never seen starts from what the unfiltered list learned: a filter only thins it out.
  const unfiltered = keyOf(cursor ? 'next' : 'first', listPlan({ deleted: filter.deleted ?? false }));
  const learned = firstDesc ? learnedEdges : learnedWidths;
  const done = oneSlice ? () => undefined : await turnToLearn(shape, learned.has(shape));
  try {
    // Now is read after any wait: a first page shows what was there when it started reading.
    const now = opts.now ?? Date.now();
    const keys = { shape, unfiltered, firstShape };
    return await listWalk(Ticket, filter, opts, plan, { field, dir, now, cursor, oneSlice, firstDesc, keys });
  } finally {
    done();
  }
}

/** One page of a list (listTickets), walked in slices from its start. */
async function listWalk(
  Ticket: Model<TicketDoc>,
  filter: TicketFilter,
  opts: ListOptions,
  plan: ListPlan,
  at: {
    field: SortField;
    dir: 1 | -1;
    now: number;
    cursor: Cursor | undefined;
    oneSlice: boolean;
    firstDesc: boolean;
    /** What the page learns under (shape), and may start from: the unfiltered list's, the shape's first page's. */
    keys: { shape: string; unfiltered: string; firstShape: string };
  },
): Promise<TicketPage> {
  const { field, dir, now, cursor, oneSlice, firstDesc } = at;
  const { shape, unfiltered, firstShape } = at.keys;
  // Whether a position is beyond the cursor, in list order (the cursor's own sort value is read
  // from the first slice; _id orders the tickets that share it).
  const isAhead = (v: number, id: string) =>
    !cursor || (v === cursor.v ? (dir === 1 ? id > cursor.id : id < cursor.id) : (v - cursor.v) * dir > 0);
  const keep = (d: TicketDoc) => isAhead(d[field], d._id) && (plan.post !== 'unbreached' || unbreached(d));
  const need = opts.limit + 1;
  const docs: TicketDoc[] = [];
  const edge = firstDesc ? (learnedEdges.get(shape) ?? learnedEdges.get(unfiltered)) : undefined;
  // A cursor's first page of a shape starts as wide as the shape's first page was: same density.
  const firstPage = cursor ? learnedWidths.get(firstShape) : undefined;
  let width = oneSlice
    ? LAST_WINDOW_MS
    : edge !== undefined
      ? Math.max(NARROWEST_WINDOW_MS, now - edge + NARROWEST_WINDOW_MS)
      : (learnedWidths.get(shape) ?? learnedWidths.get(unfiltered) ?? firstPage ?? FIRST_WINDOW_MS);
  const end = oneSlice ? {} : dir === 1 ? { end: now + CLOCK_SKEW_MS } : {};

  let start: number;
  if (cursor) {
    start = cursor.v;
  } else if (dir === -1 || oneSlice) {
    start = now;
  } else {
    const anchor = await lowerAnchor(Ticket, field, now);
    if (anchor === undefined) return { items: [], nextCursor: null };
    start = anchor;
  }
  // The first walk starts at the cursor's value, included (the tickets that share it are sorted by
  // id; those not beyond the cursor are dropped here), or open at now or the anchor. Should a
  // slice be cut short by the limit while some of what it returned was dropped, reading resumes
  // after the last ticket it returned: those sharing its value, by id, then a new walk beyond it.
  let walk = new WindowWalk(dir, cursor ? { edge: start, inclusive: true } : { edge: start, open: true }, {
    width,
    ...end,
  });
  // A cursor's first slice starts at the cursor's own ticket, which it drops: it asks for one more,
  // so that the page usually takes one read, not three (the slice, the ties, the rest).
  let extra = cursor ? 1 : 0;
  for (;;) {
    let cut: TicketDoc | undefined;
    for (let slice = walk.next(); slice && docs.length < need; slice = walk.next()) {
      const want = need - docs.length;
      const ask = want + extra;
      extra = 0;
      const got = await readSlice(Ticket, plan, field, dir, slice, ask);
      const kept = got.filter(keep);
      docs.push(...kept);
      if (kept.length < want && got.length === ask) {
        cut = got[got.length - 1];
        break;
      }
      walk.found(kept.length, need - docs.length);
      width = walk.width;
    }
    if (!cut || docs.length >= need) break;
    // Resume after the cut, or after the cursor if that is further (the cut fell among the
    // tickets that share the cursor's value and were already listed).
    let at = { v: cut[field], id: cut._id };
    while (docs.length < need) {
      const want = need - docs.length;
      const from = isAhead(at.v, at.id) ? at.id : (cursor?.id ?? at.id);
      const ties = await readSlice(Ticket, plan, field, dir, at.v, want, from);
      docs.push(...ties.filter(keep));
      const lastTie = ties[ties.length - 1];
      if (!lastTie || ties.length < want) break;
      at = { v: at.v, id: lastTie._id };
    }
    walk = new WindowWalk(dir, { edge: at.v }, { width, ...end });
  }

  if (!oneSlice) {
    // Where this page ended: a descending first page keeps the value itself; every page keeps the
    // width from where it started (a cursor's page of the shape starts with it), and a second more.
    // Not a proportional margin: just past the page's end may lie a burst (thousands of tickets in
    // a minute) that a store sorting in memory would read whole for nothing.
    const last = docs[need - 1];
    if (firstDesc) remember(learnedEdges, shape, last ? last[field] : now - LAST_WINDOW_MS);
    if (last) learnWidth(shape, Math.abs(last[field] - start) + NARROWEST_WINDOW_MS);
    else if (!cursor) learnWidth(shape, LAST_WINDOW_MS);
    // An ascending first page starts at its oldest ticket: with no filter that is the oldest of
    // all (the anchor, exactly); with one, a ticket older than the anchor still makes a better one.
    const first = docs[0];
    if (!cursor && dir === 1 && first && !filter.deleted)
      learnAnchor(Ticket, field, first[field], filterClauses(filter).length === 0, now);
  }
  const page = docs.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toState),
    nextCursor: docs.length > opts.limit && last ? encodeCursor({ v: last[field], id: last._id }) : null,
  };
}

/**
 * Tickets by SLA due instant (`slaDueAt`, kept only while an open ticket has a running target),
 * soonest first by default. Few tickets have one (open tickets under a policy), so a page is one
 * range read of the (deleted, slaDueAt, _id) index from the cursor, up to `dueBefore`: the tickets
 * that share the cursor's instant first (by id), then the rest beyond it. Other filters are
 * equalities the store checks on that range.
 */
async function listByDue(
  Ticket: Model<TicketDoc>,
  filter: TicketFilter,
  opts: ListOptions,
  cursor: Cursor | undefined,
): Promise<TicketPage> {
  const dir: 1 | -1 = opts.order === 'desc' ? -1 : 1;
  const need = opts.limit + 1;
  const query = (due: Slice | number, id?: string): Record<string, unknown> => {
    const q: Record<string, unknown> = { deleted: filter.deleted ?? false, slaDueAt: due };
    if (id !== undefined) q._id = { [dir === 1 ? '$gt' : '$lt']: id };
    for (const [p, v] of filterClauses(filter)) q[p] = v;
    return q;
  };
  const sort = { slaDueAt: dir, _id: dir };
  const docs: TicketDoc[] = [];
  if (cursor) {
    const ties = await tickets(Ticket)
      .find(query(cursor.v, cursor.id), { sort, limit: need, projection: WITHOUT_WORDS })
      .toArray();
    docs.push(...ties);
  }
  // Lower bound first (see WindowWalk.next); every due instant is after 0.
  const range: Slice = { $gt: 0 };
  if (cursor && dir === 1) range.$gt = cursor.v;
  const upper = Math.min(filter.dueBefore ?? Infinity, cursor && dir === -1 ? cursor.v : Infinity);
  if (upper !== Infinity) range.$lt = upper;
  if (docs.length < need) {
    const rest = await tickets(Ticket)
      .find(query(range), { sort, limit: need - docs.length, projection: WITHOUT_WORDS })
      .toArray();
    docs.push(...rest);
  }
  // A cursor past dueBefore (the filter changed between pages) leaves ties beyond it out.
  const kept = docs.filter((d) => filter.dueBefore === undefined || (d.slaDueAt ?? Infinity) < filter.dueBefore);
  const page = kept.slice(0, opts.limit);
  const last = page[page.length - 1];
  return {
    items: page.map(toState),
    nextCursor: kept.length > opts.limit && last ? encodeCursor({ v: last.slaDueAt ?? 0, id: last._id }) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Search
//
// `q` becomes words (keywordsOf); a ticket matches when its search field holds all of them.
// Candidates are read newest-created first through the index on (field, deleted, createdAt),
// driven by ONE equality: the requester or follow-up filter when there is one (a handful of
// tickets), else the query's longest word (the rarest, as a rule). The other words and filters are
// checked here, in memory: an index answers one equality per clause on every store, while `$all`
// or several filters at once would send some of them to a full scan. The walk stops after
// SEARCH_MATCHES matches or SEARCH_READ documents, so a search costs a bounded read whatever the
// words; a reference-like query is also looked up as one word. The matches are ranked here:
//   0  the reference is the query
//   1  every word is in the reference or title
//   2  … or in the description
//   3  … or only in messages
// then in the list's order (newest first by default). The cursor carries the rank.

/** Matches ranked per search; beyond that, older matches are not found. */
export const SEARCH_MATCHES = 60;
/** Documents read per search at most. */
export const SEARCH_READ = 1_000;
const QUERY_WORDS = 12;

/** The query word that drives the index: the longest (ties: the first). */
export function drivingWord(words: string[]): string | undefined {
  return words.reduce<string | undefined>(
    (best, w) => (best === undefined || w.length > best.length ? w : best),
    undefined,
  );
}

/** A search match's rank (see above). */
export function searchRank(
  d: Pick<TicketDoc, 'reference' | 'title' | 'description'>,
  q: string,
  words: string[],
): number {
  if (referenceKeyword(d.reference) === referenceKeyword(q)) return 0;
  const head = new Set(keywordsOf(`${d.reference} ${d.title ?? ''}`));
  if (words.every((w) => head.has(w))) return 1;
  for (const w of keywordsOf(d.description ?? '')) head.add(w);
  return words.every((w) => head.has(w)) ? 2 : 3;
}

async function searchTickets(
  Ticket: Model<TicketDoc>,
  filter: TicketFilter,
  opts: ListOptions,
  cursor: Cursor | undefined,
): Promise<TicketPage> {
  const q = filter.q ?? '';
  const words = keywordsOf(q, QUERY_WORDS);
  const asReference = looksLikeReference(q) ? referenceKeyword(q) : undefined;
  if (words.length === 0 && asReference === undefined) return { items: [], nextCursor: null };
  const kwField = SEARCH_FIELDS[opts.search ?? 'public'];
  const deleted = filter.deleted ?? false;
  const word = drivingWord(words);
  const byWord = !filter.requester && !filter.followUpOf && word !== undefined;
  // The searched words come along only when some must be checked here: not when the one word
  // of the query is the one the index matched.
  const projection =
    byWord && words.length === 1 ? WITHOUT_WORDS : kwField === 'kwAll' ? { kwPublic: 0 } : { kwAll: 0 };
  const matches = new Map<string, LeanTicket>();
  const hasWords = (d: LeanTicket) => {
    if (byWord && words.length === 1) return true;
    const kw = new Set(d[kwField] ?? []);
    return words.every((w) => kw.has(w));
  };

  const byReference = async () => {
    if (asReference === undefined) return;
    const docs = await tickets(Ticket)
      .find({ [kwField]: asReference, deleted }, { projection, limit: 20 })
      .toArray();
    for (const d of docs)
      if (matchesFilter(d, filter) && referenceKeyword(d.reference) === asReference) matches.set(d._id, d);
  };

  const byWords = async () => {
    const driver: Clause = filter.requester
      ? ['requester.id', filter.requester]
      : filter.followUpOf
        ? ['links.followUpOf', filter.followUpOf]
        : word !== undefined
          ? [kwField, word]
          : ['', undefined];
    if (driver[0] === '') return;
    const now = opts.now ?? Date.now();
    const shape = JSON.stringify(['search', deleted, driver]);
    const walk = new WindowWalk(
      -1,
      { edge: now, open: true },
      { width: (await scansRanges(Ticket)) ? LAST_WINDOW_MS : (learnedWidths.get(shape) ?? FIRST_WINDOW_MS) },
    );
    let read = 0;
    const found: LeanTicket[] = [];
    for (let slice = walk.next(); slice && found.length < SEARCH_MATCHES && read < SEARCH_READ; slice = walk.next()) {
      const q = { [driver[0]]: driver[1], deleted, ...(Object.keys(slice).length > 0 ? { createdAt: slice } : {}) };
      // Read in one order (newest created first) with the budget as the limit, so whatever the
      // slices, the same documents are read: pages of one search rank the same candidates.
      const docs = await tickets(Ticket)
        .find(q, { projection, sort: { createdAt: -1, _id: -1 }, limit: SEARCH_READ - read })
        .toArray();
      read += docs.length;
      const hits = docs.filter((d) => hasWords(d) && matchesFilter(d, filter));
      found.push(...hits);
      walk.found(hits.length, SEARCH_MATCHES - found.length);
    }
    // The newest SEARCH_MATCHES matches, exactly (a slice may have brought more).
    const kept = found.slice(0, SEARCH_MATCHES);
    for (const d of kept) matches.set(d._id, d);
    const last = kept[kept.length - 1];
    // Next time, one slice about as wide as this search needed (all of them, for a rare word).
    if (found.length >= SEARCH_MATCHES && last) learnWidth(shape, (now - last.createdAt) * 1.5);
    else if (read < SEARCH_READ) learnWidth(shape, LAST_WINDOW_MS);
  };

  await Promise.all([byReference(), byWords()]);

  const field: SortField = opts.sort === 'created' ? 'createdAt' : 'updatedAt';
  const dir = opts.order === 'asc' ? 1 : -1;
  const inOrder = compare(field, dir);
  const ranked = [...matches.values()].map((d) => ({ d, r: searchRank(d, q, words) }));
  const byRank = (a: { d: Ordered; r: number }, b: { d: Ordered; r: number }) => a.r - b.r || inOrder(a.d, b.d);
  ranked.sort(byRank);
  let start = 0;
  if (cursor) {
    const at = { d: { [field]: cursor.v, _id: cursor.id }, r: cursor.r ?? 0 };
    start = ranked.findIndex((x) => byRank(x, at) > 0);
    if (start < 0) start = ranked.length;
  }
  const page = ranked.slice(start, start + opts.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((x) => toState(x.d)),
    nextCursor:
      ranked.length > start + opts.limit && last ? encodeCursor({ v: last.d[field], id: last.d._id, r: last.r }) : null,
  };
}

// ---------------------------------------------------------------------------------------------
// Counts

export interface TicketCount {
  count: number;
  /** A search counts at most its bounded matches (SEARCH_MATCHES), as its list shows at most those. */
  capped: boolean;
}

/**
 * How many tickets a list with this filter holds, through every page. The same clauses as the list
 * (filterClauses, dueBefore as listByDue reads it), as one store count: a count has no order, so
 * none of the slicing lists need. A search counts the matches its list ranks (the same walk).
 */
export async function countTickets(
  Ticket: Model<TicketDoc>,
  filter: TicketFilter,
  opts: Pick<ListOptions, 'search' | 'now'> = {},
): Promise<TicketCount> {
  if (filter.q !== undefined) {
    const page = await searchTickets(
      Ticket,
      filter,
      { sort: 'created', order: 'desc', limit: SEARCH_MATCHES * 2, ...opts },
      undefined,
    );
    return { count: page.items.length, capped: page.items.length >= SEARCH_MATCHES };
  }
  const q: Record<string, unknown> = { deleted: filter.deleted ?? false };
  if (filter.dueBefore !== undefined) q.slaDueAt = { $gt: 0, $lt: filter.dueBefore };
  for (const [p, v] of filterClauses(filter)) q[p] = v;
  return { count: await tickets(Ticket).countDocuments(q), capped: false };
}

// ---------------------------------------------------------------------------------------------
// Changes (the live feed)

/** What the live feed tells about a changed ticket, and what it needs to decide who may know. */
export interface TicketChange {
  id: string;
  reference: string;
  status: TicketStatus;
  updatedAt: number;
  revision: number;
  requesterId?: string;
  company?: string;
  deleted: boolean;
}

/**
 * Tickets whose `updatedAt` is after `since`, oldest change first, at most `limit`: one range read
 * of the (updatedAt, _id) index, which every supported store serves, with only the fields the feed
 * needs. A caller polling this must look back a little (a change is stamped when it was received,
 * and may reach the store a moment later) and drop what it has seen (by revision).
 */
export async function ticketsChangedSince(
  Ticket: Model<TicketDoc>,
  since: number,
  limit: number,
): Promise<TicketChange[]> {
  const docs = await tickets(Ticket)
    .find(
      { updatedAt: { $gt: since } },
      {
        projection: {
          reference: 1,
          status: 1,
          updatedAt: 1,
          revision: 1,
          'requester.id': 1,
          company: 1,
          deleted: 1,
          purged: 1,
        },
        sort: { updatedAt: 1, _id: 1 },
        limit,
      },
    )
    .toArray();
  return docs
    .filter((d) => !d.purged)
    .map((d) => ({
      id: d._id,
      reference: d.reference,
      status: d.status,
      updatedAt: d.updatedAt,
      revision: d.revision,
      ...(d.requester?.id ? { requesterId: d.requester.id } : {}),
      ...(d.company ? { company: d.company } : {}),
      deleted: d.deleted ?? false,
    }));
}

/**
 * Give tickets projected before the search words existed their words, from their state and whole
 * timeline (idempotent: $addToSet; tickets that have words are skipped). A ticket at a time, for
 * bounded memory. Returns how many tickets it updated.
 */
export async function backfillSearchWords(
  Ticket: Model<TicketDoc>,
  TicketEvent: Model<TicketEventDoc>,
): Promise<number> {
  let updated = 0;
  const pending = tickets(Ticket).find(
    { kwAll: { $exists: false } },
    { projection: { _id: 1, reference: 1, title: 1, description: 1 } },
  );
  for await (const t of pending) {
    const events = await (TicketEvent.collection as unknown as mongo.Collection<TicketEventDoc>)
      .find({ ticketId: t._id })
      .toArray();
    await tickets(Ticket).updateOne({ _id: t._id }, searchFieldsUpdate(t, events));
    updated++;
  }
  return updated;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle report
//
// Counted by the store, in two reads of the tickets created in [from, to). Without $facet, one
// read yields several histograms by turning each ticket into a few "facts" ($project an array,
// $unwind it, $group by fact): its counts key (status, type, severity, channel, reopened,
// follow-up) and the hour of each duration (first response, resolution). The hour histograms say
// which hour holds the median and the 90th percentile; the second read counts just those hours in
// thousandths of an hour, the precision reported. Exact (nearest rank, as when every value was
// sorted here), with memory bounded by the distinct keys and hours, whatever the ticket count.
// FerretDB v1 has no arithmetic in aggregations ($subtract, $cond…): there the same histograms
// are built from a cursor, a ticket at a time.

/** Reported precision: thousandths of an hour. */
const FINE = HOUR / 1000;

export interface DurationStats {
  count: number;
  medianHours: number | null;
  p90Hours: number | null;
}

type Report = Omit<TLifecycleReport, 'from' | 'to' | 'satisfaction'>;
type Counts = Omit<Report, 'firstResponse' | 'resolution'>;
const DURATION_KINDS = ['firstResponse', 'resolution'] as const;
type DurationKind = (typeof DURATION_KINDS)[number];

/** 1-based rank of the p-th percentile among n sorted values (nearest rank). */
export const percentileRank = (n: number, p: number): number => Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));

/** The bucket that holds the value of a given rank, and how many values come before it. */
export function bucketOfRank(
  histogram: Iterable<[number, number]>,
  rank: number,
): { bucket: number; before: number } | undefined {
  let seen = 0;
  for (const [bucket, n] of [...histogram].sort((a, b) => a[0] - b[0])) {
    if (seen + n >= rank) return { bucket, before: seen };
    seen += n;
  }
  return undefined;
}

/** A duration in thousandths of an hour, rounded as the report always has (Math.round). */
export const toFine = (ms: number): number => Math.floor((ms + FINE / 2) / FINE);

const tally = (into: Record<string, number>, key: unknown, n: number) => {
  const k = typeof key === 'string' ? key : 'none';
  into[k] = (into[k] ?? 0) + n;
};

/** Follow-ups carry the channel closed_ticket for rules and events, but count as web in reports. */
const reportChannel = (c: unknown) => (c === 'closed_ticket' ? 'web' : c);

const emptyCounts = (): Counts => ({
  total: 0,
  byStatus: {},
  byType: {},
  bySeverity: {},
  byChannel: {},
  reopens: 0,
  reopenedTickets: 0,
  followUps: 0,
});

/** Percentiles from an hour histogram and, for the hours that hold them, a fine one. */
function durationStats(hours: Map<number, number>, fine: (hour: number) => Iterable<[number, number]>): DurationStats {
  const n = [...hours.values()].reduce((a, b) => a + b, 0);
  const at = (p: number) => {
    const rank = percentileRank(n, p);
    const hour = bucketOfRank(hours, rank);
    const hit = hour && bucketOfRank(fine(hour.bucket), rank - hour.before);
    return hit ? hit.bucket / 1000 : null;
  };
  return n === 0
    ? { count: 0, medianHours: null, p90Hours: null }
    : { count: n, medianHours: at(50), p90Hours: at(90) };
}

/** The hours a second read must count finely: those holding the median and the 90th percentile. */
function hoursWanted(hours: Map<number, number>): number[] {
  const n = [...hours.values()].reduce((a, b) => a + b, 0);
  if (n === 0) return [];
  return [
    ...new Set(
      [50, 90]
        .map((p) => bucketOfRank(hours, percentileRank(n, p))?.bucket)
        .filter((b): b is number => b !== undefined),
    ),
  ];
}

// Aggregation expressions: the start of a ticket's clock, and each duration (null when none).
const START = { $ifNull: ['$submittedAt', '$createdAt'] };
const DURATION_EXPR: Record<DurationKind, unknown> = {
  firstResponse: { $cond: [{ $isNumber: '$firstPublicReplyAt' }, { $subtract: ['$firstPublicReplyAt', START] }, null] },
  resolution: { $cond: [{ $isNumber: '$resolution.at' }, { $subtract: ['$resolution.at', START] }, null] },
};
const hourOf = (kind: DurationKind) => ({ $floor: { $divide: [DURATION_EXPR[kind], HOUR] } });
/** A duration in one of the wanted hours: its hour and fine value; else null (all others in one group). */
const fineIn = (kind: DurationKind, hours: number[]) => ({
  $cond: [
    { $in: [hourOf(kind), hours] },
    { h: hourOf(kind), f: { $floor: { $divide: [{ $add: [DURATION_EXPR[kind], FINE / 2] }, FINE] } } },
    null,
  ],
});

interface CountRow {
  _id: { s?: unknown; t?: unknown; v?: unknown; ch?: unknown; ro?: boolean; fu?: boolean };
  n: number;
  reopens: number;
}

async function reportByStore(Ticket: Model<TicketDoc>, match: Record<string, unknown>): Promise<Report> {
  // Each read is $match then $group, nothing between: SecantusDB's $project costs as much again.
  const counting = tickets(Ticket)
    .aggregate<CountRow>([
      { $match: match },
      {
        $group: {
          _id: {
            s: '$status',
            t: '$type',
            v: '$severity',
            ch: '$channel',
            ro: { $gt: [{ $ifNull: ['$reopenCount', 0] }, 0] },
            fu: { $eq: [{ $type: '$links.followUpOf' }, 'string'] },
          },
          n: { $sum: 1 },
          reopens: { $sum: '$reopenCount' },
        },
      },
    ])
    .toArray();
  const byHour = (k: DurationKind) =>
    tickets(Ticket)
      .aggregate<{ _id: number | null; n: number }>([{ $match: match }, { $group: { _id: hourOf(k), n: { $sum: 1 } } }])
      .toArray()
      .then(
        (rows) =>
          new Map(
            rows.filter((r): r is { _id: number; n: number } => typeof r._id === 'number').map((r) => [r._id, r.n]),
          ),
      );
  const [rows, frHours, resHours] = await Promise.all([counting, byHour('firstResponse'), byHour('resolution')]);
  const c = emptyCounts();
  for (const { _id: k, n, reopens } of rows) {
    c.total += n;
    tally(c.byStatus, k.s, n);
    tally(c.byType, k.t, n);
    tally(c.bySeverity, k.v, n);
    tally(c.byChannel, reportChannel(k.ch), n);
    c.reopens += reopens;
    if (k.ro) c.reopenedTickets += n;
    if (k.fu) c.followUps += n;
  }
  const hours = { firstResponse: frHours, resolution: resHours };
  const wanted = { firstResponse: hoursWanted(frHours), resolution: hoursWanted(resHours) };
  // The second read: thousandths of an hour, only within the hours that hold a percentile.
  const fine = DURATION_KINDS.some((k) => wanted[k].length > 0)
    ? await tickets(Ticket)
        .aggregate<{ _id: Partial<Record<DurationKind, { h: number; f: number } | null>>; n: number }>([
          { $match: match },
          {
            $group: {
              _id: {
                firstResponse: fineIn('firstResponse', wanted.firstResponse),
                resolution: fineIn('resolution', wanted.resolution),
              },
              n: { $sum: 1 },
            },
          },
        ])
        .toArray()
    : [];
  const fineHistogram = (k: DurationKind) => (hour: number) => {
    const h = new Map<number, number>();
    for (const r of fine) {
      const v = r._id[k];
      if (v && v.h === hour) h.set(v.f, (h.get(v.f) ?? 0) + r.n);
    }
    return h;
  };
  return {
    ...c,
    firstResponse: durationStats(hours.firstResponse, fineHistogram('firstResponse')),
    resolution: durationStats(hours.resolution, fineHistogram('resolution')),
  };
}

type ReportRow = Pick<
  TicketDoc,
  | 'status'
  | 'type'
  | 'severity'
  | 'channel'
  | 'submittedAt'
  | 'createdAt'
  | 'firstPublicReplyAt'
  | 'resolution'
  | 'reopenCount'
  | 'links'
>;

const DURATION_OF: Record<DurationKind, (d: ReportRow) => number | undefined> = {
  firstResponse: (d) =>
    typeof d.firstPublicReplyAt === 'number' ? d.firstPublicReplyAt - (d.submittedAt ?? d.createdAt) : undefined,
  resolution: (d) =>
    typeof d.resolution?.at === 'number' ? d.resolution.at - (d.submittedAt ?? d.createdAt) : undefined,
};

/** The same report from a cursor, a ticket at a time, for stores without aggregation arithmetic. */
async function reportByCursor(Ticket: Model<TicketDoc>, match: Record<string, unknown>): Promise<Report> {
  const c = emptyCounts();
  const fine: Record<DurationKind, Map<number, number>> = { firstResponse: new Map(), resolution: new Map() };
  const fields = {
    status: 1,
    type: 1,
    severity: 1,
    channel: 1,
    submittedAt: 1,
    createdAt: 1,
    firstPublicReplyAt: 1,
    resolution: 1,
    reopenCount: 1,
    links: 1,
  };
  for await (const doc of tickets(Ticket).find(match, { projection: fields })) {
    const d: ReportRow = doc;
    c.total++;
    tally(c.byStatus, d.status, 1);
    tally(c.byType, d.type, 1);
    tally(c.bySeverity, d.severity, 1);
    tally(c.byChannel, reportChannel(d.channel), 1);
    c.reopens += d.reopenCount ?? 0;
    if ((d.reopenCount ?? 0) > 0) c.reopenedTickets++;
    if (typeof d.links?.followUpOf === 'string') c.followUps++;
    for (const k of DURATION_KINDS) {
      const v = DURATION_OF[k](d);
      if (v !== undefined) fine[k].set(toFine(v), (fine[k].get(toFine(v)) ?? 0) + 1);
    }
  }
  return { ...c, firstResponse: fineOnly(fine.firstResponse), resolution: fineOnly(fine.resolution) };
}

/** Percentiles straight from a histogram in thousandths of an hour. */
function fineOnly(h: Map<number, number>): DurationStats {
  const n = [...h.values()].reduce((a, b) => a + b, 0);
  const at = (p: number) => (bucketOfRank(h, percentileRank(n, p))?.bucket ?? 0) / 1000;
  return n === 0
    ? { count: 0, medianHours: null, p90Hours: null }
    : { count: n, medianHours: at(50), p90Hours: at(90) };
}

const isNotImplemented = (err: unknown) =>
  typeof err === 'object' && err !== null && 'code' in err && (err as { code: unknown }).code === 238;

/**
 * The lifecycle report over the tickets created in [from, to): counts by status, type, severity
 * and channel; first-response and resolution times from submission (else creation), median and
 * 90th percentile in hours (nearest rank, to the thousandth); reopens; follow-ups.
 */
export async function lifecycleReport(
  Ticket: Model<TicketDoc>,
  from: number,
  to: number,
): Promise<Omit<TLifecycleReport, 'from' | 'to'>> {
  const match = { createdAt: { $gte: from, $lt: to } };
  const satisfaction = satisfactionCounts(Ticket, match);
  try {
    return { ...(await reportByStore(Ticket, match)), satisfaction: await satisfaction };
  } catch (err) {
    // FerretDB v1: "not implemented" (code 238) for $cond, $subtract and the like.
    if (!isNotImplemented(err)) throw err;
    return { ...(await reportByCursor(Ticket, match)), satisfaction: await satisfaction };
  }
}

/**
 * Ratings among the resolved and closed tickets of the report: good, bad, and those without one.
 * A plain $match/$group on the rating (no arithmetic), which every store of the table answers.
 */
async function satisfactionCounts(
  Ticket: Model<TicketDoc>,
  match: Record<string, unknown>,
): Promise<TLifecycleReport['satisfaction']> {
  const rows = await tickets(Ticket)
    .aggregate<{ _id: string | null; n: number }>([
      { $match: { ...match, status: { $in: ['resolved', 'closed'] } } },
      { $group: { _id: '$satisfaction.rating', n: { $sum: 1 } } },
    ])
    .toArray();
  const counts = { good: 0, bad: 0, unrated: 0 };
  for (const { _id, n } of rows) {
    if (_id === 'good' || _id === 'bad') counts[_id] += n;
    else counts.unrated += n;
  }
  return counts;
}
