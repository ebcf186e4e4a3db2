import { addDays, fromLocal } from '../time/zoned-time.js';
import { localDate } from '../time/local-format.js';

/** The board's window: the last `days` local days (China time), today included. */
export interface BoardWindow {
  days: number;
  timeZone: string;
  /** Local midnight of the first day. */
  from: Date;
  /** The moment the board was computed. */
  now: Date;
  /** `YYYY-MM-DD` of each day, oldest first (the daily-volume rows). */
  dates: string[];
}

export const DEFAULT_DAYS = 30;
/** A year and a day: long enough for an annual report, short enough to keep the scan's answer small. */
export const MAX_DAYS = 366;

export function boardWindow(now: Date, days: number, timeZone: string): BoardWindow {
  const today = localDate(now, timeZone);
  const first = addDays(today, -(days - 1));
  const dates = Array.from({ length: days }, (_, i) => addDays(first, i));
  return { days, timeZone, from: fromLocal(first, 0, timeZone), now, dates };
}

/** Whether a ticket was created inside the window (the rates, counts and daily volume count these). */
export function inWindow(window: BoardWindow, at: Date): boolean {
  return at >= window.from;
}
