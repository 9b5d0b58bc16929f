// Working time on ordinary days, weekends, holidays and night shifts, as tables: the start, the
// duration, and the local instant it comes to.
import { describe, expect, it } from 'vitest';
import { BeyondHorizonError, HORIZON_DAYS, addBusinessTime, businessTimeBetween, isOpen, nextOpening } from '../src';
import type { BusinessCalendar } from '../src';
import { DAY, HOUR, MINUTE, WEEK, always, at, days, nights, office, show } from './fixtures';

type Row = [from: string, durationMs: number, due: string];

function checkAdd(calendar: BusinessCalendar, rows: Row[]): void {
  const zone = calendar.timeZone;
  it.each(rows)('%s + %d ms → %s', (from, duration, due) => {
    const start = at(zone, from);
    const end = addBusinessTime(calendar, start, duration);
    expect(show(zone, end)).toBe(due);
    expect(businessTimeBetween(calendar, start, end)).toBe(duration);
  });
}

function checkOpen(calendar: BusinessCalendar, rows: [when: string, open: boolean][]): void {
  it.each(rows)('at %s it is open: %s', (when, open) => {
    expect(isOpen(calendar, at(calendar.timeZone, when))).toBe(open);
  });
}

describe('the issue’s example: submitted Friday 17:55, a 1-hour target in a 9–18 Mon–Fri calendar', () => {
  it.each([
    ['Europe/Paris', 'Fri 2025-06-13 17:55', 'Mon 2025-06-16 09:55 +02:00'],
    ['America/New_York', 'Fri 2025-06-13 17:55', 'Mon 2025-06-16 09:55 -04:00'],
    ['Australia/Lord_Howe', 'Fri 2025-06-13 17:55', 'Mon 2025-06-16 09:55 +10:30'],
    ['Asia/Kolkata', 'Fri 2025-06-13 17:55', 'Mon 2025-06-16 09:55 +05:30'],
  ])('in %s it is due Monday 09:55', (zone, from, due) => {
    expect(show(zone, addBusinessTime(office(zone), at(zone, from), HOUR))).toBe(due);
  });
});

describe('office hours, Europe/Paris', () => {
  checkAdd(office('Europe/Paris'), [
    // inside, before, at the edges, after
    ['Tue 2025-06-10 10:00', 2 * HOUR, 'Tue 2025-06-10 12:00 +02:00'],
    ['Tue 2025-06-10 07:00', HOUR, 'Tue 2025-06-10 10:00 +02:00'],
    ['Tue 2025-06-10 09:00', HOUR, 'Tue 2025-06-10 10:00 +02:00'],
    ['Tue 2025-06-10 08:59:59.999', 1, 'Tue 2025-06-10 09:00:00.001 +02:00'],
    ['Tue 2025-06-10 17:00', HOUR, 'Tue 2025-06-10 18:00 +02:00'],
    ['Tue 2025-06-10 17:59:59.999', 1, 'Tue 2025-06-10 18:00 +02:00'],
    ['Tue 2025-06-10 17:59:59.999', 2, 'Wed 2025-06-11 09:00:00.001 +02:00'],
    ['Tue 2025-06-10 18:00', HOUR, 'Wed 2025-06-11 10:00 +02:00'],
    ['Tue 2025-06-10 20:00', 30 * MINUTE, 'Wed 2025-06-11 09:30 +02:00'],
    ['Tue 2025-06-10 09:00', 9 * HOUR, 'Tue 2025-06-10 18:00 +02:00'],
    ['Tue 2025-06-10 09:00', 9 * HOUR + 1, 'Wed 2025-06-11 09:00:00.001 +02:00'],
    // zero: due at once, open or not
    ['Tue 2025-06-10 10:00', 0, 'Tue 2025-06-10 10:00 +02:00'],
    ['Sat 2025-06-14 12:00', 0, 'Sat 2025-06-14 12:00 +02:00'],
    ['Tue 2025-06-10 18:00', 0, 'Tue 2025-06-10 18:00 +02:00'],
    // waits across the weekend
    ['Fri 2025-06-13 17:55', HOUR, 'Mon 2025-06-16 09:55 +02:00'],
    ['Fri 2025-06-13 18:00', HOUR, 'Mon 2025-06-16 10:00 +02:00'],
    ['Sat 2025-06-14 12:00', HOUR, 'Mon 2025-06-16 10:00 +02:00'],
    ['Sun 2025-06-15 23:59', MINUTE, 'Mon 2025-06-16 09:01 +02:00'],
    ['Fri 2025-06-13 09:00', 9 * HOUR, 'Fri 2025-06-13 18:00 +02:00'],
    // weeks: 45 working hours a week
    ['Mon 2025-06-09 09:00', 45 * HOUR, 'Fri 2025-06-13 18:00 +02:00'],
    ['Mon 2025-06-09 09:00', 45 * HOUR + MINUTE, 'Mon 2025-06-16 09:01 +02:00'],
    ['Wed 2025-06-11 13:00', 3 * 45 * HOUR, 'Wed 2025-07-02 13:00 +02:00'],
    ['Sat 2025-06-14 03:00', 10 * 45 * HOUR, 'Fri 2025-08-22 18:00 +02:00'],
    // across both of the year's clock changes (Sundays, outside these hours): still 45 h a week
    ['Fri 2025-03-28 17:55', HOUR, 'Mon 2025-03-31 09:55 +02:00'],
    ['Fri 2025-10-24 17:55', HOUR, 'Mon 2025-10-27 09:55 +01:00'],
    ['Mon 2025-03-24 09:00', 2 * 45 * HOUR, 'Fri 2025-04-04 18:00 +02:00'],
  ]);
});

describe('holidays, whole and partial', () => {
  const calendar = office('Europe/Paris', [
    { date: '2025-04-21', name: 'Easter Monday' },
    { date: '2025-12-24', name: 'Christmas Eve, closing early', from: '13:00' },
    { date: '2025-12-25', name: 'Christmas' },
    { date: '2025-12-31', from: '16:00' },
    { date: '2026-01-01' },
    { date: '2026-01-02', name: 'opening late', to: '11:00' },
    { date: '2025-07-15', name: 'a closed lunch', from: '12:00', to: '14:00' },
    { date: '2025-07-15', name: 'overlapping closure', from: '13:00', to: '15:00' },
  ]);
  checkAdd(calendar, [
    ['Fri 2025-04-18 17:55', HOUR, 'Tue 2025-04-22 09:55 +02:00'],
    ['Mon 2025-04-21 10:00', HOUR, 'Tue 2025-04-22 10:00 +02:00'],
    ['Wed 2025-12-24 12:30', HOUR, 'Fri 2025-12-26 09:30 +01:00'],
    ['Wed 2025-12-24 12:00', HOUR, 'Wed 2025-12-24 13:00 +01:00'],
    ['Tue 2025-12-23 17:00', 5 * HOUR, 'Wed 2025-12-24 13:00 +01:00'],
    ['Wed 2025-12-31 15:00', 2 * HOUR, 'Fri 2026-01-02 12:00 +01:00'],
    ['Wed 2025-12-31 15:00', HOUR, 'Wed 2025-12-31 16:00 +01:00'],
    ['Fri 2026-01-02 08:00', HOUR, 'Fri 2026-01-02 12:00 +01:00'],
    ['Tue 2025-07-15 11:00', 2 * HOUR, 'Tue 2025-07-15 16:00 +02:00'],
    ['Tue 2025-07-15 13:30', HOUR, 'Tue 2025-07-15 16:00 +02:00'],
    // the whole season, 23 Dec 17:00 to 5 Jan: 1 + 4 + 9 (26th) + 9 + 9 + 7 (31st) + 7 (2nd) + 9 hours
    ['Tue 2025-12-23 17:00', 55 * HOUR, 'Mon 2026-01-05 18:00 +01:00'],
  ]);

  checkOpen(calendar, [
    ['Mon 2025-04-21 12:00', false],
    ['Wed 2025-12-24 12:59', true],
    ['Wed 2025-12-24 13:00', false],
    ['Fri 2026-01-02 10:59', false],
    ['Fri 2026-01-02 11:00', true],
    ['Tue 2025-07-15 11:59', true],
    ['Tue 2025-07-15 14:30', false],
    ['Tue 2025-07-15 15:00', true],
  ]);

  it('holidays only ever delay: a Monday-only calendar with every Monday of two years off', () => {
    const mondays = Array.from({ length: 104 }, (_, i) =>
      new Date(Date.UTC(2025, 0, 6) + i * WEEK).toISOString().slice(0, 10),
    );
    const calendar: BusinessCalendar = {
      timeZone: 'Europe/Paris',
      weeklyHours: { mon: [{ from: '09:00', to: '10:00' }] },
      holidays: mondays.map((date) => ({ date })),
    };
    expect(mondays.at(-1)).toBe('2026-12-28');
    expect(show('Europe/Paris', addBusinessTime(calendar, at('Europe/Paris', 'Wed 2025-01-01 00:00'), HOUR))).toBe(
      'Mon 2027-01-04 10:00 +01:00',
    );
  });
});

describe('night shifts across midnight (22:00–06:00, starting Monday to Friday)', () => {
  const calendar = nights('Europe/Paris', [{ date: '2025-12-25' }]);
  checkAdd(calendar, [
    ['Mon 2025-06-09 23:00', 2 * HOUR, 'Tue 2025-06-10 01:00 +02:00'],
    ['Mon 2025-06-09 21:00', 2 * HOUR, 'Tue 2025-06-10 00:00 +02:00'],
    ['Tue 2025-06-10 05:00', 2 * HOUR, 'Tue 2025-06-10 23:00 +02:00'],
    ['Tue 2025-06-10 05:00', HOUR, 'Tue 2025-06-10 06:00 +02:00'],
    ['Sat 2025-06-14 05:00', 2 * HOUR, 'Mon 2025-06-16 23:00 +02:00'],
    ['Sun 2025-06-15 03:00', HOUR, 'Mon 2025-06-16 23:00 +02:00'],
    ['Mon 2025-06-16 03:00', HOUR, 'Mon 2025-06-16 23:00 +02:00'],
    ['Mon 2025-06-16 22:00', 5 * 8 * HOUR, 'Sat 2025-06-21 06:00 +02:00'],
    // a holiday cuts the shift that runs into it and closes the one that starts on it
    ['Wed 2025-12-24 23:00', 2 * HOUR, 'Fri 2025-12-26 01:00 +01:00'],
    ['Wed 2025-12-24 22:00', 2 * HOUR, 'Thu 2025-12-25 00:00 +01:00'],
    ['Wed 2025-12-24 22:00', 2 * HOUR + 1, 'Fri 2025-12-26 00:00:00.001 +01:00'],
  ]);

  checkOpen(calendar, [
    ['Mon 2025-06-09 22:00', true],
    ['Tue 2025-06-10 05:59', true],
    ['Tue 2025-06-10 06:00', false],
    ['Sat 2025-06-14 05:59', true],
    ['Sun 2025-06-15 23:00', false],
    ['Mon 2025-06-16 03:00', false],
    ['Thu 2025-12-25 00:00', false],
    ['Thu 2025-12-25 23:00', false],
    ['Fri 2025-12-26 00:00', true],
  ]);

  it('an interval to 24:00 and one from 00:00 count as one stretch', () => {
    const joined: BusinessCalendar = {
      timeZone: 'Europe/Paris',
      weeklyHours: { mon: [{ from: '20:00', to: '24:00' }], tue: [{ from: '00:00', to: '02:00' }] },
    };
    const from = at('Europe/Paris', 'Mon 2025-06-09 23:00');
    expect(show('Europe/Paris', addBusinessTime(joined, from, 2 * HOUR))).toBe('Tue 2025-06-10 01:00 +02:00');
    expect(isOpen(joined, at('Europe/Paris', 'Tue 2025-06-10 00:00'))).toBe(true);
    expect(
      businessTimeBetween(
        joined,
        at('Europe/Paris', 'Mon 2025-06-09 00:00'),
        at('Europe/Paris', 'Wed 2025-06-11 00:00'),
      ),
    ).toBe(6 * HOUR);
  });
});

describe('businessTimeBetween', () => {
  const calendar = office('America/New_York', [{ date: '2025-07-04' }]);
  const zone = calendar.timeZone;
  it.each([
    ['Tue 2025-06-10 10:00', 'Tue 2025-06-10 12:30', 150 * MINUTE],
    ['Tue 2025-06-10 07:00', 'Tue 2025-06-10 20:00', 9 * HOUR],
    ['Fri 2025-06-13 17:00', 'Mon 2025-06-16 10:00', 2 * HOUR],
    ['Sat 2025-06-14 00:00', 'Sun 2025-06-15 23:59', 0],
    ['Tue 2025-06-10 18:00', 'Wed 2025-06-11 09:00', 0],
    ['Tue 2025-06-10 12:00', 'Tue 2025-06-10 12:00', 0],
    ['Mon 2025-06-02 00:00', 'Mon 2025-06-30 00:00', 4 * 45 * HOUR],
    ['Mon 2025-06-30 00:00', 'Mon 2025-07-07 00:00', 36 * HOUR],
    ['Mon 2025-03-03 00:00', 'Mon 2025-03-17 00:00', 90 * HOUR],
    ['Mon 2025-10-27 00:00', 'Mon 2025-11-10 00:00', 90 * HOUR],
  ])('from %s to %s: %d ms, and the negative the other way', (from, to, expected) => {
    expect(businessTimeBetween(calendar, at(zone, from), at(zone, to))).toBe(expected);
    expect(businessTimeBetween(calendar, at(zone, to), at(zone, from))).toBe(expected === 0 ? 0 : -expected);
  });
});

describe('isOpen and nextOpening at the edges', () => {
  const calendar: BusinessCalendar = {
    timeZone: 'Europe/Paris',
    weeklyHours: days(
      ['mon', 'tue', 'wed', 'thu', 'fri'],
      { from: '09:00', to: '12:00' },
      { from: '13:00', to: '17:30' },
    ),
  };
  it.each([
    ['Tue 2025-06-10 08:59:59.999', false, 'Tue 2025-06-10 09:00 +02:00'],
    ['Tue 2025-06-10 09:00', true, 'Tue 2025-06-10 09:00 +02:00'],
    ['Tue 2025-06-10 11:59:59.999', true, 'Tue 2025-06-10 11:59:59.999 +02:00'],
    ['Tue 2025-06-10 12:00', false, 'Tue 2025-06-10 13:00 +02:00'],
    ['Tue 2025-06-10 12:30', false, 'Tue 2025-06-10 13:00 +02:00'],
    ['Tue 2025-06-10 13:00', true, 'Tue 2025-06-10 13:00 +02:00'],
    ['Tue 2025-06-10 17:30', false, 'Wed 2025-06-11 09:00 +02:00'],
    ['Fri 2025-06-13 17:30', false, 'Mon 2025-06-16 09:00 +02:00'],
    ['Sun 2025-06-15 12:00', false, 'Mon 2025-06-16 09:00 +02:00'],
  ])('at %s: open %s, next opening %s', (when, open, next) => {
    const t = at('Europe/Paris', when);
    expect(isOpen(calendar, t)).toBe(open);
    expect(show('Europe/Paris', nextOpening(calendar, t))).toBe(next);
  });

  it('a lunch break splits a duration', () => {
    const t = at('Europe/Paris', 'Tue 2025-06-10 11:30');
    expect(show('Europe/Paris', addBusinessTime(calendar, t, HOUR))).toBe('Tue 2025-06-10 13:30 +02:00');
    expect(show('Europe/Paris', addBusinessTime(calendar, t, 30 * MINUTE))).toBe('Tue 2025-06-10 12:00 +02:00');
  });
});

describe('open all the time', () => {
  it.each(['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'UTC'])(
    'in %s working time is elapsed time, clock changes included',
    (zone) => {
      const calendar = always(zone);
      for (const from of [
        Date.UTC(2025, 2, 29),
        Date.UTC(2025, 3, 5),
        Date.UTC(2025, 9, 4),
        Date.UTC(2025, 9, 25),
        Date.UTC(2025, 10, 1, 7, 13),
      ]) {
        for (const d of [0, 1, HOUR, DAY, 3 * WEEK + 17]) {
          expect(addBusinessTime(calendar, from, d)).toBe(from + d);
          expect(businessTimeBetween(calendar, from, from + d)).toBe(d);
        }
        expect(isOpen(calendar, from)).toBe(true);
        expect(nextOpening(calendar, from)).toBe(from);
      }
    },
  );

  it('a holiday closes even a 24/7 calendar, from local midnight to midnight', () => {
    const calendar = always('America/New_York', [{ date: '2025-11-02' }]);
    const from = at('America/New_York', 'Sat 2025-11-01 23:00');
    // Sunday 2 November lasts 25 hours there: the clocks go back.
    expect(show('America/New_York', addBusinessTime(calendar, from, 2 * HOUR))).toBe('Mon 2025-11-03 01:00 -05:00');
    expect(businessTimeBetween(calendar, from, from + 2 * DAY)).toBe(2 * DAY - 25 * HOUR);
  });
});

describe('limits', () => {
  const calendar = office('Europe/Paris');
  const t = at('Europe/Paris', 'Tue 2025-06-10 10:00');

  it('refuses negative or non-finite durations and instants', () => {
    expect(() => addBusinessTime(calendar, t, -1)).toThrow(RangeError);
    expect(() => addBusinessTime(calendar, t, Number.NaN)).toThrow(/durationMs/);
    expect(() => addBusinessTime(calendar, Number.POSITIVE_INFINITY, 1)).toThrow(/from must be an instant/);
    expect(() => businessTimeBetween(calendar, t, Number.NaN)).toThrow(/to must be an instant/);
    expect(() => isOpen(calendar, Number.NaN)).toThrow(RangeError);
    expect(() => nextOpening(calendar, Number.NaN)).toThrow(RangeError);
  });

  it('answers years ahead, and past the horizon refuses quickly instead of searching', () => {
    const years = addBusinessTime(calendar, t, 9 * 52 * 45 * HOUR);
    expect(years - t).toBeGreaterThan(8.9 * 365 * DAY);
    const started = performance.now();
    expect(() => addBusinessTime(calendar, t, 11 * 52 * 45 * HOUR)).toThrow(BeyondHorizonError);
    expect(() => addBusinessTime(always('UTC'), t, (HORIZON_DAYS + 2) * DAY)).toThrow(/more than 3660 days after/);
    expect(() => businessTimeBetween(calendar, t, t + (HORIZON_DAYS + 2) * DAY)).toThrow(BeyondHorizonError);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
