import { staffText, type StaffLanguage } from './messages.js';
import type { Countdown } from './desk-inbox.js';

/** How the desk words a countdown: `剩余 3小时20分钟`, `超期 2天1小时` (red), `已暂停`. */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A length of time in words. Real time goes up to days; working time stays in hours and minutes
 * (a "day" of working time would read as a calendar day). `round`: left time rounds up (1 second
 * left is still "1 minute"), overdue time rounds down.
 */
export function durationText(
  language: StaffLanguage,
  ms: number,
  options: { working: boolean; round: 'up' | 'down' },
): string {
  const minutes = options.round === 'up' ? Math.ceil(ms / MINUTE) : Math.floor(ms / MINUTE);
  // Overdue by seconds is not "overdue by 0 minutes".
  if (minutes === 0 && ms > 0) return staffText(language, 'desk.unit.underMinute');
  const parts: string[] = [];
  let rest = Math.max(0, minutes) * MINUTE;
  if (!options.working && rest >= DAY) {
    parts.push(staffText(language, 'desk.unit.day', { n: Math.floor(rest / DAY) }));
    rest %= DAY;
    const hours = Math.floor(rest / HOUR);
    if (hours > 0) parts.push(staffText(language, 'desk.unit.hour', { n: hours }));
  } else if (rest >= HOUR) {
    parts.push(staffText(language, 'desk.unit.hour', { n: Math.floor(rest / HOUR) }));
    const left = Math.floor((rest % HOUR) / MINUTE);
    if (left > 0) parts.push(staffText(language, 'desk.unit.minute', { n: left }));
  } else {
    parts.push(staffText(language, 'desk.unit.minute', { n: Math.floor(rest / MINUTE) }));
  }
  return parts.join(staffText(language, 'desk.unit.join'));
}

export interface CountdownView {
  text: string;
  /** CSS class: overdue (red), red, yellow, paused, ok. */
  level: 'overdue' | 'red' | 'yellow' | 'paused' | 'ok';
}

export function countdownView(language: StaffLanguage, countdown: Countdown): CountdownView {
  if (countdown.overdueMs !== undefined) {
    const time = durationText(language, countdown.overdueMs, { working: false, round: 'down' });
    return { text: staffText(language, 'desk.overdueBy', { time }), level: 'overdue' };
  }
  const time = durationText(language, countdown.leftMs, { working: countdown.working, round: 'up' });
  const key = countdown.working ? 'desk.leftWorking' : 'desk.left';
  const text = staffText(language, key, { time });
  if (countdown.state === 'paused') {
    return { text: `${staffText(language, 'desk.paused')} · ${text}`, level: 'paused' };
  }
  return { text, level: countdown.stage ?? 'ok' };
}
