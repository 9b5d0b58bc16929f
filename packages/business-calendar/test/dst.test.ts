// Clock changes, both ways, in three zones: Europe/Paris and America/New_York (one hour), and
// Australia/Lord_Howe (half an hour). In 2025:
//   Paris     30 Mar 02:00 → 03:00   26 Oct 03:00 → 02:00 (02:00–03:00 twice)
//   New York   9 Mar 02:00 → 03:00    2 Nov 02:00 → 01:00 (01:00–02:00 twice)
//   Lord Howe  5 Oct 02:00 → 02:30    6 Apr 02:00 → 01:30 (01:30–02:00 twice)
// Working time is elapsed time: a shift across a change lasts what the clocks on the wall say.
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween, isOpen, nextOpening } from '../src';
import type { BusinessCalendar, WorkingInterval } from '../src';
import { DAY, HOUR, MINUTE, always, at, office, show } from './fixtures';

const PARIS = 'Europe/Paris';
const NEW_YORK = 'America/New_York';
const LORD_HOWE = 'Australia/Lord_Howe';

function sundays(timeZone: string, interval: WorkingInterval): BusinessCalendar {
  return { timeZone, weeklyHours: { sun: [interval] } };
}

/** An instant on the Saturday before a Sunday `date`, in every zone here. */
const saturdayBefore = (sunday: string) => Date.parse(`${sunday}T00:00:00Z`) - 12 * HOUR;

describe('a Sunday open all day lasts as long as the clocks make it', () => {
  it.each([
    [PARIS, '2025-03-30', 23 * HOUR],
    [PARIS, '2025-10-26', 25 * HOUR],
    [PARIS, '2025-06-15', 24 * HOUR],
    [NEW_YORK, '2025-03-09', 23 * HOUR],
    [NEW_YORK, '2025-11-02', 25 * HOUR],
    [LORD_HOWE, '2025-10-05', 23.5 * HOUR],
    [LORD_HOWE, '2025-04-06', 24.5 * HOUR],
    [LORD_HOWE, '2025-06-15', 24 * HOUR],
  ])('%s on %s', (zone, sunday, length) => {
    const calendar = sundays(zone, { from: '00:00', to: '24:00' });
    const from = saturdayBefore(sunday);
    expect(businessTimeBetween(calendar, from, from + 2 * DAY)).toBe(length);
  });
});

describe('a night shift, Saturday 22:00 to Sunday 06:00, across the change', () => {
  it.each([
    [PARIS, 'Sat 2025-03-29', 7 * HOUR, 'Sun 2025-03-30 04:00 +02:00', 'Sun 2025-03-30 06:00 +02:00'],
    [PARIS, 'Sat 2025-10-25', 9 * HOUR, 'Sun 2025-10-26 02:00 +01:00', 'Sun 2025-10-26 06:00 +01:00'],
    [NEW_YORK, 'Sat 2025-03-08', 7 * HOUR, 'Sun 2025-03-09 04:00 -04:00', 'Sun 2025-03-09 06:00 -04:00'],
    [NEW_YORK, 'Sat 2025-11-01', 9 * HOUR, 'Sun 2025-11-02 02:00 -05:00', 'Sun 2025-11-02 06:00 -05:00'],
    [LORD_HOWE, 'Sat 2025-10-04', 7.5 * HOUR, 'Sun 2025-10-05 03:30 +11:00', 'Sun 2025-10-05 06:00 +11:00'],
    [LORD_HOWE, 'Sat 2025-04-05', 8.5 * HOUR, 'Sun 2025-04-06 02:30 +10:30', 'Sun 2025-04-06 06:00 +10:30'],
  ])('%s from %s: %d ms; 5 h in ends %s; the whole shift ends %s', (zone, saturday, length, fiveHoursIn, end) => {
    const calendar: BusinessCalendar = {
      timeZone: zone,
      weeklyHours: { sat: [{ from: '22:00', to: '06:00', nextDay: true }] },
    };
    const start = at(zone, `${saturday} 22:00`);
    expect(businessTimeBetween(calendar, start - HOUR, start + DAY)).toBe(length);
    expect(show(zone, addBusinessTime(calendar, start, 5 * HOUR))).toBe(fiveHoursIn);
    expect(show(zone, addBusinessTime(calendar, start, length))).toBe(end);
    expect(show(zone, addBusinessTime(calendar, start, length + 1))).toMatch(/^Sat .* 22:00:00\.001/);
  });
});

// A wall time the clock skips opens or closes at the jump (the first instant the clock reads later);
// a wall time it shows twice means its first occurrence.
describe('intervals starting or ending in a skipped or repeated wall time', () => {
  it.each([
    [PARIS, '2025-03-30', '02:30', '04:00', 'Sun 2025-03-30 03:00 +02:00', 'Sun 2025-03-30 04:00 +02:00', HOUR],
    [PARIS, '2025-03-30', '01:30', '02:30', 'Sun 2025-03-30 01:30 +01:00', 'Sun 2025-03-30 03:00 +02:00', 30 * MINUTE],
    [PARIS, '2025-10-26', '02:30', '04:00', 'Sun 2025-10-26 02:30 +02:00', 'Sun 2025-10-26 04:00 +01:00', 2.5 * HOUR],
    [PARIS, '2025-10-26', '00:00', '02:30', 'Sun 2025-10-26 00:00 +02:00', 'Sun 2025-10-26 02:30 +02:00', 2.5 * HOUR],
    [PARIS, '2025-10-26', '02:15', '02:45', 'Sun 2025-10-26 02:15 +02:00', 'Sun 2025-10-26 02:45 +02:00', 30 * MINUTE],
    [NEW_YORK, '2025-03-09', '02:30', '04:00', 'Sun 2025-03-09 03:00 -04:00', 'Sun 2025-03-09 04:00 -04:00', HOUR],
    [
      NEW_YORK,
      '2025-11-02',
      '01:30',
      '03:00',
      'Sun 2025-11-02 01:30 -04:00',
      'Sun 2025-11-02 03:00 -05:00',
      2.5 * HOUR,
    ],
    [
      NEW_YORK,
      '2025-11-02',
      '00:00',
      '01:30',
      'Sun 2025-11-02 00:00 -04:00',
      'Sun 2025-11-02 01:30 -04:00',
      1.5 * HOUR,
    ],
    [
      LORD_HOWE,
      '2025-10-05',
      '02:10',
      '03:00',
      'Sun 2025-10-05 02:30 +11:00',
      'Sun 2025-10-05 03:00 +11:00',
      30 * MINUTE,
    ],
    [LORD_HOWE, '2025-10-05', '01:00', '02:15', 'Sun 2025-10-05 01:00 +10:30', 'Sun 2025-10-05 02:30 +11:00', HOUR],
    [
      LORD_HOWE,
      '2025-04-06',
      '00:00',
      '01:45',
      'Sun 2025-04-06 00:00 +11:00',
      'Sun 2025-04-06 01:45 +11:00',
      1.75 * HOUR,
    ],
    [
      LORD_HOWE,
      '2025-04-06',
      '01:45',
      '03:00',
      'Sun 2025-04-06 01:45 +11:00',
      'Sun 2025-04-06 03:00 +10:30',
      1.75 * HOUR,
    ],
  ])('%s %s, %s–%s: opens %s, closes %s', (zone, sunday, from, to, opens, closes, length) => {
    const calendar = sundays(zone, { from, to });
    const before = saturdayBefore(sunday);
    const open = nextOpening(calendar, before);
    expect(show(zone, open)).toBe(opens);
    expect(businessTimeBetween(calendar, before, before + 2 * DAY)).toBe(length);
    expect(show(zone, addBusinessTime(calendar, open, length))).toBe(closes);
  });

  it.each([
    [PARIS, '2025-03-30', '02:00', '02:45', 'Sun 2025-04-06 02:00 +02:00'],
    [NEW_YORK, '2025-03-09', '02:00', '03:00', 'Sun 2025-03-16 02:00 -04:00'],
    [LORD_HOWE, '2025-10-05', '02:00', '02:20', 'Sun 2025-10-12 02:00 +11:00'],
  ])('%s %s, %s–%s lies wholly in the skipped time: closed that day, next open %s', (zone, sunday, from, to, next) => {
    const calendar = sundays(zone, { from, to });
    const before = saturdayBefore(sunday);
    expect(businessTimeBetween(calendar, before, before + 2 * DAY)).toBe(0);
    expect(show(zone, nextOpening(calendar, before))).toBe(next);
  });

  it.each([
    [PARIS, '02:30', '04:00', 'Sun 2025-10-26 02:15 +02:00', false],
    [PARIS, '02:30', '04:00', 'Sun 2025-10-26 02:15 +01:00', true],
    [PARIS, '00:00', '02:30', 'Sun 2025-10-26 02:15 +02:00', true],
    [PARIS, '00:00', '02:30', 'Sun 2025-10-26 02:15 +01:00', false],
    [NEW_YORK, '00:00', '01:30', 'Sun 2025-11-02 01:15 -04:00', true],
    [NEW_YORK, '00:00', '01:30', 'Sun 2025-11-02 01:15 -05:00', false],
    [LORD_HOWE, '00:00', '01:45', 'Sun 2025-04-06 01:40 +11:00', true],
    [LORD_HOWE, '00:00', '01:45', 'Sun 2025-04-06 01:40 +10:30', false],
    [LORD_HOWE, '02:10', '03:00', 'Sun 2025-10-05 01:59:59.999 +10:30', false],
    [LORD_HOWE, '02:10', '03:00', 'Sun 2025-10-05 02:30 +11:00', true],
  ])('%s %s–%s at %s: open %s', (zone, from, to, when, open) => {
    expect(isOpen(sundays(zone, { from, to }), at(zone, when))).toBe(open);
  });
});

describe('open all the time: a day of working time is 24 hours, whatever the wall clock says', () => {
  it.each([
    [PARIS, 'Sat 2025-03-29 12:00', 'Sun 2025-03-30 13:00 +02:00'],
    [PARIS, 'Sat 2025-10-25 12:00', 'Sun 2025-10-26 11:00 +01:00'],
    [NEW_YORK, 'Sat 2025-03-08 12:00', 'Sun 2025-03-09 13:00 -04:00'],
    [NEW_YORK, 'Sat 2025-11-01 12:00', 'Sun 2025-11-02 11:00 -05:00'],
    [LORD_HOWE, 'Sat 2025-10-04 12:00', 'Sun 2025-10-05 12:30 +11:00'],
    [LORD_HOWE, 'Sat 2025-04-05 12:00', 'Sun 2025-04-06 11:30 +10:30'],
  ])('%s: %s + 24 h = %s', (zone, from, due) => {
    expect(show(zone, addBusinessTime(always(zone), at(zone, from), DAY))).toBe(due);
  });
});

describe('office hours over the weekend of a change: Friday 17:55 + 1 h is Monday 09:55', () => {
  it.each([
    [PARIS, 'Fri 2025-03-28 17:55', 'Mon 2025-03-31 09:55 +02:00'],
    [PARIS, 'Fri 2025-10-24 17:55', 'Mon 2025-10-27 09:55 +01:00'],
    [NEW_YORK, 'Fri 2025-03-07 17:55', 'Mon 2025-03-10 09:55 -04:00'],
    [NEW_YORK, 'Fri 2025-10-31 17:55', 'Mon 2025-11-03 09:55 -05:00'],
    [LORD_HOWE, 'Fri 2025-10-03 17:55', 'Mon 2025-10-06 09:55 +11:00'],
    [LORD_HOWE, 'Fri 2025-04-04 17:55', 'Mon 2025-04-07 09:55 +10:30'],
  ])('%s: %s → %s', (zone, from, due) => {
    const calendar = office(zone);
    const start = at(zone, from);
    expect(show(zone, addBusinessTime(calendar, start, HOUR))).toBe(due);
    // Saturday to Saturday, the change on the Sunday between: still 45 working hours.
    expect(businessTimeBetween(calendar, start + DAY, start + 8 * DAY)).toBe(45 * HOUR);
  });

  it('a 9–18 day on the Sunday of the change is still 9 hours', () => {
    for (const [zone, sunday] of [
      [PARIS, '2025-03-30'],
      [PARIS, '2025-10-26'],
      [NEW_YORK, '2025-11-02'],
      [LORD_HOWE, '2025-10-05'],
    ] as const) {
      const before = saturdayBefore(sunday);
      expect(businessTimeBetween(sundays(zone, { from: '09:00', to: '18:00' }), before, before + 2 * DAY)).toBe(
        9 * HOUR,
      );
    }
  });
});
