// The calendar model, its zod schema and its compiled form. Times are local wall-clock times of the
// calendar's zone; dates are local dates. Validation names the field of every problem, so an API can
// hand the list to the person who typed the calendar.
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { InvalidCalendarError } from './errors';
import type { CalendarProblem } from './errors';
import { merge } from './intervals';
import type { Interval } from './intervals';
import { MINUTES_PER_DAY, MS_PER_DAY } from './units';

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * Working time on one weekday, `from` inclusive to `to` exclusive, as `HH:MM` (`to` may be `24:00`).
 * An interval that runs past midnight says so with `nextDay: true` (`22:00`–`06:00`); it belongs to
 * the day it starts on.
 */
export interface WorkingInterval {
  from: string;
  to: string;
  nextDay?: boolean;
}

/** A weekday left out, or given no interval, is closed. */
export type WeeklyHours = Partial<Record<Weekday, readonly WorkingInterval[]>>;

/**
 * A local date that is closed: the whole day (00:00–24:00), or only `from`–`to` when either is given
 * (`from` alone closes the rest of the day, `to` alone its beginning).
 */
export interface Holiday {
  date: string;
  name?: string;
  from?: string;
  to?: string;
}

export interface BusinessCalendar {
  /** An IANA time zone such as `Europe/Paris`; every time and date above is local to it. */
  timeZone: string;
  weeklyHours: WeeklyHours;
  holidays?: readonly Holiday[];
}

const clockTime = z.string().regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM from 00:00 to 23:59');
const endTime = z.string().regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'expected a time HH:MM from 00:01 to 24:00');
const localDate = z.string().refine((s) => dayNumber(s) !== undefined, 'expected an existing date YYYY-MM-DD');

const workingInterval = z.strictObject({ from: clockTime, to: endTime, nextDay: z.boolean().optional() });
const holiday = z.strictObject({
  date: localDate,
  name: z.string().optional(),
  from: clockTime.optional(),
  to: endTime.optional(),
});
const weeklyHours = z.strictObject(
  Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(workingInterval).optional()])) as Record<
    Weekday,
    z.ZodOptional<z.ZodArray<typeof workingInterval>>
  >,
);

export const businessCalendarSchema: z.ZodType<BusinessCalendar> = z
  .strictObject({
    timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), 'not an IANA time zone (such as Europe/Paris)'),
    weeklyHours,
    holidays: z.array(holiday).optional(),
  })
  .superRefine(
    (calendar, ctx) => {
      for (const problem of calendarRuleProblems(calendar)) {
        ctx.addIssue({ code: 'custom', message: problem.message, path: problem.path });
      }
    },
    // The rules read times and dates as numbers: only once every one of them is well formed.
    { when: (payload) => payload.issues.length === 0 },
  );

/** The calendar, validated; throws InvalidCalendarError listing every problem with its field. */
export function parseBusinessCalendar(input: unknown): BusinessCalendar {
  const result = businessCalendarSchema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidCalendarError(
    result.error.issues.map((issue): CalendarProblem => ({ field: fieldName(issue.path), message: issue.message })),
  );
}

/** Minutes from a day's local midnight. */
export type Span = Interval;

export interface CompiledCalendar {
  zone: IANAZone;
  /** Index 0 is Monday. Spans sorted, from that day's midnight; an overnight span ends past 1440. */
  week: readonly (readonly Span[])[];
  /** Local day number (days since 1970-01-01) → the closed spans of that date, sorted and merged. */
  closures: ReadonlyMap<number, readonly Span[]>;
}

/** Validates (every call: calendars are plain data and may have changed) and precomputes. */
export function compileCalendar(input: BusinessCalendar): CompiledCalendar {
  const calendar = parseBusinessCalendar(input);
  const week = WEEKDAYS.map((day) =>
    (calendar.weeklyHours[day] ?? []).map(intervalSpan).sort((a, b) => a.start - b.start),
  );
  const byDay = new Map<number, Span[]>();
  for (const h of calendar.holidays ?? []) {
    const day = dayNumber(h.date) as number; // the schema checked the date
    byDay.set(day, [...(byDay.get(day) ?? []), holidaySpan(h)]);
  }
  const closures = new Map([...byDay].map(([day, spans]) => [day, merge(spans)] as const));
  return { zone: IANAZone.create(calendar.timeZone), week, closures };
}

/** Monday is 0. Day 0 (1970-01-01) was a Thursday. */
export function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** The local day number of `YYYY-MM-DD`, or undefined when no such date exists. */
export function dayNumber(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Pure civil-date arithmetic on a given instant: no clock is read.
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) return undefined;
  return ms / MS_PER_DAY;
}

function minutes(time: string): number {
  const [h, m] = time.split(':');
  return Number(h) * 60 + Number(m);
}

function intervalSpan(i: WorkingInterval): Span {
  const start = minutes(i.from);
  return { start, end: minutes(i.to) + (i.nextDay ? MINUTES_PER_DAY : 0) };
}

function holidaySpan(h: Holiday): Span {
  return {
    start: h.from === undefined ? 0 : minutes(h.from),
    end: h.to === undefined ? MINUTES_PER_DAY : minutes(h.to),
  };
}

interface RuleProblem {
  path: (string | number)[];
  message: string;
}

/** What the shape alone cannot say: interval order, overlaps across the week, some working time. */
function calendarRuleProblems(calendar: BusinessCalendar): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const placed: { span: Span; path: (string | number)[] }[] = [];
  WEEKDAYS.forEach((day, dayIndex) => {
    (calendar.weeklyHours[day] ?? []).forEach((interval, i) => {
      const path = ['weeklyHours', day, i];
      const { start, end } = intervalSpan(interval);
      if (!interval.nextDay && end <= start) {
        problems.push({
          path: [...path, 'to'],
          message: `${interval.to} is not after ${interval.from}; an interval that runs past midnight needs nextDay: true`,
        });
      } else if (interval.nextDay && end > start + MINUTES_PER_DAY) {
        problems.push({
          path: [...path, 'to'],
          message: `${interval.from} to ${interval.to} the next day is longer than 24 hours`,
        });
      } else {
        const offset = dayIndex * MINUTES_PER_DAY;
        placed.push({ span: { start: offset + start, end: offset + end }, path });
      }
    });
  });
  if (placed.length === 0 && problems.length === 0) {
    problems.push({ path: ['weeklyHours'], message: 'no working time in the week: give at least one day an interval' });
  }
  placed.sort((a, b) => a.span.start - b.span.start);
  const week = WEEKDAYS.length * MINUTES_PER_DAY;
  const first = placed[0];
  placed.forEach((p, i) => {
    const next = placed[i + 1];
    if (next && next.span.start < p.span.end) {
      problems.push({ path: next.path, message: `overlaps ${fieldName(p.path)}` });
    }
    // Sunday's overnight interval runs into the next Monday.
    if (first && first !== p && p.span.end - week > first.span.start) {
      problems.push({ path: first.path, message: `overlaps ${fieldName(p.path)}, which runs past Sunday midnight` });
    }
  });
  (calendar.holidays ?? []).forEach((h, i) => {
    const { start, end } = holidaySpan(h);
    if (end <= start) {
      problems.push({
        path: ['holidays', i, h.to === undefined ? 'from' : 'to'],
        message: `closes nothing: ${h.from ?? '00:00'} to ${h.to ?? '24:00'}`,
      });
    }
  });
  return problems;
}

/** `weeklyHours.mon[1].to` from a zod path. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}
