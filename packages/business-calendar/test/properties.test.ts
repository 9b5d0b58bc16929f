// Properties over random calendars (zones with one-hour, half-hour and 45-minute offsets and
// changes, overnight intervals, Sunday nights into Monday, whole and partial holidays) and random
// instants across 2025's clock changes. One oracle is independent of the implementation: whether an
// instant is working time, read off luxon's wall clock for it.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { WEEKDAYS, addBusinessTime, businessTimeBetween, dueWithPauses, isOpen, nextOpening, slaClock } from '../src';
import type { BusinessCalendar, Holiday, Pause, WeeklyHours, Weekday, WorkingInterval } from '../src';
import { DAY, MINUTE, WEEK } from './fixtures';

const ZONES = [
  'Europe/Paris',
  'America/New_York',
  'Australia/Lord_Howe',
  'America/St_Johns',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'UTC',
];
const QUARTER = 15; // minutes: every boundary and every zone offset here is a multiple of it
const QUARTERS_PER_DAY = 96;
const QUARTERS_PER_WEEK = 7 * QUARTERS_PER_DAY;
const WINDOW_START = Date.UTC(2025, 2, 1);
const WINDOW_DAYS = 275; // to the end of November: every zone's two changes of 2025

const hhmm = (quarters: number) =>
  `${String(Math.floor(quarters / 4)).padStart(2, '0')}:${String((quarters % 4) * QUARTER).padStart(2, '0')}`;
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));

/**
 * Disjoint intervals from sorted distinct points of a week (pairs of them, at most a day long),
 * turned by `shift` around the week, so some run past midnight and Sunday's may run into Monday.
 */
function weekly(points: number[], shift: number): WeeklyHours {
  const hours: Partial<Record<Weekday, WorkingInterval[]>> = {};
  const sorted = [...points].sort((a, b) => a - b);
  for (let i = 0; i + 1 < sorted.length; i += 2) {
    const start = sorted[i] as number;
    const length = Math.min((sorted[i + 1] as number) - start, QUARTERS_PER_DAY);
    const turned = (start + shift) % QUARTERS_PER_WEEK;
    const day = WEEKDAYS[Math.floor(turned / QUARTERS_PER_DAY)] as Weekday;
    const from = turned % QUARTERS_PER_DAY;
    const to = from + length;
    const interval =
      to <= QUARTERS_PER_DAY
        ? { from: hhmm(from), to: hhmm(to) }
        : { from: hhmm(from), to: hhmm(to - QUARTERS_PER_DAY), nextDay: true };
    (hours[day] ??= []).push(interval);
  }
  return hours;
}

const holidayArb: fc.Arbitrary<Holiday> = fc
  .record({
    day: fc.integer({ min: 0, max: WINDOW_DAYS }),
    from: fc.option(fc.integer({ min: 0, max: QUARTERS_PER_DAY - 1 }), { nil: undefined }),
    length: fc.option(fc.integer({ min: 1, max: QUARTERS_PER_DAY }), { nil: undefined }),
  })
  .map(({ day, from, length }) => {
    const date = new Date(WINDOW_START + day * DAY).toISOString().slice(0, 10);
    const holiday: Holiday = { date };
    if (from !== undefined) holiday.from = hhmm(from);
    if (length !== undefined) holiday.to = hhmm(Math.min((from ?? 0) + length, QUARTERS_PER_DAY));
    return holiday;
  });

const calendarArb: fc.Arbitrary<BusinessCalendar> = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  weeklyHours: fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          fc.uniqueArray(fc.integer({ min: 0, max: QUARTERS_PER_WEEK }), { minLength: 2, maxLength: 14 }),
          fc.nat(QUARTERS_PER_WEEK - 1),
        )
        .map(([p, s]) => weekly(p, s)),
    },
    { weight: 1, arbitrary: fc.constant(weekly([0, QUARTERS_PER_DAY, QUARTERS_PER_DAY, 2 * QUARTERS_PER_DAY], 0)) },
    {
      weight: 1,
      arbitrary: fc.constant(
        Object.fromEntries(WEEKDAYS.map((d) => [d, [{ from: '00:00', to: '24:00' }]])) as WeeklyHours,
      ),
    },
  ),
  holidays: fc.array(holidayArb, { maxLength: 6 }),
});

/** Any millisecond of the window, or a quarter-hour one, where the edges are. */
const instantArb = fc.oneof(
  fc.integer({ min: WINDOW_START, max: WINDOW_START + WINDOW_DAYS * DAY }),
  fc.nat(WINDOW_DAYS * QUARTERS_PER_DAY).map((q) => WINDOW_START + q * QUARTER * MINUTE),
);

/** Working time a week (without holidays and clock changes). */
function weeklyMs(calendar: BusinessCalendar): number {
  const intervals = Object.values(calendar.weeklyHours).flat();
  return intervals.reduce(
    (sum, i) => sum + ((i.nextDay ? 24 * 60 : 0) + minutesOf(i.to) - minutesOf(i.from)) * MINUTE,
    0,
  );
}

/**
 * Up to three weeks, or 150 weeks of the calendar's working time if less, so that a sparse calendar
 * stays within the horizon: long waits, not refusals, are what is checked here.
 */
function durationArb(calendar: BusinessCalendar): fc.Arbitrary<number> {
  const max = Math.min(3 * WEEK, 150 * weeklyMs(calendar));
  return fc.oneof(
    fc.constant(0),
    fc.integer({ min: 1, max }),
    fc.nat(Math.floor(max / (QUARTER * MINUTE))).map((q) => q * QUARTER * MINUTE),
  );
}

/** A calendar with two durations that fit it. */
const withDurations = calendarArb.chain((calendar) =>
  fc.tuple(fc.constant(calendar), durationArb(calendar), durationArb(calendar)),
);
const positive = (d: number) => Math.max(d, 1);

/** Working time or not, from the wall clock alone; undefined where the wall time occurs twice. */
function oracleOpen(calendar: BusinessCalendar, t: number): boolean | undefined {
  const dt = DateTime.fromMillis(t, { zone: calendar.timeZone });
  if (dt.getPossibleOffsets().length !== 1) return undefined;
  const m = dt.hour * 60 + dt.minute + dt.second / 60 + dt.millisecond / MINUTE;
  const date = dt.toISODate();
  if (
    (calendar.holidays ?? []).some(
      (h) => h.date === date && minutesOf(h.from ?? '00:00') <= m && m < minutesOf(h.to ?? '24:00'),
    )
  )
    return false;
  const today = WEEKDAYS[dt.weekday - 1] as Weekday;
  const yesterday = WEEKDAYS[(dt.weekday + 5) % 7] as Weekday;
  return (
    (calendar.weeklyHours[today] ?? []).some(
      (i) => minutesOf(i.from) <= m && m < (i.nextDay ? 24 * 60 : minutesOf(i.to)),
    ) || (calendar.weeklyHours[yesterday] ?? []).some((i) => i.nextDay === true && m < minutesOf(i.to))
  );
}

const RUNS = { numRuns: 200 };

describe('properties of addBusinessTime and businessTimeBetween', () => {
  it('the working time from a start to its due instant is the duration', () => {
    fc.assert(
      fc.property(withDurations, instantArb, ([calendar, d], from) => {
        expect(businessTimeBetween(calendar, from, addBusinessTime(calendar, from, d))).toBe(d);
      }),
      RUNS,
    );
  });

  it('a due instant ends working time: inside it or at a closing time, never at the next opening', () => {
    fc.assert(
      fc.property(withDurations, instantArb, ([calendar, d], from) => {
        const due = addBusinessTime(calendar, from, positive(d));
        expect(due).toBeGreaterThan(from);
        expect(isOpen(calendar, due - 1)).toBe(true);
      }),
      RUNS,
    );
  });

  it('is monotonic in the duration and in the start', () => {
    fc.assert(
      fc.property(withDurations, instantArb, instantArb, ([calendar, d1, d2], a, b) => {
        const [f1, f2] = a <= b ? [a, b] : [b, a];
        const [short, long] = d1 <= d2 ? [d1, d2] : [d2, d1];
        expect(addBusinessTime(calendar, f1, short)).toBeLessThanOrEqual(addBusinessTime(calendar, f1, long));
        expect(addBusinessTime(calendar, f1, short)).toBeLessThanOrEqual(addBusinessTime(calendar, f2, short));
      }),
      RUNS,
    );
  });

  it('adding in two steps is adding once', () => {
    fc.assert(
      fc.property(withDurations, instantArb, ([calendar, d1, d2], from) => {
        expect(addBusinessTime(calendar, addBusinessTime(calendar, from, d1), d2)).toBe(
          addBusinessTime(calendar, from, d1 + d2),
        );
      }),
      RUNS,
    );
  });

  it('working time between adds up, is antisymmetric and never exceeds elapsed time', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, instantArb, instantArb, (calendar, a, b, c) => {
        const ab = businessTimeBetween(calendar, a, b);
        expect(ab + businessTimeBetween(calendar, b, c)).toBe(businessTimeBetween(calendar, a, c));
        expect(businessTimeBetween(calendar, b, a)).toBe(0 - ab);
        expect(Math.abs(ab)).toBeLessThanOrEqual(Math.abs(b - a));
        expect(Math.sign(ab) * Math.sign(b - a)).toBeGreaterThanOrEqual(0);
      }),
      RUNS,
    );
  });

  it('nextOpening is the first working instant: open, with no working time before it', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, (calendar, at) => {
        const next = nextOpening(calendar, at);
        expect(next).toBeGreaterThanOrEqual(at);
        expect(isOpen(calendar, next)).toBe(true);
        expect(businessTimeBetween(calendar, at, next)).toBe(0);
        expect(next === at).toBe(isOpen(calendar, at));
      }),
      RUNS,
    );
  });
});

describe('against the wall clock', () => {
  it('isOpen agrees with the calendar read off the local time', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, (calendar, t) => {
        const expected = oracleOpen(calendar, t);
        fc.pre(expected !== undefined);
        expect(isOpen(calendar, t)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('businessTimeBetween counts the open quarter hours', () => {
    fc.assert(
      fc.property(
        calendarArb,
        fc.nat(WINDOW_DAYS * QUARTERS_PER_DAY),
        fc.nat(3 * QUARTERS_PER_DAY),
        (calendar, q, n) => {
          const from = WINDOW_START + q * QUARTER * MINUTE;
          let open = 0;
          for (let i = 0; i < n; i++) if (isOpen(calendar, from + i * QUARTER * MINUTE)) open++;
          expect(businessTimeBetween(calendar, from, from + n * QUARTER * MINUTE)).toBe(open * QUARTER * MINUTE);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('properties of the SLA clock', () => {
  /** Pauses that have ended, anywhere, overlapping or not. */
  const pausesArb = fc
    .array(fc.tuple(instantArb, fc.integer({ min: 0, max: 3 * DAY })), { maxLength: 4 })
    .map((list) => list.map(([from, length]): Pause => ({ from, to: from + length })));

  it('the working time outside pauses from the start to the due instant is the target', () => {
    fc.assert(
      fc.property(withDurations, instantArb, pausesArb, ([calendar, target], start, pauses) => {
        const due = dueWithPauses(calendar, start, target, pauses);
        expect(due).not.toBeNull();
        const at = due as number;
        expect(at).toBeGreaterThanOrEqual(addBusinessTime(calendar, start, target));
        // The pauses' own working time inside [start, due), counted once where they overlap.
        let paused = 0;
        let covered = start;
        for (const p of [...pauses].sort((x, y) => x.from - y.from)) {
          const from = Math.max(p.from, covered);
          const to = Math.min(p.to as number, at);
          if (to > from) paused += businessTimeBetween(calendar, from, to);
          covered = Math.max(covered, p.to as number);
        }
        expect(businessTimeBetween(calendar, start, at) - paused).toBe(target);
      }),
      RUNS,
    );
  });

  it('a pause under way holds the clock exactly when the target was not met before it began', () => {
    fc.assert(
      fc.property(
        withDurations,
        instantArb,
        pausesArb,
        fc.integer({ min: 0, max: 2 * WEEK }),
        ([calendar, d], start, ended, after) => {
          const target = positive(d);
          const waitFrom = Math.max(start, ...ended.map((p) => p.to as number)) + after;
          const withoutWait = dueWithPauses(calendar, start, target, ended) as number;
          const withWait = dueWithPauses(calendar, start, target, [...ended, { from: waitFrom, to: null }]);
          expect(withWait).toBe(withoutWait <= waitFrom ? withoutWait : null);
        },
      ),
      RUNS,
    );
  });

  it('now is past due exactly when nothing remains', () => {
    fc.assert(
      fc.property(withDurations, instantArb, pausesArb, instantArb, ([calendar, d], start, pauses, now) => {
        const target = positive(d);
        const clock = slaClock(calendar, start, target, pauses, now);
        expect(clock.dueAt).not.toBeNull();
        expect(clock.remainingMs <= 0).toBe(now >= (clock.dueAt as number));
        expect(clock.elapsedMs + clock.remainingMs).toBe(target);
      }),
      RUNS,
    );
  });
});
