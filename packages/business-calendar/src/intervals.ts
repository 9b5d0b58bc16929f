// Closed-open intervals of numbers: minutes of a day in the calendar, instants in the arithmetic.

/** `start` inclusive, `end` exclusive. */
export interface Interval {
  start: number;
  end: number;
}

/** Sorted, with overlapping or touching intervals joined. */
export function merge(intervals: readonly Interval[]): Interval[] {
  const merged: Interval[] = [];
  for (const i of [...intervals].sort((a, b) => a.start - b.start)) {
    const last = merged[merged.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else merged.push({ ...i });
  }
  return merged;
}

/** What is left of `interval` once `cuts` (sorted, not overlapping) are taken out; empty pieces dropped. */
export function without(interval: Interval, cuts: readonly Interval[]): Interval[] {
  const pieces: Interval[] = [];
  let start = interval.start;
  for (const cut of cuts) {
    if (cut.end <= start || cut.start >= interval.end) continue;
    if (cut.start > start) pieces.push({ start, end: cut.start });
    start = Math.max(start, cut.end);
  }
  if (start < interval.end) pieces.push({ start, end: interval.end });
  return pieces;
}
