// Validation: every problem names its field; calendars with no working time never reach the
// arithmetic, whichever function is called.
import { describe, expect, it } from 'vitest';
import {
  BusinessCalendarError,
  InvalidCalendarError,
  addBusinessTime,
  businessCalendarSchema,
  businessTimeBetween,
  dueWithPauses,
  isOpen,
  nextOpening,
  parseBusinessCalendar,
  slaClock,
} from '../src';
import type { BusinessCalendar, CalendarProblem } from '../src';
import { always, nights, office } from './fixtures';

const PARIS = 'Europe/Paris';
const valid = office(PARIS);

function problems(input: unknown): CalendarProblem[] {
  try {
    parseBusinessCalendar(input);
  } catch (err) {
    if (err instanceof InvalidCalendarError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('a valid calendar', () => {
  it.each([
    ['office hours', office(PARIS)],
    ['24/7', always('America/New_York')],
    ['night shifts', nights('Australia/Lord_Howe')],
    [
      'a split day',
      {
        timeZone: 'UTC',
        weeklyHours: {
          mon: [
            { from: '09:00', to: '12:00' },
            { from: '13:00', to: '17:30' },
          ],
        },
      },
    ],
    [
      'intervals touching across midnight',
      {
        timeZone: PARIS,
        weeklyHours: { mon: [{ from: '20:00', to: '24:00' }], tue: [{ from: '00:00', to: '02:00' }] },
      },
    ],
    ['a 24-hour span', { timeZone: PARIS, weeklyHours: { wed: [{ from: '09:00', to: '09:00', nextDay: true }] } }],
    [
      'an overnight span ending at midnight',
      { timeZone: PARIS, weeklyHours: { wed: [{ from: '18:00', to: '00:00', nextDay: true }] } },
    ],
    [
      'Sunday night into Monday',
      {
        timeZone: PARIS,
        weeklyHours: { sun: [{ from: '22:00', to: '06:00', nextDay: true }], mon: [{ from: '06:00', to: '12:00' }] },
      },
    ],
    [
      'holidays, whole and partial, twice on one date',
      office(PARIS, [
        { date: '2025-12-25', name: 'Christmas' },
        { date: '2025-12-24', from: '13:00' },
        { date: '2025-05-02', to: '12:00' },
        { date: '2025-05-02', from: '11:00', to: '14:00' },
        { date: '2024-02-29' },
      ]),
    ],
  ] satisfies [string, BusinessCalendar][])('%s', (_name, calendar) => {
    expect(problems(calendar)).toEqual([]);
    expect(parseBusinessCalendar(calendar)).toEqual(calendar);
    expect(businessCalendarSchema.safeParse(calendar).success).toBe(true);
  });
});

describe('an invalid calendar names the field', () => {
  const hours = (weeklyHours: unknown) => ({ timeZone: PARIS, weeklyHours });
  it.each([
    ['an unknown zone', { ...valid, timeZone: 'Europe/Pariss' }, 'timeZone', /IANA time zone/],
    ['an offset instead of a zone', { ...valid, timeZone: '+02:00' }, 'timeZone', /IANA time zone/],
    ['a missing zone', { weeklyHours: valid.weeklyHours }, 'timeZone', /expected string/],
    ['no working time at all', hours({}), 'weeklyHours', /no working time/],
    ['only empty days', hours({ mon: [], sun: [] }), 'weeklyHours', /no working time/],
    ['a misspelt weekday', hours({ monday: [{ from: '09:00', to: '18:00' }] }), 'weeklyHours', /monday/],
    ['a malformed time', hours({ mon: [{ from: '9:00', to: '18:00' }] }), 'weeklyHours.mon[0].from', /HH:MM/],
    ['24:00 as a start', hours({ mon: [{ from: '24:00', to: '24:00' }] }), 'weeklyHours.mon[0].from', /HH:MM/],
    ['minutes past 59', hours({ mon: [{ from: '09:00', to: '17:60' }] }), 'weeklyHours.mon[0].to', /HH:MM/],
    ['end before start', hours({ mon: [{ from: '22:00', to: '06:00' }] }), 'weeklyHours.mon[0].to', /nextDay: true/],
    ['an empty interval', hours({ tue: [{ from: '09:00', to: '09:00' }] }), 'weeklyHours.tue[0].to', /not after/],
    [
      'an overnight span over 24 hours',
      hours({ tue: [{ from: '09:00', to: '10:00', nextDay: true }] }),
      'weeklyHours.tue[0].to',
      /longer than 24 hours/,
    ],
    [
      'overlap within a day',
      hours({
        tue: [
          { from: '12:00', to: '14:00' },
          { from: '09:00', to: '12:30' },
        ],
      }),
      'weeklyHours.tue[0]',
      /overlaps weeklyHours\.tue\[1\]/,
    ],
    [
      'overlap from the night before',
      hours({ mon: [{ from: '22:00', to: '06:00', nextDay: true }], tue: [{ from: '05:00', to: '09:00' }] }),
      'weeklyHours.tue[0]',
      /overlaps weeklyHours\.mon\[0\]/,
    ],
    [
      'overlap from Sunday night into Monday',
      hours({ sun: [{ from: '22:00', to: '06:00', nextDay: true }], mon: [{ from: '05:59', to: '09:00' }] }),
      'weeklyHours.mon[0]',
      /past Sunday midnight/,
    ],
    [
      'an unknown interval field',
      hours({ mon: [{ from: '09:00', to: '18:00', overnight: true }] }),
      'weeklyHours.mon[0]',
      /overnight/,
    ],
    [
      'a holiday that does not exist',
      { ...valid, holidays: [{ date: '2025-02-29' }] },
      'holidays[0].date',
      /existing date/,
    ],
    [
      'a holiday written another way',
      { ...valid, holidays: [{ date: '25/12/2025' }] },
      'holidays[0].date',
      /YYYY-MM-DD/,
    ],
    [
      'a partial closure closing nothing',
      { ...valid, holidays: [{ date: '2025-12-24', from: '13:00', to: '12:00' }] },
      'holidays[0].to',
      /closes nothing/,
    ],
    ['an unknown calendar field', { ...valid, holiday: [] }, '', /holiday/],
  ])('%s', (_name, input, field, message) => {
    const found = problems(input);
    expect(found.map((p) => p.field)).toContain(field);
    expect(found.find((p) => p.field === field)?.message).toMatch(message);
  });

  it('lists every problem at once, in the error message too', () => {
    const input = {
      timeZone: 'Nowhere/City',
      weeklyHours: { mon: [{ from: '9', to: '18:00' }] },
      holidays: [{ date: '2025-13-01' }],
    };
    expect(problems(input).map((p) => p.field)).toEqual(['timeZone', 'weeklyHours.mon[0].from', 'holidays[0].date']);
    expect(() => parseBusinessCalendar(input)).toThrow(
      /timeZone: .*weeklyHours\.mon\[0\]\.from: .*holidays\[0\]\.date: /,
    );
  });
});

describe('every function refuses an invalid calendar with the same error', () => {
  const empty = { timeZone: PARIS, weeklyHours: {} } satisfies BusinessCalendar;
  const t = Date.UTC(2025, 0, 6, 12);
  it.each([
    ['addBusinessTime', () => addBusinessTime(empty, t, 1)],
    ['businessTimeBetween', () => businessTimeBetween(empty, t, t + 1)],
    ['isOpen', () => isOpen(empty, t)],
    ['nextOpening', () => nextOpening(empty, t)],
    ['dueWithPauses', () => dueWithPauses(empty, t, 1, [])],
    ['slaClock', () => slaClock(empty, t, 1, [], t)],
  ])('%s', (_name, call) => {
    expect(call).toThrow(InvalidCalendarError);
    expect(call).toThrow(BusinessCalendarError);
    expect(call).toThrow(/weeklyHours: no working time/);
  });
});
