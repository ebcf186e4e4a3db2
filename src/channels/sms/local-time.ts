import { createHash, timingSafeEqual } from 'node:crypto';
import { toLocal } from '../../time/zoned-time.js';

/** `2026-11-21 09:40` in the hub's time zone: how answers show a moment. */
export function localMinute(at: Date, timeZone: string): string {
  const local = toLocal(at, timeZone);
  const minutes = Math.floor(local.minutes);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  return `${local.date} ${hh}:${mm}`;
}

/** A query code compared in constant time (equal-length digests: no length or prefix leaks). */
export function sameCode(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
