export { addBusinessTime, businessTimeBetween, isOpen, nextOpening } from './arithmetic';
export { businessCalendarSchema, parseBusinessCalendar, WEEKDAYS } from './calendar';
export type { BusinessCalendar, Holiday, WeeklyHours, Weekday, WorkingInterval } from './calendar';
export { BeyondHorizonError, BusinessCalendarError, InvalidCalendarError } from './errors';
export type { CalendarProblem } from './errors';
export { HORIZON_DAYS } from './periods';
export { dueWithPauses, slaClock } from './sla';
export type { Pause, SlaClock } from './sla';
