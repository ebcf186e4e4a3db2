import type { HolidayYear } from './holidays-cn.js';
import { addDays } from '../time/zoned-time.js';

/**
 * Which days are working days: Monday–Friday, minus official holidays, plus make-up workdays
 * (调休上班, usually a Saturday or Sunday). Built once from holiday data; every question after that
 * is a set lookup.
 */
export interface WorkCalendar {
  readonly holidays: ReadonlyMap<string, string>;
  readonly makeupWorkdays: ReadonlySet<string>;
  /** Years the data covers; outside them only weekends are known to be days off. */
  readonly years: ReadonlySet<number>;
}

export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

export function buildCalendar(years: readonly HolidayYear[]): WorkCalendar {
  const holidays = new Map<string, string>();
  const makeupWorkdays = new Set<string>();
  for (const year of years) {
    for (const range of year.holidays) {
      for (let day = range.from; day <= range.to; day = addDays(day, 1)) holidays.set(day, range.name);
    }
    for (const day of year.makeupWorkdays) makeupWorkdays.add(day);
  }
  return { holidays, makeupWorkdays, years: new Set(years.map((y) => y.year)) };
}

export function dayKind(calendar: WorkCalendar, date: string): DayKind {
  if (calendar.makeupWorkdays.has(date)) return 'makeup_workday';
  if (calendar.holidays.has(date)) return 'holiday';
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return weekday === 0 || weekday === 6 ? 'weekend' : 'workday';
}

export function isWorkingDay(calendar: WorkCalendar, date: string): boolean {
  const kind = dayKind(calendar, date);
  return kind === 'workday' || kind === 'makeup_workday';
}

/** Whether the calendar knows the holidays of that date's year (else it only knows weekends). */
export function covers(calendar: WorkCalendar, date: string): boolean {
  return calendar.years.has(Number(date.slice(0, 4)));
}
