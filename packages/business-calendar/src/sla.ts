// A service-level clock: working time counts toward the target except while the ticket waits on the
// requester (a pause). A pause still under way has no end; the clock then stands still at its start.
import { requireDuration, requireInstant } from './arithmetic';
import type { BusinessCalendar } from './calendar';
import { compileCalendar } from './calendar';
import { merge, without } from './intervals';
import { consume, sumUntil, workingPeriods } from './periods';
import type { Period } from './periods';

/** A stretch during which the clock stands still; `to` missing or null while it goes on. */
export interface Pause {
  from: number;
  to?: number | null;
}

export interface SlaClock {
  /** When the target is reached (an instant, perhaps past); null while a pause under way holds it. */
  dueAt: number | null;
  /** Working time counted between the start and `now`, outside pauses. */
  elapsedMs: number;
  /** The target less `elapsedMs`: negative once past due. */
  remainingMs: number;
  /** Whether `now` lies within a pause. */
  paused: boolean;
}

/**
 * The instant at which `targetMs` of working time outside `pauses` has passed since `start`, with the
 * same edge convention as addBusinessTime; null when a pause with no end began before that.
 */
export function dueWithPauses(
  calendar: BusinessCalendar,
  start: number,
  targetMs: number,
  pauses: readonly Pause[],
): number | null {
  requireInstant('start', start);
  requireDuration('targetMs', targetMs);
  return consume(countedPeriods(calendar, start, pauses), start, targetMs) ?? null;
}

/** The clock as it stands at `now`: when it is due, how much has run and is left, whether it waits. */
export function slaClock(
  calendar: BusinessCalendar,
  start: number,
  targetMs: number,
  pauses: readonly Pause[],
  now: number,
): SlaClock {
  requireInstant('now', now);
  const dueAt = dueWithPauses(calendar, start, targetMs, pauses);
  const elapsedMs = now <= start ? 0 : sumUntil(countedPeriods(calendar, start, pauses), now);
  const paused = pauses.some((p) => p.from <= now && (p.to == null || now < p.to));
  return { dueAt, elapsedMs, remainingMs: targetMs - elapsedMs, paused };
}

/** Working periods from `start` less the pauses; the stream ends where a pause with no end begins. */
function* countedPeriods(calendar: BusinessCalendar, start: number, pauses: readonly Pause[]): Generator<Period, void> {
  const cuts = mergedPauses(pauses);
  const endless = cuts.find((c) => c.end === Infinity);
  for (const period of workingPeriods(compileCalendar(calendar), start)) {
    if (endless && period.start >= endless.start) return;
    yield* without(period, cuts);
  }
}

function mergedPauses(pauses: readonly Pause[]): Period[] {
  const periods = pauses.map((p, i): Period => {
    requireInstant(`pauses[${i}].from`, p.from);
    if (p.to == null) return { start: p.from, end: Infinity };
    requireInstant(`pauses[${i}].to`, p.to);
    if (p.to < p.from) throw new RangeError(`pauses[${i}] ends (${p.to}) before it starts (${p.from})`);
    return { start: p.from, end: p.to };
  });
  return merge(periods);
}
