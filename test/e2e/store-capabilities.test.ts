// What the code relies on from the store the shared stack runs (SecantusDB by default, mongod or
// FerretDB by STORE, or MONGO_URL's server), proved under concurrency: atomic $inc in
// findOneAndUpdate (counters, settings versions), a conditional claim that only one racer wins
// (the notifier's send lease), unique indexes that refuse a racing duplicate (references,
// idempotency keys), no lost update when writers touch different fields of one document
// (projections beside $addToSet of links and search words), and revision-guarded upserts that
// never let an older projection overwrite a newer one. FerretDB v1 fails all but the unique index.
// Everything happens in a private database on that server, dropped afterwards.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useStore } from '../support/api';

const store = useStore();
const dbName = `capabilities_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const db = () => store().connection.getClient().db(dbName);

/** FerretDB answers buildInfo with its own version. */
const isFerretDb = async () => typeof (await db().admin().command({ buildInfo: 1 })).ferretdbVersion === 'string';

const DUPLICATE_KEY = 11000;
const codeOf = (err: unknown): unknown =>
  typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;

/** Settle every call at once; the fulfilled values and the rejections' error codes. */
async function race<T>(calls: (() => Promise<T>)[]): Promise<{ values: T[]; errorCodes: unknown[] }> {
  const settled = await Promise.allSettled(calls.map((call) => call()));
  return {
    values: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])),
    errorCodes: settled.flatMap((s) => (s.status === 'rejected' ? [codeOf(s.reason)] : [])),
  };
}

const shuffled = <T>(items: T[]): T[] =>
  items
    .map((item) => ({ item, key: Math.random() }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);

interface Counter {
  _id: string;
  n: number;
}
interface Projection {
  _id: string;
  revision: number;
  payload: string;
}

describe('store capabilities the code relies on', () => {
  beforeAll(async () => {
    // The collections exist before the races: a first-ever write creating one is not what is tested.
    for (const name of ['counters', 'outbox', 'references', 'tickets', 'projections'])
      await db().createCollection(name);
  });

  afterAll(async () => {
    // FerretDB v1 (SQLite) drops a database's file under connections still using it, and later
    // opens fail (SQLITE_CANTOPEN) across the run; its data folder goes with the run anyway.
    if (!(await isFerretDb())) await db().dropDatabase();
  });

  it('$inc in findOneAndUpdate is atomic: 300 concurrent increments, none lost, none handed out twice', async () => {
    const counters = db().collection<Counter>('counters');
    await counters.insertOne({ _id: 'existing', n: 0 });
    const { values, errorCodes } = await race(
      Array.from(
        { length: 300 },
        () => () => counters.findOneAndUpdate({ _id: 'existing' }, { $inc: { n: 1 } }, { returnDocument: 'after' }),
      ),
    );
    expect(errorCodes).toEqual([]);
    const seen = values.map((doc) => doc?.n);
    expect(new Set(seen).size).toBe(300);
    expect((await counters.findOne({ _id: 'existing' }))?.n).toBe(300);
  });

  it('the first-ever upsert of a counter under concurrency: every increment counted once, no number handed out twice', async () => {
    const counters = db().collection<Counter>('counters');
    const { values, errorCodes } = await race(
      Array.from(
        { length: 200 },
        () => () =>
          counters.findOneAndUpdate({ _id: 'fresh' }, { $inc: { n: 1 } }, { upsert: true, returnDocument: 'after' }),
      ),
    );
    // A clash of two first inserts may fail (allocateReference draws again); nothing else may.
    expect(errorCodes.filter((code) => code !== DUPLICATE_KEY)).toEqual([]);
    // SecantusDB now and then answers null for a racing first-ever upsert whose increment it did
    // apply (mongod doesn't). allocateReference copes: it renders number 1 and the unique reference
    // index makes one of the two draw again, so a number is skipped, never reused.
    const numbers = values.flatMap((doc) => (doc ? [doc.n] : []));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect((await counters.findOne({ _id: 'fresh' }))?.n).toBe(values.length);
    expect(numbers.length).toBeGreaterThan(0);
  });

  it('a conditional findOneAndUpdate claims once: of 100 racing claims of a lease exactly one wins', async () => {
    // The notifier's send lease: one attempt at a time, so a mail is never sent twice.
    const outbox = db().collection<{ _id: string; leaseUntil: number; attempts: number }>('outbox');
    await outbox.insertOne({ _id: 'mail', leaseUntil: 0, attempts: 0 });
    const now = Date.now();
    const { values, errorCodes } = await race(
      Array.from(
        { length: 100 },
        () => () =>
          outbox.findOneAndUpdate(
            { _id: 'mail', leaseUntil: { $lt: now } },
            { $set: { leaseUntil: now + 60_000 }, $inc: { attempts: 1 } },
            { returnDocument: 'after' },
          ),
      ),
    );
    expect(errorCodes).toEqual([]);
    expect(values.filter((doc) => doc !== null)).toHaveLength(1);
    expect((await outbox.findOne({ _id: 'mail' }))?.attempts).toBe(1);
  });

  it('a unique index refuses a concurrent duplicate: of 50 racing inserts of one reference exactly one wins', async () => {
    const references = db().collection<{ _id: string; reference: string }>('references');
    await references.createIndex({ reference: 1 }, { unique: true });
    const { values, errorCodes } = await race(
      Array.from({ length: 50 }, (_, i) => () => references.insertOne({ _id: `ticket-${i}`, reference: 'T-0001' })),
    );
    expect(values).toHaveLength(1);
    expect(errorCodes).toEqual(Array.from({ length: 49 }, () => DUPLICATE_KEY));
    expect(await references.countDocuments({ reference: 'T-0001' })).toBe(1);
    // And it refuses only duplicates: distinct references race in side by side.
    const distinct = await race(
      Array.from({ length: 50 }, (_, i) => () => references.insertOne({ _id: `other-${i}`, reference: `T-1${i}` })),
    );
    expect(distinct.errorCodes).toEqual([]);
  });

  it('no lost write when 200 concurrent updateOne calls $set and $addToSet different fields of one document', async () => {
    const tickets = db().collection<{
      _id: string;
      tags: string[];
      followUps: string[];
      [field: `field${number}`]: number;
    }>('tickets');
    await tickets.insertOne({ _id: 'ticket', tags: [], followUps: [] });
    const calls = Array.from({ length: 200 }, (_, i) => {
      switch (i % 4) {
        case 0:
          return () => tickets.updateOne({ _id: 'ticket' }, { $set: { [`field${i}` as const]: i } });
        case 1:
          return () => tickets.updateOne({ _id: 'ticket' }, { $addToSet: { tags: `tag${i}` } });
        case 2:
          // Each value twice: a set keeps one.
          return () => tickets.updateOne({ _id: 'ticket' }, { $addToSet: { followUps: `f${i % 100}` } });
        default:
          return () =>
            tickets.updateOne(
              { _id: 'ticket' },
              { $set: { [`field${i}` as const]: i }, $addToSet: { tags: `tag${i}` } },
            );
      }
    });
    const { errorCodes } = await race(shuffled(calls));
    expect(errorCodes).toEqual([]);
    const doc = await tickets.findOne({ _id: 'ticket' });
    const fields = Object.keys(doc ?? {}).filter((k) => k.startsWith('field'));
    expect(fields).toHaveLength(100);
    expect(new Set(doc?.tags).size).toBe(100);
    expect(doc?.tags).toHaveLength(100);
    expect(doc?.followUps).toHaveLength(25);
  });

  it('a revision-guarded upsert refuses a stale write (duplicate key or no-op) and keeps the newer revision', async () => {
    const projections = db().collection<Projection>('projections');
    const project = async (id: string, revision: number): Promise<'written' | 'refused'> => {
      try {
        const r = await projections.updateOne(
          { _id: id, revision: { $lt: revision } },
          { $set: { revision, payload: `rev ${revision}` } },
          { upsert: true },
        );
        return r.modifiedCount + r.upsertedCount > 0 ? 'written' : 'refused';
      } catch (err) {
        // The filter missed because a newer revision is stored, and the upsert hit its _id.
        if (codeOf(err) === DUPLICATE_KEY) return 'refused';
        throw err;
      }
    };
    expect(await project('one', 5)).toBe('written');
    expect(await project('one', 3)).toBe('refused');
    expect(await project('one', 5)).toBe('refused');
    expect(await projections.findOne({ _id: 'one' })).toEqual({ _id: 'one', revision: 5, payload: 'rev 5' });

    // Racing projections of revisions 1..40 of fresh documents, in random order: the newest stays.
    const ids = Array.from({ length: 5 }, (_, i) => `race-${i}`);
    const calls = ids.flatMap((id) => Array.from({ length: 40 }, (_, r) => () => project(id, r + 1)));
    const { errorCodes } = await race(shuffled(calls));
    expect(errorCodes).toEqual([]);
    for (const id of ids)
      expect(await projections.findOne({ _id: id })).toEqual({ _id: id, revision: 40, payload: 'rev 40' });
  });
});
