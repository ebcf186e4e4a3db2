import { addDays, fromLocal, minutesOf, toLocal } from '../time/zoned-time.js';

/**
 * When a message that arrives at `now` may go out, given a quiet window (`21:00`–`08:00` local,
 * which may wrap past midnight): `now` itself outside the window, else the window's end. Pure.
 */
export function quietUntil(
  now: Date,
  window: { from: string; to: string },
  timeZone: string,
): Date | undefined {
  const local = toLocal(now, timeZone);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  const wraps = from > to;
  const inside = wraps
    ? local.minutes >= from || local.minutes < to
    : local.minutes >= from && local.minutes < to;
  if (!inside) return undefined;
  // Past `from` on a wrapping window: it ends tomorrow morning.
  const endDate = wraps && local.minutes >= from ? addDays(local.date, 1) : local.date;
  return fromLocal(endDate, to, timeZone);
}

/** Channels that ring or buzz a phone: the ones quiet hours hold. */
const INTRUSIVE: ReadonlySet<string> = new Set(['sms', 'voice']);

/**
 * Until when quiet hours hold a message to a citizen (undefined: it may go now). Only SMS and calls,
 * and never an urgent one.
 */
export function quietHold(
  now: Date,
  message: { channel: string; urgent: boolean },
  window: { from: string; to: string } | undefined,
  timeZone: string,
): Date | undefined {
  if (!window || message.urgent || !INTRUSIVE.has(message.channel)) return undefined;
  return quietUntil(now, window, timeZone);
}
