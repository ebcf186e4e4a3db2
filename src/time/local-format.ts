import { toLocal } from './zoned-time.js';

/** `2026-11-21 09:40` in the hub's time zone: how answers and citizen pages show a moment. */
export function localMinute(at: Date, timeZone: string): string {
  const local = toLocal(at, timeZone);
  const minutes = Math.floor(local.minutes);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${local.date} ${hh}:${mm}`;
}

/** `2026-11-21` in the hub's time zone. */
export function localDate(at: Date, timeZone: string): string {
  return toLocal(at, timeZone).date;
}
