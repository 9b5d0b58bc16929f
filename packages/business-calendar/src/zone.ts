// Local wall-clock time ↔ instants in one IANA zone. Luxon supplies the zone's offsets (from the
// Intl time-zone data, which the workflow sandbox has too). Local → instant is resolved here, not
// with DateTime.fromObject: luxon resolves a repeated wall time from a guess taken at the current
// time (Settings.now), so its answer could change with the season the code runs in.
import type { IANAZone } from 'luxon';
import { MINUTES_PER_DAY, MS_PER_DAY, MS_PER_MINUTE } from './units';

export class WallClock {
  /** Offset (minutes) at the UTC midnight that starts each day number; one call answers a whole day. */
  private readonly probes = new Map<number, number>();

  constructor(private readonly zone: IANAZone) {}

  /** The zone's offset from UTC at an instant, in minutes. */
  offsetAt(instant: number): number {
    const offset = this.zone.offset(instant);
    if (!Number.isFinite(offset)) throw new RangeError(`no time-zone offset for ${this.zone.name} at ${instant}`);
    return offset;
  }

  /** The local day number (days since 1970-01-01 in the zone) of an instant. */
  dayOf(instant: number): number {
    return Math.floor((instant + this.offsetAt(instant) * MS_PER_MINUTE) / MS_PER_DAY);
  }

  /**
   * The instant at which the local clock reads `minute` minutes after the midnight that starts
   * `day` (past 1440 it is a time of a later day). A wall time that occurs twice (the clock is set
   * back) is its first occurrence; one that never occurs (the clock jumps forward over it) is the
   * instant of the jump, the first instant the clock reads later. So the mapping never goes back.
   */
  toInstant(day: number, minute: number): number {
    const d = day + Math.floor(minute / MINUTES_PER_DAY);
    const wall = d * MS_PER_DAY + (minute - (d - day) * MINUTES_PER_DAY) * MS_PER_MINUTE;
    // Any instant the clock reads `wall` at lies within 14 hours of it. Assumes the offset changes
    // at most once in the three days around it, which holds for every zone's rules in use.
    const before = this.probe(d - 1);
    const after = this.probe(d + 2);
    if (before === after) return wall - before * MS_PER_MINUTE;
    const candidates = [wall - Math.max(before, after) * MS_PER_MINUTE, wall - Math.min(before, after) * MS_PER_MINUTE];
    for (const t of candidates) {
      if ((wall - t) / MS_PER_MINUTE === this.offsetAt(t)) return t;
    }
    return this.changeBetween(candidates[0] as number, candidates[1] as number);
  }

  private probe(day: number): number {
    let offset = this.probes.get(day);
    if (offset === undefined) {
      offset = this.offsetAt(day * MS_PER_DAY);
      this.probes.set(day, offset);
    }
    return offset;
  }

  /** The first instant in (lo, hi] whose offset differs from the one at lo. */
  private changeBetween(lo: number, hi: number): number {
    const initial = this.offsetAt(lo);
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offsetAt(mid) === initial) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}
