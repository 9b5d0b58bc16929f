// The read path against the shared stack's store (SecantusDB by default, or STORE / MONGO_URL's):
// every list shape the API offers reads through an index (explain: an index scan, never a
// collection scan), pages come out complete and in order across the slices a list reads, the
// search finds words wherever they were written and only where the reader may read them, and the
// lifecycle report counts what reading every ticket would. The store-level checks run in a
// private database on the same server, dropped afterwards; the API checks use the shared stack.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store, searchFields } from '@helpdesk/persistence';
import type { ListOptions, TicketDoc, TicketFilter } from '@helpdesk/persistence';
import type { TicketEvent, TicketState, TicketStatus } from '@helpdesk/contracts';
import { api, command, createTicket, eventually, stack, token } from '../support/api';
import type { TicketBody } from '../support/api';

type List = { items: TicketBody[]; nextCursor: string | null };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.now();
const N = 360;
const STATUSES: TicketStatus[] = ['new', 'in_progress', 'waiting', 'resolved', 'closed'];
const DUE0 = NOW - 10 * DAY;

// ---------------------------------------------------------------------------------------------
// A private database with tickets spread over two years: dense lately, sparse long ago, some
// sharing one timestamp (ties the cursor must page through by id).

let store: Store | undefined;
let isFerret = false;
const db = () => {
  if (!store) throw new Error('the store is not open yet');
  return store;
};
const dbName = `readpath_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
/** Every find on the tickets collection, as the driver sent it. */
const finds: Record<string, unknown>[] = [];
const docs: TicketDoc[] = [];
let followUpOf = '';

/** Ages from seconds to two years, denser near now. */
const age = (i: number) => Math.floor((i / N) ** 3 * 730 * DAY) + i * 1000;

/** Tickets 200 to 229 were created at one instant, 250 to 279 updated at one instant. */
const inCreatedPile = (i: number) => i >= 200 && i < 230;
const inUpdatedPile = (i: number) => i >= 250 && i < 280;

function ticket(i: number): { state: TicketState; events: TicketEvent[] } {
  // Every 17th shares the previous one's timestamp, and two piles share one: ties the cursor
  // must page through by id.
  const createdAt = NOW - age(inCreatedPile(i) ? 200 : i % 17 === 1 ? i - 1 : i);
  const id = `${String(i).padStart(4, '0')}-${randomUUID()}`;
  const status = STATUSES[i % 5] ?? 'new';
  const state: TicketState = {
    id,
    reference: `RP-${String(i).padStart(5, '0')}`,
    status,
    channel: i % 3 === 0 ? 'email' : 'web',
    ...(i % 4 === 0 ? {} : { assignee: `agent-${i % 4}` }),
    title: i % 10 === 0 ? `Imprimante bloquée ${i}` : `Laptop issue ${i}`,
    description: i % 7 === 0 ? 'Le toner est vide' : 'Nothing special',
    type: i % 2 === 0 ? 'incident' : 'question',
    severity: i % 3 === 0 ? 'high' : 'low',
    group: `g${i % 3}`,
    company: `c${i % 6}`,
    requester: { id: `r${i % 9}` },
    tags: [`t${i % 4}`],
    ccs: [],
    notifyThirdParty: false,
    read: true,
    awaiting: 'agent',
    attention: i % 5 === 0,
    deleted: i % 23 === 0,
    links: { followUps: [], children: [], ...(i > 20 && i % 11 === 0 ? { followUpOf } : {}) },
    breaches:
      i % 6 === 0
        ? [
            {
              kind: i % 12 === 0 ? 'action' : i % 18 === 0 ? 'firstResponse' : 'response',
              dueAt: createdAt,
              at: createdAt,
            },
          ]
        : [],
    createdAt,
    createdBy: 'seed',
    submittedAt: createdAt,
    updatedAt: inUpdatedPile(i) ? NOW - age(250) : createdAt + (i % 13) * HOUR,
    lastActionAt: createdAt,
    ...(i % 3 === 0 ? {} : { firstPublicReplyAt: createdAt + Math.round((i % 29) * 0.37 * HOUR) }),
    ...(status === 'resolved' || status === 'closed'
      ? {
          resolution: {
            method: 'customer_communication',
            at: createdAt + Math.round((i % 31) * 1.3 * HOUR),
            by: 'seed',
          },
        }
      : {}),
    reopenCount: i % 19 === 0 ? 2 : 0,
    // Half the open tickets run an SLA target; every 41 share a due instant (ties).
    ...(i % 5 < 3 && i % 2 === 0 ? { slaDueAt: DUE0 + (i % 41) * HOUR } : {}),
    revision: 1,
    eventSeq: 2,
  };
  const events: TicketEvent[] = [
    {
      ticketId: id,
      seq: 1,
      type: 'replied',
      at: createdAt,
      actor: { id: 'a', role: 'agent' },
      channel: 'web',
      data: { body: i % 8 === 0 ? "Avez-vous redémarré l'imprimante ?" : 'ok', visibility: 'public' },
    },
    {
      ticketId: id,
      seq: 2,
      type: 'note_added',
      at: createdAt,
      actor: { id: 'a', role: 'agent' },
      channel: 'web',
      data: { body: i % 9 === 0 ? 'vendor escalation' : 'noted', visibility: 'private_note' },
    },
  ];
  return { state, events };
}

beforeAll(async () => {
  const url = new URL(stack().mongo);
  url.pathname = `/${dbName}`;
  url.searchParams.set('monitorCommands', 'true');
  store = await Store.connect(url.toString());
  const info = await db().connection.db?.admin().command({ buildInfo: 1 });
  isFerret = typeof info?.ferretdbVersion === 'string';
  db()
    .connection.getClient()
    .on('commandStarted', (e) => {
      if (e.commandName === 'find' && e.command.find === 'tickets') finds.push(e.command);
    });
  const rows: Record<string, unknown>[] = [];
  for (let i = 0; i < N; i++) {
    const { state, events } = ticket(i);
    if (i === 5) followUpOf = state.id;
    const { id, ...fields } = state;
    docs.push({ _id: id, ...fields });
    rows.push({ _id: id, ...fields, ...searchFields(state, events) });
  }
  await db().connection.db?.collection('tickets').insertMany(rows);
  // Rows written straight into the store have no list keys: the backfill gives them theirs and
  // marks the store, so the lists below read through the keys.
  expect(await db().readModel.backfillListKeys()).toBe(N);
  expect(await db().readModel.backfillListKeys()).toBe(0);
});

afterAll(async () => {
  // FerretDB v1 (SQLite) drops a database's file under connections still using it, and later
  // opens fail (SQLITE_CANTOPEN) across the run; its data folder goes with the run anyway.
  if (!isFerret) await store?.connection.db?.dropDatabase();
  await store?.close();
});

// ---------------------------------------------------------------------------------------------
// The order and filters a list promises, computed here over every seeded ticket.

function matches(d: TicketDoc, f: TicketFilter): boolean {
  return (
    (d.deleted ?? false) === (f.deleted ?? false) &&
    (!f.status || f.status.includes(d.status)) &&
    (!f.assignee || d.assignee === f.assignee) &&
    (!f.group || d.group === f.group) &&
    (!f.requester || d.requester?.id === f.requester) &&
    (!f.company || d.company === f.company) &&
    (!f.tag || d.tags.includes(f.tag)) &&
    (!f.type || d.type === f.type) &&
    (!f.severity || d.severity === f.severity) &&
    (!f.channel || d.channel === f.channel) &&
    (!f.followUpOf || d.links.followUpOf === f.followUpOf) &&
    (f.attention === undefined || d.attention === f.attention) &&
    (f.breached === undefined || d.breaches.length > 0 === f.breached)
  );
}

function expected(f: TicketFilter, o: Pick<ListOptions, 'sort' | 'order'>): string[] {
  const field = o.sort === 'created' ? 'createdAt' : 'updatedAt';
  const dir = o.order === 'asc' ? 1 : -1;
  return docs
    .filter((d) => matches(d, f))
    .sort((a, b) => (a[field] - b[field]) * dir || (a._id < b._id ? -dir : dir))
    .map((d) => d._id);
}

async function pageAll(f: TicketFilter, o: Omit<ListOptions, 'cursor'>, maxPages = 200): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < maxPages; pages++) {
    const page = await db().readModel.list(f, { ...o, ...(cursor ? { cursor } : {}) });
    seen.push(...page.items.map((t) => t.id));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return seen;
}

const SORTS: Pick<ListOptions, 'sort' | 'order'>[] = [
  { sort: 'created', order: 'desc' },
  { sort: 'created', order: 'asc' },
  { sort: 'updated', order: 'desc' },
  { sort: 'updated', order: 'asc' },
];

/** The lists by due instant: all, before an instant, and with a filter. */
const DUE_FILTERS: TicketFilter[] = [
  {},
  { dueBefore: DUE0 + 20 * HOUR },
  { status: ['new'] },
  { group: 'g1', dueBefore: DUE0 + 30 * HOUR },
];

/** Filters with a status (one list key each), and a breach with another filter. */
const COMBOS: TicketFilter[] = [
  { group: 'g1', status: ['new', 'waiting'] },
  { assignee: 'agent-1', status: ['in_progress'] },
  { tag: 't3', status: ['new'], type: 'incident' },
  { breached: true, channel: 'web' },
];

/** Every documented filter, alone. */
const FILTERS = (): TicketFilter[] => [
  {},
  { status: ['new'] },
  { status: ['new', 'in_progress', 'waiting'] },
  { assignee: 'agent-1' },
  { group: 'g2' },
  { requester: 'r4' },
  { company: 'c5' },
  { tag: 't3' },
  { type: 'incident' },
  { severity: 'high' },
  { channel: 'email' },
  { followUpOf },
  { attention: true },
  { attention: false },
  { breached: true },
  { breached: false },
  { deleted: true },
];

// ---------------------------------------------------------------------------------------------

describe('lists over the store', () => {
  it('page through everything, in order, without gaps or repeats, for every sort (ties included)', async () => {
    for (const o of SORTS) {
      expect(await pageAll({}, { ...o, limit: 25 }), `${o.sort} ${o.order}`).toEqual(expected({}, o));
      expect(await pageAll({ status: ['new', 'closed'] }, { ...o, limit: 15 })).toEqual(
        expected({ status: ['new', 'closed'] }, o),
      );
      // Checked in memory: slices cut short by the limit resume after the last ticket read.
      expect(await pageAll({ breached: false }, { ...o, limit: 12 })).toEqual(expected({ breached: false }, o));
      // Small pages through the piles: cursors inside a run of one sort value.
      expect(await pageAll({ type: 'incident' }, { ...o, limit: 4 })).toEqual(expected({ type: 'incident' }, o));
    }
  }, 180_000); // FerretDB v1 scans for every page

  it('every documented filter, alone and combined, first pages and the next ones, both sorts both ways', async () => {
    const combos: TicketFilter[] = [
      ...COMBOS,
      { requester: 'r2', type: 'incident' },
      { assignee: 'agent-2', breached: false, channel: 'web' },
    ];
    for (const f of [...FILTERS(), ...combos]) {
      for (const o of SORTS) {
        const want = expected(f, o);
        const got = await pageAll(f, { ...o, limit: 10 }, 3);
        expect(got, `${JSON.stringify(f)} ${o.sort} ${o.order}`).toEqual(want.slice(0, 30));
      }
    }
  }, 180_000);

  it('pages of a shape asked at once before any is learned, and a first page an hour later: each the right page', async () => {
    // A shape no other test lists: nothing is learned for it yet in this process.
    const f: TicketFilter = { severity: 'low', channel: 'web' };
    for (const o of SORTS) {
      const want = expected(f, o);
      const firsts = await Promise.all(Array.from({ length: 6 }, () => db().readModel.list(f, { ...o, limit: 4 })));
      for (const page of firsts)
        expect(
          page.items.map((t) => t.id),
          `${o.sort} ${o.order}`,
        ).toEqual(want.slice(0, 4));
      const cursor = firsts[0]?.nextCursor ?? undefined;
      expect(cursor).toBeTruthy();
      const seconds = await Promise.all(
        Array.from({ length: 6 }, () => db().readModel.list(f, { ...o, limit: 4, ...(cursor ? { cursor } : {}) })),
      );
      for (const page of seconds) expect(page.items.map((t) => t.id)).toEqual(want.slice(4, 8));
      // A descending first page starts from where the last one ended, not from a width that the
      // clock has moved on from.
      const later = await db().readModel.list(f, { ...o, limit: 4, now: Date.now() + HOUR });
      expect(later.items.map((t) => t.id)).toEqual(want.slice(0, 4));
    }
  });

  it("a learned shape's page after a cursor is one read of the store, the cursor's own ticket dropped", async () => {
    // No two of these tickets share a creation instant near the top: the cursor's value is its own.
    const f: TicketFilter = { severity: 'high' };
    const o = { sort: 'created', order: 'desc', limit: 10 } as const;
    const want = expected(f, o);
    const first = await db().readModel.list(f, o);
    const cursor = first.nextCursor ?? undefined;
    expect(cursor).toBeTruthy();
    const next = () => db().readModel.list(f, { ...o, ...(cursor ? { cursor } : {}) });
    await next(); // learns the width of the shape's next pages
    finds.length = 0;
    const page = await next();
    expect(page.items.map((t) => t.id)).toEqual(want.slice(10, 20));
    expect(finds).toHaveLength(1);
  });

  it('every list shape the API offers reads through an index: no collection scan', async (ctx) => {
    if (isFerret) ctx.skip(); // FerretDB v1 explains SQL, not index scans; it pushes down only equality
    finds.length = 0;
    for (const f of [...FILTERS(), ...COMBOS]) {
      for (const o of SORTS) {
        const first = await db().readModel.list(f, { ...o, limit: 5 });
        if (first.nextCursor) await db().readModel.list(f, { ...o, limit: 5, cursor: first.nextCursor });
      }
    }
    for (const f of DUE_FILTERS) {
      for (const order of ['asc', 'desc'] as const) {
        const first = await db().readModel.list(f, { sort: 'due', order, limit: 5 });
        if (first.nextCursor) await db().readModel.list(f, { sort: 'due', order, limit: 5, cursor: first.nextCursor });
      }
    }
    for (const scope of ['all', 'public'] as const) {
      await db().readModel.list(
        { q: 'imprimante bloquee' },
        { sort: 'created', order: 'desc', limit: 5, search: scope },
      );
      await db().readModel.list({ q: 'RP-00042' }, { sort: 'updated', order: 'asc', limit: 5, search: scope });
      await db().readModel.list(
        { q: 'toner', requester: 'r3' },
        { sort: 'created', order: 'desc', limit: 5, search: scope },
      );
    }
    expect(finds.length).toBeGreaterThan(100);
    const shapes = new Map<string, Record<string, unknown>>();
    for (const c of finds) shapes.set(JSON.stringify([shapeOf(c.filter), c.sort]), c);
    const scans: string[] = [];
    for (const c of shapes.values()) {
      const explained = await db().connection.db?.command({
        explain: {
          find: 'tickets',
          filter: c.filter,
          ...(c.sort ? { sort: c.sort } : {}),
          ...(c.limit ? { limit: c.limit } : {}),
        },
        verbosity: 'queryPlanner',
      });
      const stages = stagesOf(explained?.queryPlanner?.winningPlan);
      if (
        stages.includes('COLLSCAN') ||
        !stages.some((s) => /IXSCAN|IDHACK|EXPRESS|DISTINCT_SCAN|COUNT_SCAN/.test(s))
      ) {
        scans.push(`${JSON.stringify(c.filter)} sort ${JSON.stringify(c.sort)}: ${stages.join(' > ')}`);
      }
    }
    expect(scans).toEqual([]);
  });

  it('lists by SLA due instant: only tickets with one, in order, through ties, up to dueBefore', async () => {
    for (const f of DUE_FILTERS) {
      for (const order of ['asc', 'desc'] as const) {
        const want = docs
          .filter((d) => matches(d, f) && d.slaDueAt !== undefined && d.slaDueAt < (f.dueBefore ?? Infinity))
          .sort(
            (a, b) =>
              ((a.slaDueAt ?? 0) - (b.slaDueAt ?? 0)) * (order === 'asc' ? 1 : -1) ||
              (a._id < b._id ? (order === 'asc' ? -1 : 1) : order === 'asc' ? 1 : -1),
          )
          .map((d) => d._id);
        expect(want.length, JSON.stringify(f)).toBeGreaterThan(3);
        expect(await pageAll(f, { sort: 'due', order, limit: 4 }), `${JSON.stringify(f)} ${order}`).toEqual(want);
      }
    }
  });

  it('a garbled cursor is refused', async () => {
    await expect(
      db().readModel.list({}, { sort: 'created', order: 'desc', limit: 5, cursor: 'garbage' }),
    ).rejects.toThrow(/cursor/);
  });
});

/** A filter's shape: its paths and operators, not its values. */
function shapeOf(filter: unknown): unknown {
  if (Array.isArray(filter)) return filter.length === 0 ? '[]' : 'value';
  if (typeof filter !== 'object' || filter === null) return 'value';
  return Object.fromEntries(
    Object.entries(filter).map(([k, v]) => [k, k.startsWith('$') || typeof v === 'object' ? shapeOf(v) : 'value']),
  );
}

/** Every stage name in an explained plan (classic or slot-based). */
function stagesOf(plan: unknown): string[] {
  if (typeof plan !== 'object' || plan === null) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(plan)) {
    if (k === 'stage' && typeof v === 'string') out.push(v);
    else if (typeof v === 'object') out.push(...(Array.isArray(v) ? v.flatMap(stagesOf) : stagesOf(v)));
  }
  return out;
}

describe('search over the store', () => {
  const search = (q: string, scope: 'all' | 'public', f: TicketFilter = {}) =>
    db()
      .readModel.list({ ...f, q }, { sort: 'created', order: 'desc', limit: 100, search: scope })
      .then((p) => p.items);

  it('finds words in the title, description and every message, without their accents', async () => {
    const want = (pred: (i: number) => boolean) =>
      docs
        .filter((d, i) => !d.deleted && pred(i))
        .map((d) => d._id)
        .sort();
    expect((await search('imprimante BLOQUEE', 'all')).map((t) => t.id).sort()).toEqual(want((i) => i % 10 === 0));
    expect((await search('toner', 'public')).map((t) => t.id).sort()).toEqual(want((i) => i % 7 === 0));
    expect((await search('redemarre', 'public')).map((t) => t.id).sort()).toEqual(want((i) => i % 8 === 0));
  });

  it('private notes are searched for staff only', async () => {
    expect((await search('vendor escalation', 'all')).length).toBe(
      docs.filter((d, i) => !d.deleted && i % 9 === 0).length,
    );
    expect(await search('vendor', 'public')).toEqual([]);
  });

  it('a reference typed as-is finds its ticket first; a regex is just text', async () => {
    const [first] = await search('RP-00042', 'public');
    expect(first?.reference).toBe('RP-00042');
    expect(await search('.*', 'all')).toEqual([]);
  });

  it('ranks title matches before message matches, each newest first; pages on with the rank', async () => {
    // "imprimante" is in the title of every tenth ticket and in a message of every eighth.
    const found = await search('imprimante', 'public');
    const inTitle = (t: TicketState) => /imprimante/i.test(t.title ?? '');
    const want = [...found.filter(inTitle), ...found.filter((t) => !inTitle(t))];
    expect(found.map((t) => t.id)).toEqual(want.map((t) => t.id));
    expect(found.filter(inTitle).length).toBeGreaterThan(5);
    expect(found.filter((t) => !inTitle(t)).length).toBeGreaterThan(5);
    for (const tier of [found.filter(inTitle), found.filter((t) => !inTitle(t))]) {
      expect(tier.map((t) => t.createdAt)).toEqual([...tier.map((t) => t.createdAt)].sort((a, b) => b - a));
    }
    expect(await pageAll({ q: 'imprimante' }, { sort: 'created', order: 'desc', limit: 7, search: 'public' })).toEqual(
      found.map((t) => t.id),
    );
  });

  it('a requester search stays within their tickets', async () => {
    const mine = await search('laptop', 'public', { requester: 'r4' });
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((t) => t.requester?.id === 'r4')).toBe(true);
  });
});

describe('the lifecycle report', () => {
  it('counts and times what reading every ticket would, to the thousandth of an hour', async () => {
    for (const [from, to] of [
      [NOW - 30 * DAY, NOW + 1],
      [NOW - 800 * DAY, NOW + 1],
      [NOW - 3 * DAY, NOW - 1 * DAY],
    ] as const) {
      const rows = docs.filter((d) => d.createdAt >= from && d.createdAt < to);
      const report = await db().readModel.lifecycleReport(from, to);
      const fr = rows.flatMap((d) =>
        d.firstPublicReplyAt !== undefined ? [d.firstPublicReplyAt - (d.submittedAt ?? d.createdAt)] : [],
      );
      const res = rows.flatMap((d) => (d.resolution ? [d.resolution.at - (d.submittedAt ?? d.createdAt)] : []));
      const count = (key: (d: TicketDoc) => string | undefined) =>
        rows.reduce<Record<string, number>>(
          (m, d) => ({ ...m, [key(d) ?? 'none']: (m[key(d) ?? 'none'] ?? 0) + 1 }),
          {},
        );
      expect(report).toEqual({
        total: rows.length,
        byStatus: count((d) => d.status),
        byType: count((d) => d.type),
        bySeverity: count((d) => d.severity),
        byChannel: count((d) => (d.channel === 'closed_ticket' ? 'web' : d.channel)),
        firstResponse: stats(fr),
        resolution: stats(res),
        reopens: rows.reduce((s, d) => s + d.reopenCount, 0),
        reopenedTickets: rows.filter((d) => d.reopenCount > 0).length,
        followUps: rows.filter((d) => d.links.followUpOf).length,
        satisfaction: satisfactionOf(rows),
      });
    }
  });
});

/** Ratings among the resolved and closed tickets (the rest are not yet ratable). */
function satisfactionOf(rows: TicketDoc[]) {
  const rated = rows.filter((d) => d.status === 'resolved' || d.status === 'closed');
  const rating = (d: TicketDoc) => d.satisfaction?.rating;
  return {
    good: rated.filter((d) => rating(d) === 'good').length,
    bad: rated.filter((d) => rating(d) === 'bad').length,
    unrated: rated.filter((d) => rating(d) === undefined).length,
  };
}

/** The report's definitions, as they were when every row was read: nearest rank, thousandths. */
function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => {
    if (sorted.length === 0) return null;
    const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return Math.round(((sorted[idx] ?? 0) / HOUR) * 1000) / 1000;
  };
  return { count: sorted.length, medianHours: at(50), p90Hours: at(90) };
}

describe('tickets projected before the search words', () => {
  it('get their words from their state and timeline', async () => {
    const id = `legacy-${randomUUID()}`;
    const { state } = ticket(7);
    const { id: _old, ...fields } = {
      ...state,
      reference: `RP-LEGACY-${id.slice(-6)}`,
      title: 'Ancienne fiche',
      deleted: false,
    };
    await db()
      .connection.db?.collection('tickets')
      .insertOne({ _id: id, ...fields } as never);
    await Store.modelsForTestsOnly(db()).TicketEvent.collection.insertOne({
      _id: `${id}:1`,
      ticketId: id,
      seq: 1,
      type: 'note_added',
      at: NOW,
      actor: { id: 'a', role: 'agent' },
      channel: 'web',
      data: { body: 'grenouille', visibility: 'private_note' },
    } as never);
    const find = (q: string, scope: 'all' | 'public') =>
      db()
        .readModel.list({ q }, { sort: 'created', order: 'desc', limit: 5, search: scope })
        .then((p) => p.items.map((t) => t.id));
    expect(await find('ancienne', 'all')).toEqual([]);
    expect(await db().readModel.backfillSearchWords()).toBe(1);
    expect(await find('ancienne fiche', 'public')).toEqual([id]);
    expect(await find('grenouille', 'all')).toEqual([id]);
    expect(await find('grenouille', 'public')).toEqual([]);
    expect(await db().readModel.backfillSearchWords()).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the read path over the API', () => {
  const agent = () => token('agent', 'alice', 'alice@example.com');

  it('searches messages and notes as they are projected; requesters never find private words', async () => {
    const unique = randomUUID().slice(0, 8);
    const rq = `rp-${unique}`;
    const t = await createTicket({ title: `Élève ${unique}`, requester: { id: rq, email: `${rq}@example.com` } });
    await command(t.id, 'replies', { body: `Réponse publique café${unique}` });
    await command(t.id, 'notes', { body: `note secrète zèbre${unique}` });
    const staff = (q: string) =>
      api<List>('GET', `/v1/tickets?q=${encodeURIComponent(q)}`, { token: agent() }).then((r) =>
        r.body.items.map((x) => x.id),
      );
    const requester = (q: string) =>
      api<List>('GET', `/v1/tickets?q=${encodeURIComponent(q)}`, { token: token('requester', rq) }).then((r) =>
        r.body.items.map((x) => x.id),
      );
    await eventually(
      async () => ((await staff(`zebre${unique}`)).includes(t.id) ? true : undefined),
      20_000,
      'the note to be searchable',
    );
    expect(await staff(`CAFE${unique}`)).toEqual([t.id]);
    expect(await staff(`eleve ${unique}`)).toEqual([t.id]);
    expect(await requester(`cafe${unique}`)).toEqual([t.id]);
    expect(await requester(`zebre${unique}`)).toEqual([]);
    expect(await staff(t.reference)).toContain(t.id);
    expect((await staff(t.reference))[0]).toBe(t.id);
    // The words are never handed out with the ticket.
    const got = await api<Record<string, unknown>>('GET', `/v1/tickets/${t.id}`, { token: agent() });
    expect(Object.keys(got.body)).not.toContain('kwAll');
    const listed = await api<{ items: Record<string, unknown>[] }>(
      'GET',
      `/v1/tickets?q=${encodeURIComponent(`cafe${unique}`)}`,
      { token: agent() },
    );
    expect(Object.keys(listed.body.items[0] ?? {})).not.toContain('kwPublic');
  });

  it('a garbled cursor on a ticket history is a 400, as on /v1/tickets', async () => {
    for (const path of [
      '/v1/tickets?cursor=garbage',
      '/v1/requesters/someone/tickets?cursor=garbage',
      `/v1/requesters/someone/tickets?cursor=${Buffer.from('{"v":"x"}').toString('base64url')}`,
    ]) {
      const r = await api<{ status: number; errors?: { field: string }[] }>('GET', path, { token: agent() });
      expect(r.status, path).toBe(400);
      expect(r.body.errors?.[0]?.field).toBe('query.cursor');
    }
  });

  it('a company history pages on through the company', async () => {
    const company = `RPCO-${randomUUID()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++)
      ids.unshift((await createTicket({ company, requester: { id: `rp-co-${randomUUID()}` } })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page: List = (
        await api<List>('GET', `/v1/requesters/${encodeURIComponent(company)}/tickets?limit=2${q}`, { token: agent() })
      ).body;
      seen.push(...page.items.map((t) => t.id));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual(ids);
  });
});
