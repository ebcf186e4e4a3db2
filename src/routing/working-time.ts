import { isWorkingDay, type WorkCalendar } from './calendar.js';
import { addDays, fromLocal, minutesOf, toLocal } from '../time/zoned-time.js';

/**
 * Time limits (承诺时限) counted in working time: only working hours of working days count. A
 * department has its own working hours; the calendar says which days are working days.
 */
export interface WorkingTimeOptions {
  calendar: WorkCalendar;
  timeZone: string;
  /** Ordered, non-overlapping local intervals, e.g. 09:00–12:00 and 13:30–17:30. */
  workingHours: readonly { from: string; to: string }[];
}

/** Working days are searched this far ahead at most: a longer run of days off is a data error. */
const MAX_DAYS_AHEAD = 400;

interface Interval {
  start: number;
  end: number;
}

/** The working intervals of one local date, as instants (empty on days off). */
function intervalsOn(date: string, options: WorkingTimeOptions): Interval[] {
  if (!isWorkingDay(options.calendar, date)) return [];
  return options.workingHours.map((h) => ({
    start: fromLocal(date, minutesOf(h.from), options.timeZone).getTime(),
    end: fromLocal(date, minutesOf(h.to), options.timeZone).getTime(),
  }));
}

/** The instant when `hours` of working time have passed after `from`. */
export function addWorkingHours(from: Date, hours: number, options: WorkingTimeOptions): Date {
  let left = hours * 3_600_000;
  let date = toLocal(from, options.timeZone).date;
  for (let i = 0; i < MAX_DAYS_AHEAD; i++, date = addDays(date, 1)) {
    for (const interval of intervalsOn(date, options)) {
      const start = Math.max(interval.start, from.getTime());
      if (start >= interval.end) continue;
      if (start + left <= interval.end) return new Date(start + left);
      left -= interval.end - start;
    }
  }
  throw new Error(`no working time within ${MAX_DAYS_AHEAD} days of ${from.toISOString()}`);
}

/**
 * The end of the `days`-th working day after the day of `from` (受理之日起 N 个工作日: the day of
 * receipt does not count). Zero days: the end of the same day's working hours.
 */
export function addWorkingDays(from: Date, days: number, options: WorkingTimeOptions): Date {
  let date = toLocal(from, options.timeZone).date;
  let counted = 0;
  for (let i = 0; i <= MAX_DAYS_AHEAD; i++) {
    if (counted >= days) {
      const last = options.workingHours.at(-1);
      return fromLocal(date, minutesOf(last?.to ?? '24:00'), options.timeZone);
    }
    date = addDays(date, 1);
    if (isWorkingDay(options.calendar, date)) counted++;
  }
  throw new Error(`fewer than ${days} working days within ${MAX_DAYS_AHEAD} days of ${from.toISOString()}`);
}

/** Working time between two instants, in milliseconds (for pauses and the time left on a clock). */
export function workingMsBetween(from: Date, to: Date, options: WorkingTimeOptions): number {
  if (to <= from) return 0;
  let total = 0;
  const last = toLocal(to, options.timeZone).date;
  for (let date = toLocal(from, options.timeZone).date; date <= last; date = addDays(date, 1)) {
    for (const interval of intervalsOn(date, options)) {
      const start = Math.max(interval.start, from.getTime());
      const end = Math.min(interval.end, to.getTime());
      if (end > start) total += end - start;
    }
  }
  return total;
}
