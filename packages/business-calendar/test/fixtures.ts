// Calendars and a readable way to write instants: `Fri 2025-03-28 17:55` in a zone, with an explicit
// offset (`Sun 2025-11-02 01:30 -05:00`) where the wall time occurs twice. The weekday is checked,
// so a table row cannot name the wrong day without failing.
import { DateTime } from 'luxon';
import type { BusinessCalendar, Holiday, WeeklyHours, Weekday, WorkingInterval } from '../src';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

const WORKDAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const ALL_DAYS: Weekday[] = [...WORKDAYS, 'sat', 'sun'];

export function days(list: readonly Weekday[], ...intervals: WorkingInterval[]): WeeklyHours {
  return Object.fromEntries(list.map((d) => [d, intervals]));
}

/** Monday to Friday, 09:00–18:00. */
export function office(timeZone: string, holidays: Holiday[] = []): BusinessCalendar {
  return { timeZone, weeklyHours: days(WORKDAYS, { from: '09:00', to: '18:00' }), holidays };
}

export function always(timeZone: string, holidays: Holiday[] = []): BusinessCalendar {
  return { timeZone, weeklyHours: days(ALL_DAYS, { from: '00:00', to: '24:00' }), holidays };
}

/** Night shifts starting Monday to Friday, 22:00 to 06:00 the next morning. */
export function nights(timeZone: string, holidays: Holiday[] = []): BusinessCalendar {
  return { timeZone, weeklyHours: days(WORKDAYS, { from: '22:00', to: '06:00', nextDay: true }), holidays };
}

const WRITTEN =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(?::\d{2}(?:\.\d{3})?)?)(?: ([+-]\d{2}:\d{2}))?$/;

/** Epoch ms of a written local time in `zone`. */
export function at(zone: string, written: string): number {
  const m = WRITTEN.exec(written);
  if (!m) throw new Error(`write instants as "Fri 2025-03-28 17:55[:ss[.mmm]] [+hh:mm]": ${written}`);
  const [, weekday = '', date = '', time = '', offset] = m;
  const dt = offset
    ? DateTime.fromISO(`${date}T${time}${offset}`, { setZone: true }).setZone(zone)
    : DateTime.fromISO(`${date}T${time}`, { zone });
  if (!dt.isValid) throw new Error(`not a time: ${written}`);
  if (dt.toFormat('ccc') !== weekday) throw new Error(`${date} is a ${dt.toFormat('ccc')}, not a ${weekday}`);
  // A skipped wall time, or an offset the zone does not have then, reads differently back.
  if (dt.toFormat('yyyy-MM-dd HH:mm:ss.SSS') !== `${date} ${time}${':00.000'.slice(time.length - 5)}`) {
    throw new Error(`${written} does not occur in ${zone} (it is ${show(zone, dt.toMillis())})`);
  }
  // Luxon picks one of two occurrences from the current date's offset: make the table say which.
  if (!offset && dt.getPossibleOffsets().length !== 1)
    throw new Error(`${written} occurs twice in ${zone}: add the offset`);
  return dt.toMillis();
}

/** The same notation back, with the offset; seconds and milliseconds only when not zero. */
export function show(zone: string, ms: number): string {
  const dt = DateTime.fromMillis(ms, { zone });
  const precision = dt.millisecond ? 'HH:mm:ss.SSS' : dt.second ? 'HH:mm:ss' : 'HH:mm';
  return dt.toFormat(`ccc yyyy-MM-dd ${precision} ZZ`);
}
