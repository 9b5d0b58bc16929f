// What can go wrong with business-hours arithmetic. Callers map these to their own answers (the
// gateway to a 400 naming the field); none of them is worth retrying.

export interface CalendarProblem {
  /** Where in the calendar, as a path: `weeklyHours.mon[1].to`, `holidays[0].date`, `timeZone`. */
  field: string;
  message: string;
}

export class BusinessCalendarError extends Error {
  override name = 'BusinessCalendarError';
}

/** The calendar does not describe working time that can be computed with; `problems` says where. */
export class InvalidCalendarError extends BusinessCalendarError {
  override name = 'InvalidCalendarError';
  constructor(readonly problems: readonly CalendarProblem[]) {
    super(`Invalid business calendar: ${problems.map((p) => `${p.field || '(calendar)'}: ${p.message}`).join('; ')}`);
  }
}

/**
 * The answer lies further than the arithmetic looks (see HORIZON_DAYS). Refusing keeps every call
 * bounded in time, which workflow code needs: a task that computes for seconds is a deadlock to it.
 */
export class BeyondHorizonError extends BusinessCalendarError {
  override name = 'BeyondHorizonError';
}
