// The calendar's working time as a lazy, ordered stream of instant intervals, and the two ways of
// walking it (consume an amount, sum a range). Every public function is one of these walks.
import type { CompiledCalendar } from './calendar';
import { weekdayIndex } from './calendar';
import { BeyondHorizonError } from './errors';
import { without } from './intervals';
import type { Interval } from './intervals';
import { WallClock } from './zone';

/** Instants in epoch milliseconds, `start` inclusive, `end` exclusive. */
export type Period = Interval;

/**
 * How many local days a walk may look at before it gives up. Ten years holds any service-level
 * target with room to spare, and keeps a call to a few tens of milliseconds, however sparse the
 * calendar or long its holiday list.
 */
export const HORIZON_DAYS = 3660;

/**
 * The working periods that end after `from`, in order, the first cut to start at `from` at the
 * earliest. Periods may touch (an overnight interval ending where the next day's begins); they never
 * overlap and are never empty.
 */
export function* workingPeriods(calendar: CompiledCalendar, from: number): Generator<Period, never> {
  const clock = new WallClock(calendar.zone);
  // The day before: its overnight interval may still be running at `from`.
  const firstDay = clock.dayOf(from) - 1;
  for (let day = firstDay; ; day++) {
    if (day - firstDay > HORIZON_DAYS) {
      throw new BeyondHorizonError(
        `the answer lies more than ${HORIZON_DAYS} days after ${new Date(from).toISOString()}, beyond what this calendar arithmetic looks at`,
      );
    }
    const spans = calendar.week[weekdayIndex(day)] ?? [];
    // The next date's closures too: an overnight interval runs into it.
    const closed = spans.length
      ? [...closedPeriods(calendar, clock, day), ...closedPeriods(calendar, clock, day + 1)]
      : [];
    for (const span of spans) {
      const period = { start: clock.toInstant(day, span.start), end: clock.toInstant(day, span.end) };
      for (const piece of without(period, closed)) {
        if (piece.end > from) yield { start: Math.max(piece.start, from), end: piece.end };
      }
    }
  }
}

function closedPeriods(calendar: CompiledCalendar, clock: WallClock, day: number): Period[] {
  return (calendar.closures.get(day) ?? []).map((c) => ({
    start: clock.toInstant(day, c.start),
    end: clock.toInstant(day, c.end),
  }));
}

/**
 * The instant at which `amount` ms of the periods have passed, counting from `from` (periods start
 * at `from` or later). Zero is `from` itself; a positive amount ends inside a period or at its end,
 * never at the next start. Undefined when the periods run out first.
 */
export function consume(periods: Iterable<Period>, from: number, amount: number): number | undefined {
  if (amount === 0) return from;
  let left = amount;
  for (const p of periods) {
    const length = p.end - p.start;
    if (left <= length) return p.start + left;
    left -= length;
  }
  return undefined;
}

/** The total length of the periods before `to`. */
export function sumUntil(periods: Iterable<Period>, to: number): number {
  let total = 0;
  for (const p of periods) {
    if (p.start >= to) break;
    total += Math.min(p.end, to) - p.start;
  }
  return total;
}
