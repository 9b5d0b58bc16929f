// The slices a list reads: consecutive, never overlapping, growing, and ending unbounded; plus
// how filters become index prefixes, and the report's percentile arithmetic.
import { describe, expect, it } from 'vitest';
import { HOUR_MS as HOUR } from '@helpdesk/contracts';
import {
  FIRST_WINDOW_MS,
  LAST_WINDOW_MS,
  WindowWalk,
  bucketOfRank,
  listPlan,
  nextWidth,
  percentileRank,
  toFine,
} from '../src/queries';
import type { Slice } from '../src/queries';

/** Whether a value falls in a slice. */
const inSlice = (s: Slice, v: number) =>
  (s.$gt === undefined || v > s.$gt) && (s.$lt === undefined || v < s.$lt) && (s.$lte === undefined || v <= s.$lte);

/** Walk to the end, as if every slice were empty. */
function walkAll(w: WindowWalk): Slice[] {
  const out: Slice[] = [];
  for (let s = w.next(); s; s = w.next()) {
    out.push(s);
    w.found(0, 26);
    if (out.length > 50) throw new Error('the walk does not end');
  }
  return out;
}

/** Every value lands in exactly one slice. */
function expectPartition(slices: Slice[], values: number[]) {
  for (const v of values)
    expect(
      slices.filter((s) => inSlice(s, v)),
      `value ${v}`,
    ).toHaveLength(1);
}

describe('window widths', () => {
  it('grow sixteen-fold after an empty slice, else enough to find the rest twice over, within ×2..×16', () => {
    expect(nextWidth(1000, 0, 26)).toBe(16_000);
    expect(nextWidth(1000, 13, 13)).toBe(2000);
    expect(nextWidth(1000, 1, 25)).toBe(16_000);
    expect(nextWidth(1000, 5, 10)).toBe(4000);
    expect(nextWidth(1000, 30, 1)).toBe(2000);
  });
});

describe('a descending walk', () => {
  const now = 1_800_000_000_000;

  it('first page: open above now, then consecutive slices down to an unbounded last one', () => {
    const slices = walkAll(new WindowWalk(-1, { edge: now, open: true }));
    expect(slices[0]).toEqual({ $gt: now - FIRST_WINDOW_MS });
    expect(slices[1]).toEqual({ $gt: now - FIRST_WINDOW_MS * 17, $lte: now - FIRST_WINDOW_MS });
    const last = slices[slices.length - 1];
    expect(last).toEqual({ $lte: expect.any(Number) });
    expect(slices.length).toBeLessThanOrEqual(7);
    expectPartition(slices, [
      now + 60_000,
      now,
      now - 1,
      now - FIRST_WINDOW_MS,
      now - FIRST_WINDOW_MS - 1,
      now - FIRST_WINDOW_MS - 0.5,
      now - 30 * 24 * HOUR,
      0,
      -5,
    ]);
  });

  it('from a cursor: its value included (the tickets that share it come by id), then below', () => {
    const v = now - 5 * HOUR;
    const slices = walkAll(new WindowWalk(-1, { edge: v, inclusive: true }));
    expect(slices[0]).toEqual({ $gt: v - FIRST_WINDOW_MS, $lte: v });
    expect(slices.some((s) => inSlice(s, v + 1))).toBe(false);
    expectPartition(slices, [v, v - 1, v - FIRST_WINDOW_MS, v - 400 * 24 * HOUR, 1]);
  });

  it('from a position: strictly below it', () => {
    const v = now - 5 * HOUR;
    const slices = walkAll(new WindowWalk(-1, { edge: v }));
    expect(slices[0]).toEqual({ $gt: v - FIRST_WINDOW_MS, $lt: v });
    expect(slices.some((s) => inSlice(s, v))).toBe(false);
  });

  it('puts the lower bound first (SecantusDB scans from the first bound it reads), and never uses $gte', () => {
    const w = new WindowWalk(-1, { edge: now });
    expect(Object.keys(w.next() ?? {})).toEqual(['$gt', '$lt']);
    expect(
      JSON.stringify(walkAll(new WindowWalk(1, { edge: now, inclusive: true }, { end: now + 400 * 24 * HOUR }))),
    ).not.toContain('$gte');
  });

  it('stops at the end it is given: the slice reaching it is unbounded', () => {
    const slices = walkAll(new WindowWalk(-1, { edge: now }, { end: now - 10 * FIRST_WINDOW_MS }));
    expect(slices).toEqual([{ $gt: now - FIRST_WINDOW_MS, $lt: now }, { $lte: now - FIRST_WINDOW_MS }]);
  });
});

describe('an ascending walk', () => {
  const anchor = 1_700_000_000_000;
  const now = anchor + 90 * 24 * HOUR;

  it('first page: open below the anchor (older tickets are still read), up to an unbounded slice past now', () => {
    const slices = walkAll(new WindowWalk(1, { edge: anchor, open: true }, { end: now }));
    expect(slices[0]).toEqual({ $lte: anchor + FIRST_WINDOW_MS });
    expect(slices[1]).toEqual({ $gt: anchor + FIRST_WINDOW_MS, $lte: anchor + FIRST_WINDOW_MS * 17 });
    expect(slices[slices.length - 1]).toEqual({ $gt: expect.any(Number) });
    expectPartition(slices, [
      0,
      anchor - 1,
      anchor,
      anchor + FIRST_WINDOW_MS,
      anchor + FIRST_WINDOW_MS + 0.5,
      now - 1,
      now,
      now + 10 * 24 * HOUR,
    ]);
  });

  it('from a cursor: its value included, as the whole millisecond below it excluded', () => {
    const v = anchor + 3 * HOUR;
    const slices = walkAll(new WindowWalk(1, { edge: v, inclusive: true }, { end: now }));
    expect(slices[0]).toEqual({ $gt: v - 1, $lte: v + FIRST_WINDOW_MS });
    expectPartition(slices, [v, v + 1, v + FIRST_WINDOW_MS, now + 1]);
    expect(slices.some((s) => inSlice(s, v - 1))).toBe(false);
  });

  it('from a position: strictly above it', () => {
    const v = anchor + 3 * HOUR;
    expect(new WindowWalk(1, { edge: v }, { end: now }).next()).toEqual({ $gt: v, $lte: v + FIRST_WINDOW_MS });
  });

  it('everything within the first slice: one slice, with no bound at all', () => {
    expect(walkAll(new WindowWalk(1, { edge: now - FIRST_WINDOW_MS / 2, open: true }, { end: now }))).toEqual([{}]);
  });
});

describe('growth follows what was found', () => {
  it('a slice that found most of what was missing is followed by a narrower growth', () => {
    const w = new WindowWalk(-1, { edge: 0 });
    expect(w.next()).toEqual({ $gt: -FIRST_WINDOW_MS, $lt: 0 });
    w.found(20, 6);
    expect(w.width).toBe(FIRST_WINDOW_MS * 2);
    expect(w.next()).toEqual({ $gt: -FIRST_WINDOW_MS * 3, $lte: -FIRST_WINDOW_MS });
  });

  it('never more than a handful of slices, even when nothing is found', () => {
    const slices = walkAll(new WindowWalk(-1, { edge: 0, open: true }));
    expect(slices.length).toBeLessThanOrEqual(
      1 + Math.ceil(Math.log(LAST_WINDOW_MS / FIRST_WINDOW_MS) / Math.log(16)) + 1,
    );
  });

  it('starts as wide as it is told (a width learned from the last page of the same list)', () => {
    expect(new WindowWalk(-1, { edge: 0, open: true }, { width: 5 * HOUR }).next()).toEqual({ $gt: -5 * HOUR });
    expect(new WindowWalk(-1, { edge: 0, open: true }, { width: LAST_WINDOW_MS }).next()).toEqual({});
  });
});

describe('listPlan', () => {
  it('no filter: the deleted flag alone', () => {
    expect(listPlan({})).toEqual({ branches: [[['deleted', false]]], rest: [] });
    expect(listPlan({ deleted: true })).toEqual({ branches: [[['deleted', true]]], rest: [] });
  });

  it('one filter: one equality prefix per value', () => {
    expect(listPlan({ assignee: 'alice' })).toEqual({
      branches: [
        [
          ['assignee', 'alice'],
          ['deleted', false],
        ],
      ],
      rest: [],
    });
    expect(listPlan({ status: ['new', 'waiting'] }).branches).toEqual([
      [
        ['status', 'new'],
        ['deleted', false],
      ],
      [
        ['status', 'waiting'],
        ['deleted', false],
      ],
    ]);
    // A branch per breach kind: the two global delays and the three SLA targets.
    expect(listPlan({ breached: true }).branches).toEqual(
      ['response', 'action', 'firstResponse', 'nextResponse', 'resolution'].map((kind) => [
        ['breaches.kind', kind],
        ['deleted', false],
      ]),
    );
    // Not breached, alone: every ticket's slices, checked in memory (see listPlan).
    expect(listPlan({ breached: false })).toEqual({ branches: [[['deleted', false]]], rest: [], post: 'unbreached' });
  });

  it('several filters: one query, narrow equalities in the prefix, the rest matched by the store', () => {
    expect(listPlan({ requester: 'r1', status: ['new'], group: 'g' })).toEqual({
      branches: [
        [
          ['requester.id', 'r1'],
          ['deleted', false],
        ],
      ],
      rest: [
        ['group', 'g'],
        ['status', 'new'],
      ],
    });
    expect(listPlan({ group: 'g', status: ['new', 'in_progress'] }).rest).toEqual([
      ['group', 'g'],
      ['status', { $in: ['new', 'in_progress'] }],
    ]);
  });

  it('with list keys: a filter and a status are one key per status, any breach is one key', () => {
    expect(listPlan({ group: 'g', status: ['new', 'in_progress'] }, true)).toEqual({
      branches: [
        [
          ['lk', 'group=g|new'],
          ['deleted', false],
        ],
        [
          ['lk', 'group=g|in_progress'],
          ['deleted', false],
        ],
      ],
      rest: [],
    });
    // The first filter that pairs (assignee before group); the others stay for the store.
    expect(listPlan({ assignee: 'a', group: 'g', status: ['waiting'] }, true)).toEqual({
      branches: [
        [
          ['lk', 'assignee=a|waiting'],
          ['deleted', false],
        ],
      ],
      rest: [['group', 'g']],
    });
    expect(listPlan({ tag: 'vpn', status: ['new'], deleted: true }, true).branches).toEqual([
      [
        ['lk', 'tags=vpn|new'],
        ['deleted', true],
      ],
    ]);
    expect(listPlan({ breached: true }, true).branches).toEqual([
      [
        ['lk', 'breached'],
        ['deleted', false],
      ],
    ]);
    // A narrow filter still leads; a status alone or with an unpaired filter is as before.
    expect(listPlan({ requester: 'r1', status: ['new'], group: 'g' }, true)).toEqual(
      listPlan({ requester: 'r1', status: ['new'], group: 'g' }),
    );
    expect(listPlan({ status: ['new'] }, true)).toEqual(listPlan({ status: ['new'] }));
    expect(listPlan({ attention: true, status: ['new'] }, true)).toEqual(
      listPlan({ attention: true, status: ['new'] }),
    );
  });
});

describe('report percentiles', () => {
  it('nearest rank, as the report always computed it', () => {
    expect(percentileRank(1, 50)).toBe(1);
    expect(percentileRank(10, 50)).toBe(5);
    expect(percentileRank(10, 90)).toBe(9);
    expect(percentileRank(11, 90)).toBe(10);
  });

  it('finds the bucket of a rank and what precedes it', () => {
    const h: [number, number][] = [
      [5, 2],
      [1, 3],
      [9, 1],
    ];
    expect(bucketOfRank(h, 1)).toEqual({ bucket: 1, before: 0 });
    expect(bucketOfRank(h, 4)).toEqual({ bucket: 5, before: 3 });
    expect(bucketOfRank(h, 6)).toEqual({ bucket: 9, before: 5 });
    expect(bucketOfRank(h, 7)).toBeUndefined();
  });

  it('thousandths of an hour, rounded like Math.round', () => {
    for (const ms of [0, 1, 1799, 1800, 1801, 3600, 5399, 5400, HOUR, 12.1575 * HOUR, -1800, -1801]) {
      expect(toFine(ms) + 0).toBe(Math.round(ms / 3600) + 0); // + 0: -0 and 0 are the same bucket
    }
  });
});
