/**
 * Local dates and times in a time zone, with nothing but Intl: the hub works in China time
 * (HUB_TIMEZONE, Asia/Shanghai), whatever zone the machine is in.
 */

export interface LocalDateTime {
  /** `YYYY-MM-DD` */
  date: string;
  /** Minutes since local midnight. */
  minutes: number;
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function parts(at: Date, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(at))
    if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

export function toLocal(at: Date, timeZone: string): LocalDateTime {
  const p = parts(at, timeZone);
  const y = p.year ?? 0;
  const m = p.month ?? 1;
  const d = p.day ?? 1;
  return {
    date: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
    minutes: (p.hour ?? 0) * 60 + (p.minute ?? 0) + (p.second ?? 0) / 60 + at.getUTCMilliseconds() / 60_000,
    weekday: new Date(Date.UTC(y, m - 1, d)).getUTCDay(),
  };
}

/**
 * Instants of local times already computed. Working-time arithmetic asks for the same few (each
 * working day's interval ends) for every ticket, and `formatToParts` costs microseconds a call: one
 * SLA clock start asked for dozens. Pure results, so a bounded map, cleared when full, is enough.
 */
const instants = new Map<string, number>();
const INSTANTS_LIMIT = 20_000;

/** The instant of a local date and minute of day in the zone (offset looked up for that instant). */
export function fromLocal(date: string, minutes: number, timeZone: string): Date {
  const key = `${timeZone} ${date} ${minutes}`;
  let instant = instants.get(key);
  if (instant === undefined) {
    instant = computeFromLocal(date, minutes, timeZone);
    if (instants.size >= INSTANTS_LIMIT) instants.clear();
    instants.set(key, instant);
  }
  return new Date(instant);
}

function computeFromLocal(date: string, minutes: number, timeZone: string): number {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const naive = Date.UTC(y, m - 1, d) + minutes * 60_000;
  // Offset of the zone at (about) that instant; twice, so a DST change in between settles.
  let guess = naive - offsetMs(new Date(naive), timeZone);
  guess = naive - offsetMs(new Date(guess), timeZone);
  return guess;
}

function offsetMs(at: Date, timeZone: string): number {
  const p = parts(at, timeZone);
  const asUtc = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return asUtc - (at.getTime() - at.getUTCMilliseconds());
}

/** `YYYY-MM-DD` plus `days` (calendar days). */
export function addDays(date: string, days: number): string {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** `HH:MM` → minutes since midnight. */
export function minutesOf(hhmm: string): number {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
}
