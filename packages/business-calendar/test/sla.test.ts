// The SLA clock: working time counts toward the target except during pauses (the ticket waiting on
// the requester); a pause still under way holds the clock, and the due instant is unknown until it ends.
import { describe, expect, it } from 'vitest';
import { addBusinessTime, dueWithPauses, slaClock } from '../src';
import type { Pause } from '../src';
import { HOUR, MINUTE, at, office, show } from './fixtures';

const ZONE = 'Europe/Paris';
const calendar = office(ZONE, [{ date: '2025-06-09', name: 'Whit Monday' }]);
const t = (written: string) => at(ZONE, written);
const pause = (from: string, to?: string): Pause => (to ? { from: t(from), to: t(to) } : { from: t(from) });

describe('dueWithPauses', () => {
  it.each<[string, string, number, Pause[], string | null]>([
    ['no pause: the same as addBusinessTime', 'Tue 2025-06-10 09:00', 4 * HOUR, [], 'Tue 2025-06-10 13:00 +02:00'],
    [
      'a pause in working hours delays by its length',
      'Tue 2025-06-10 09:00',
      4 * HOUR,
      [pause('Tue 2025-06-10 10:00', 'Tue 2025-06-10 11:00')],
      'Tue 2025-06-10 14:00 +02:00',
    ],
    [
      'a pause outside working hours changes nothing',
      'Tue 2025-06-10 09:00',
      4 * HOUR,
      [pause('Tue 2025-06-10 19:00', 'Wed 2025-06-11 08:00')],
      'Tue 2025-06-10 13:00 +02:00',
    ],
    [
      'a pause over the night counts only its working part',
      'Tue 2025-06-10 16:00',
      4 * HOUR,
      [pause('Tue 2025-06-10 17:00', 'Wed 2025-06-11 10:00')],
      'Wed 2025-06-11 13:00 +02:00',
    ],
    [
      'waiting over a weekend: the clock resumes when the requester answers',
      'Fri 2025-06-13 17:00',
      2 * HOUR,
      [pause('Fri 2025-06-13 17:30', 'Mon 2025-06-16 10:00')],
      'Mon 2025-06-16 11:30 +02:00',
    ],
    [
      'waiting over a weekend and a holiday',
      'Fri 2025-06-06 17:30',
      HOUR,
      [pause('Fri 2025-06-06 17:45', 'Tue 2025-06-10 09:30')],
      'Tue 2025-06-10 10:15 +02:00',
    ],
    [
      'two pauses',
      'Tue 2025-06-10 09:00',
      4 * HOUR,
      [pause('Tue 2025-06-10 10:00', 'Tue 2025-06-10 11:00'), pause('Tue 2025-06-10 12:00', 'Tue 2025-06-10 12:30')],
      'Tue 2025-06-10 14:30 +02:00',
    ],
    [
      'overlapping pauses in any order count once',
      'Tue 2025-06-10 09:00',
      4 * HOUR,
      [pause('Tue 2025-06-10 10:30', 'Tue 2025-06-10 11:00'), pause('Tue 2025-06-10 10:00', 'Tue 2025-06-10 10:45')],
      'Tue 2025-06-10 14:00 +02:00',
    ],
    [
      'a pause before the start is ignored',
      'Tue 2025-06-10 09:00',
      HOUR,
      [pause('Mon 2025-06-02 10:00', 'Mon 2025-06-02 17:00')],
      'Tue 2025-06-10 10:00 +02:00',
    ],
    [
      'a pause under way at the start holds it until it ends',
      'Tue 2025-06-10 09:00',
      HOUR,
      [pause('Mon 2025-06-02 10:00', 'Tue 2025-06-10 15:00')],
      'Tue 2025-06-10 16:00 +02:00',
    ],
    [
      'an empty pause changes nothing',
      'Tue 2025-06-10 09:00',
      HOUR,
      [pause('Tue 2025-06-10 09:30', 'Tue 2025-06-10 09:30')],
      'Tue 2025-06-10 10:00 +02:00',
    ],
    [
      'the target met as a pause begins is due then',
      'Tue 2025-06-10 09:00',
      HOUR,
      [pause('Tue 2025-06-10 10:00')],
      'Tue 2025-06-10 10:00 +02:00',
    ],
    [
      'the target met before a pause under way is due then (already late when the wait began)',
      'Tue 2025-06-10 09:00',
      HOUR,
      [pause('Tue 2025-06-10 14:00')],
      'Tue 2025-06-10 10:00 +02:00',
    ],
    [
      'a pause under way holds the clock: no due instant yet',
      'Tue 2025-06-10 09:00',
      4 * HOUR,
      [pause('Tue 2025-06-10 10:00')],
      null,
    ],
    ['a pause under way since before the start', 'Tue 2025-06-10 09:00', HOUR, [pause('Mon 2025-06-02 10:00')], null],
    [
      'a zero target is due at the start, paused or not',
      'Tue 2025-06-10 09:00',
      0,
      [pause('Mon 2025-06-02 10:00')],
      'Tue 2025-06-10 09:00 +02:00',
    ],
    [
      'a wait that ended, then another under way, after the target',
      'Tue 2025-06-10 09:00',
      2 * HOUR,
      [pause('Tue 2025-06-10 09:30', 'Tue 2025-06-10 10:00'), pause('Tue 2025-06-10 16:00')],
      'Tue 2025-06-10 11:30 +02:00',
    ],
  ])('%s', (_name, start, target, pauses, due) => {
    const answer = dueWithPauses(calendar, t(start), target, pauses);
    expect(answer === null ? null : show(ZONE, answer)).toBe(due);
  });

  it('pauses only ever delay, and without any it is addBusinessTime', () => {
    const start = t('Wed 2025-06-11 11:11');
    for (const target of [0, 1, MINUTE, HOUR, 30 * HOUR]) {
      const plain = addBusinessTime(calendar, start, target);
      expect(dueWithPauses(calendar, start, target, [])).toBe(plain);
      expect(
        dueWithPauses(calendar, start, target, [pause('Wed 2025-06-11 12:00', 'Thu 2025-06-12 12:00')]),
      ).toBeGreaterThanOrEqual(plain);
    }
  });

  it('refuses a pause that ends before it starts, and bad numbers', () => {
    const start = t('Tue 2025-06-10 09:00');
    expect(() => dueWithPauses(calendar, start, HOUR, [pause('Tue 2025-06-10 11:00', 'Tue 2025-06-10 10:00')])).toThrow(
      /pauses\[0\] ends .* before it starts/,
    );
    expect(() => dueWithPauses(calendar, start, HOUR, [{ from: Number.NaN }])).toThrow(/pauses\[0\]\.from/);
    expect(() => dueWithPauses(calendar, start, -1, [])).toThrow(/targetMs/);
    expect(() => dueWithPauses(calendar, Number.NaN, 1, [])).toThrow(/start/);
  });
});

describe('slaClock: the clock as it stands now', () => {
  const start = t('Tue 2025-06-10 09:00');
  const target = 4 * HOUR;

  it.each<[string, Pause[], string, { dueAt: string | null; elapsedMs: number; remainingMs: number; paused: boolean }]>(
    [
      [
        'before the start',
        [],
        'Mon 2025-06-02 10:00',
        { dueAt: 'Tue 2025-06-10 13:00 +02:00', elapsedMs: 0, remainingMs: target, paused: false },
      ],
      [
        'running',
        [],
        'Tue 2025-06-10 10:30',
        { dueAt: 'Tue 2025-06-10 13:00 +02:00', elapsedMs: 1.5 * HOUR, remainingMs: 2.5 * HOUR, paused: false },
      ],
      [
        'past due',
        [],
        'Wed 2025-06-11 10:00',
        { dueAt: 'Tue 2025-06-10 13:00 +02:00', elapsedMs: 10 * HOUR, remainingMs: -6 * HOUR, paused: false },
      ],
      [
        'waiting on the requester',
        [pause('Tue 2025-06-10 10:00')],
        'Wed 2025-06-11 15:00',
        { dueAt: null, elapsedMs: HOUR, remainingMs: 3 * HOUR, paused: true },
      ],
      [
        'resumed',
        [pause('Tue 2025-06-10 10:00', 'Wed 2025-06-11 14:00')],
        'Wed 2025-06-11 15:00',
        { dueAt: 'Wed 2025-06-11 17:00 +02:00', elapsedMs: 2 * HOUR, remainingMs: 2 * HOUR, paused: false },
      ],
      [
        'at the instant a pause ends',
        [pause('Tue 2025-06-10 10:00', 'Tue 2025-06-10 11:00')],
        'Tue 2025-06-10 11:00',
        { dueAt: 'Tue 2025-06-10 14:00 +02:00', elapsedMs: HOUR, remainingMs: 3 * HOUR, paused: false },
      ],
      [
        'at the instant a pause begins',
        [pause('Tue 2025-06-10 10:00', 'Tue 2025-06-10 11:00')],
        'Tue 2025-06-10 10:00',
        { dueAt: 'Tue 2025-06-10 14:00 +02:00', elapsedMs: HOUR, remainingMs: 3 * HOUR, paused: true },
      ],
    ],
  )('%s', (_name, pauses, now, expected) => {
    const clock = slaClock(calendar, start, target, pauses, t(now));
    expect({ ...clock, dueAt: clock.dueAt === null ? null : show(ZONE, clock.dueAt) }).toEqual(expected);
  });
});
