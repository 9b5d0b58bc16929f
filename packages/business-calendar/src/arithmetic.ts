// Working time on a calendar. Every function is pure: the instant is an argument (epoch ms), no clock
// is read, nothing is cached between calls, so workflow code can call them and replay the same.
import type { BusinessCalendar } from './calendar';
import { compileCalendar } from './calendar';
import { consume, sumUntil, workingPeriods } from './periods';
import type { Period } from './periods';

/**
 * The instant at which `durationMs` of working time has passed since `from`: the earliest instant
 * with that much working time between. A positive duration therefore ends inside working time or
 * exactly at a closing time (Friday 17:00 + 1 h in a 9–18 calendar is Friday 18:00, not Monday
 * 09:00); zero is `from` itself, open or not.
 */
export function addBusinessTime(calendar: BusinessCalendar, from: number, durationMs: number): number {
  requireInstant('from', from);
  requireDuration('durationMs', durationMs);
  const due = consume(workingPeriods(compileCalendar(calendar), from), from, durationMs);
  // Working periods never run out (past the horizon the stream throws), so this cannot happen.
  if (due === undefined) throw new Error('working periods ran out');
  return due;
}

/** Working time between two instants, in ms; negative when `to` is before `from`. */
export function businessTimeBetween(calendar: BusinessCalendar, from: number, to: number): number {
  requireInstant('from', from);
  requireInstant('to', to);
  if (to < from) return 0 - businessTimeBetween(calendar, to, from); // 0 - x: never -0
  return sumUntil(workingPeriods(compileCalendar(calendar), from), to);
}

/** Whether `at` is working time. Opening times are open, closing times closed. */
export function isOpen(calendar: BusinessCalendar, at: number): boolean {
  return firstPeriod(calendar, at).start === at;
}

/** The first instant at or after `at` that is working time: `at` itself when open. */
export function nextOpening(calendar: BusinessCalendar, at: number): number {
  return firstPeriod(calendar, at).start;
}

function firstPeriod(calendar: BusinessCalendar, at: number): Period {
  requireInstant('at', at);
  // The stream is infinite (or throws past the horizon), so a first period always exists.
  return workingPeriods(compileCalendar(calendar), at).next().value;
}

export function requireInstant(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be an instant in epoch milliseconds, got ${value}`);
}

export function requireDuration(name: string, value: number): void {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be a duration of zero or more milliseconds, got ${value}`);
}
