import { isWorkingDay, type WorkCalendar } from '../routing/calendar.js';
import { minutesOf, toLocal } from '../time/zoned-time.js';

/**
 * When the hotline answers with its menu (IVR_HOURS). The default is `always`: 12345 hotlines are
 * required to serve 7×24 (国办发〔2020〕53号), so closed hours are an opt-in for smaller centres:
 * - `always`
 * - `daily 08:00-20:00` — every day, these local times;
 * - `workdays 08:30-12:00,13:30-17:30` — working days of the routing calendar (holidays off,
 *   make-up workdays on), these local times.
 * Outside them a caller hears the after-hours prompt and may leave a message.
 */
export type HotlineHours =
  { kind: 'always' } | { kind: 'daily' | 'workdays'; windows: readonly { from: string; to: string }[] };

const TIME = '([01]\\d|2[0-3]):[0-5]\\d';
const END = '(([01]\\d|2[0-3]):[0-5]\\d|24:00)';
const WINDOW = `${TIME}-${END}`;
/** The pattern config.ts checks IVR_HOURS against. */
export const HOTLINE_HOURS_PATTERN = `^(always|(daily|workdays) ${WINDOW}(,${WINDOW})*)$`;

/** Parses IVR_HOURS; throws on windows that end before they start or overlap. */
export function parseHotlineHours(text: string): HotlineHours {
  if (!new RegExp(HOTLINE_HOURS_PATTERN).test(text)) throw new Error(`IVR_HOURS: cannot read "${text}"`);
  if (text === 'always') return { kind: 'always' };
  const [kind = '', list = ''] = text.split(' ');
  const windows = list.split(',').map((part) => {
    const [from = '', to = ''] = part.split('-');
    return { from, to };
  });
  windows.forEach((w, i) => {
    const previous = windows[i - 1];
    if (minutesOf(w.to) <= minutesOf(w.from) || (previous && minutesOf(w.from) < minutesOf(previous.to))) {
      throw new Error(`IVR_HOURS: ${text} must be ordered, non-overlapping windows`);
    }
  });
  return { kind: kind === 'daily' ? 'daily' : 'workdays', windows };
}

/** Whether the hotline is open at `at` (local time in `timeZone`). */
export function isHotlineOpen(
  hours: HotlineHours,
  calendar: WorkCalendar,
  at: Date,
  timeZone: string,
): boolean {
  if (hours.kind === 'always') return true;
  const local = toLocal(at, timeZone);
  if (hours.kind === 'workdays' && !isWorkingDay(calendar, local.date)) return false;
  return hours.windows.some((w) => local.minutes >= minutesOf(w.from) && local.minutes < minutesOf(w.to));
}
