import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { CalendarYearBody } from '../api/routing-schemas.js';
import { buildCalendar, dayKind, type DayKind, type WorkCalendar } from '../routing/calendar.js';
import type { HolidayRange, HolidayYear } from '../routing/holidays-cn.js';
import { calendarProblems } from '../routing/validate.js';
import { addDays } from '../time/zoned-time.js';

/**
 * The calendar part of `/staff/admin/sla`: a year's holidays and make-up workdays (调休上班) as text
 * lines — `2026-10-01~2026-10-07 国庆节`, `2026-10-10` — read into the API's own body and checked
 * with the API's schema and `calendarProblems`, each refusal tied to the line it came from; and the
 * year as a month grid. Pure: no I/O.
 */

export const CalendarForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  /** The version the edit started from (0: the year is not stored yet). */
  version: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  source: Type.String({ maxLength: 1000, default: '' }),
  holidays: Type.String({ maxLength: 20_000, default: '' }),
  makeupWorkdays: Type.String({ maxLength: 5_000, default: '' }),
});
export type CalendarFormInput = Omit<Static<typeof CalendarForm>, '_csrf' | 'version'>;

/** One refusal: the field, the line (1-based, as typed) when there is one, why, and what to say. */
export interface CalendarProblem {
  field: 'source' | 'holidays' | 'makeupWorkdays';
  line?: number;
  reason: string;
  values?: Record<string, string | number>;
}

export type ReadCalendar = { ok: true; year: HolidayYear } | { ok: false; problems: CalendarProblem[] };

const DAY = '(\\d{4}-\\d{2}-\\d{2})';
/** `2026-10-01 国庆节` or `2026-10-01~2026-10-07 国庆节` (also ～, 至, ..). */
const HOLIDAY_LINE = new RegExp(`^${DAY}(?:\\s*(?:~|～|至|\\.\\.)\\s*${DAY})?(?:\\s+(.*))?$`, 'u');
const MAKEUP_LINE = new RegExp(`^${DAY}$`, 'u');

interface Numbered<T> {
  line: number;
  value: T;
}

export function readCalendarForm(year: number, form: CalendarFormInput): ReadCalendar {
  const problems: CalendarProblem[] = [];
  const holidays: Numbered<HolidayRange>[] = [];
  for (const { line, text } of lines(form.holidays)) {
    const match = HOLIDAY_LINE.exec(text);
    const [, from = '', to, name = ''] = match ?? [];
    if (!match) problems.push({ field: 'holidays', line, reason: 'holidayFormat', values: { text } });
    else if (name.trim() === '') problems.push({ field: 'holidays', line, reason: 'noName' });
    else holidays.push({ line, value: { name: name.trim(), from, to: to ?? from } });
  }
  const makeups: Numbered<string>[] = [];
  for (const { line, text } of lines(form.makeupWorkdays)) {
    if (MAKEUP_LINE.test(text)) makeups.push({ line, value: text });
    else problems.push({ field: 'makeupWorkdays', line, reason: 'makeupFormat', values: { text } });
  }
  const typed: HolidayYear = {
    year,
    source: form.source.trim(),
    holidays: holidays.map((h) => h.value),
    makeupWorkdays: makeups.map((m) => m.value),
  };
  problems.push(...schemaProblems(typed, holidays, true));
  problems.push(...coreProblems(typed, holidays, makeups));
  if (problems.length > 0) return { ok: false, problems: sortProblems(problems) };

  const stored = { ...typed, holidays: mergeRanges(typed.holidays), makeupWorkdays: sortDays(typed) };
  const tooMany = schemaProblems(stored, [], false);
  return tooMany.length > 0 ? { ok: false, problems: tooMany } : { ok: true, year: stored };
}

/** The year's holidays as the text lines the form shows (one range a line). */
export function holidayLines(year: HolidayYear): string {
  return [...year.holidays]
    .sort((a, b) => a.from.localeCompare(b.from))
    .map((h) => `${h.from === h.to ? h.from : `${h.from}~${h.to}`} ${h.name}`)
    .join('\n');
}

export function makeupLines(year: HolidayYear): string {
  return [...year.makeupWorkdays].sort().join('\n');
}

/** Non-blank lines, numbered as the person sees them in the text box. */
function lines(text: string): { line: number; text: string }[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, text: raw.trim() }))
    .filter((l) => l.text !== '');
}

/**
 * The API schema's refusals: the source, a name too long (per line); with `counts`, also how many
 * ranges and days a year may have (checked on what would be stored, after merging ranges).
 */
function schemaProblems(
  year: HolidayYear,
  holidays: readonly Numbered<HolidayRange>[],
  perLine: boolean,
): CalendarProblem[] {
  const body = { source: year.source, holidays: year.holidays, makeupWorkdays: year.makeupWorkdays };
  const problems: CalendarProblem[] = [];
  for (const error of Value.Errors(CalendarYearBody, body)) {
    const [field = '', index, part] = error.instancePath.split('/').slice(1);
    if (field === 'source') problems.push({ field: 'source', reason: 'source' });
    else if (perLine && field === 'holidays' && part === 'name') {
      problems.push({ field, line: holidays[Number(index)]?.line, reason: 'nameTooLong' });
    } else if (!perLine && (field === 'holidays' || field === 'makeupWorkdays') && index === undefined) {
      problems.push({ field, reason: 'tooMany' });
    }
  }
  return problems;
}

/** calendarProblems over what was typed, each tied back to its line, in the page's words. */
function coreProblems(
  year: HolidayYear,
  holidays: readonly Numbered<HolidayRange>[],
  makeups: readonly Numbered<string>[],
): CalendarProblem[] {
  // Only ranges inside the year: a mistyped end (9999-12-31) must not build millions of days.
  const inYear = (day: string) => day.startsWith(`${String(year.year)}-`);
  const ranges = year.holidays.filter((h) => inYear(h.from) && inYear(h.to));
  const calendar = buildCalendar([{ ...year, holidays: ranges, makeupWorkdays: [] }]);
  return calendarProblems(year).flatMap((problem): CalendarProblem[] => {
    const [field, index = '', part] = problem.path.split('/').slice(1);
    if (field === 'holidays') {
      const typed = holidays[Number(index)];
      // A one-day line has no end of its own: its wrong date is said once, for the start.
      if (part === 'to' && typed?.value.from === typed?.value.to) return [];
      const values = { year: year.year, from: typed?.value.from ?? '', to: typed?.value.to ?? '' };
      const reason = part === 'from' ? 'notInYear' : part === 'to' ? 'badEnd' : 'overlap';
      return [{ field, line: typed?.line, reason, values }];
    }
    if (field === 'makeupWorkdays') {
      const typed = makeups[Number(index)];
      const day = typed?.value ?? '';
      return [{ field, line: typed?.line, ...makeupReason(calendar, year.year, day) }];
    }
    return [{ field: 'holidays', reason: 'core', values: { text: `${problem.path}: ${problem.message}` } }];
  });
}

/** Why calendarProblems refused a make-up day, told by what the day is. */
function makeupReason(
  calendar: WorkCalendar,
  year: number,
  day: string,
): Pick<CalendarProblem, 'reason' | 'values'> {
  if (!day.startsWith(`${String(year)}-`) || addDays(day, 0) !== day) {
    return { reason: 'notInYear', values: { from: day, year } };
  }
  const kind = dayKind(calendar, day);
  if (kind === 'holiday') {
    return { reason: 'makeupOnHoliday', values: { day, name: calendar.holidays.get(day) ?? '' } };
  }
  return { reason: kind === 'workday' ? 'makeupOnWorkday' : 'makeupTwice', values: { day } };
}

function sortProblems(problems: CalendarProblem[]): CalendarProblem[] {
  const order = { source: 0, holidays: 1, makeupWorkdays: 2 };
  return problems.sort((a, b) => order[a.field] - order[b.field] || (a.line ?? 0) - (b.line ?? 0));
}

/** In date order; a range that goes on the next day under the same name joins it (one line a day is fine). */
export function mergeRanges(holidays: readonly HolidayRange[]): HolidayRange[] {
  const merged: HolidayRange[] = [];
  for (const h of [...holidays].sort((a, b) => a.from.localeCompare(b.from))) {
    const last = merged.at(-1);
    if (last && last.name === h.name && addDays(last.to, 1) === h.from) last.to = h.to;
    else merged.push({ ...h });
  }
  return merged;
}

function sortDays(year: HolidayYear): string[] {
  return [...year.makeupWorkdays].sort();
}

/** One day of the grid (`null`: the blank cells before the 1st and after the last day). */
export interface GridDay {
  date: string;
  day: number;
  kind: DayKind;
  name?: string;
}

export interface GridMonth {
  month: number;
  /** Monday first, as Chinese calendars are printed. */
  weeks: (GridDay | null)[][];
  /** The holiday ranges and make-up days falling in this month. */
  holidays: HolidayRange[];
  makeupWorkdays: string[];
}

/** The twelve months of a year, each day with its kind on this calendar. */
export function yearGrid(calendar: WorkCalendar, year: HolidayYear | number): GridMonth[] {
  const y = typeof year === 'number' ? year : year.year;
  const ranges = typeof year === 'number' ? [] : mergeRanges(year.holidays);
  return Array.from({ length: 12 }, (_, m) => {
    const prefix = `${String(y)}-${String(m + 1).padStart(2, '0')}`;
    const first = `${prefix}-01`;
    const blanks = (new Date(`${first}T00:00:00Z`).getUTCDay() + 6) % 7;
    const cells: (GridDay | null)[] = Array.from({ length: blanks }, () => null);
    for (let date = first; date.startsWith(prefix); date = addDays(date, 1)) {
      const kind = dayKind(calendar, date);
      const name = kind === 'holiday' ? calendar.holidays.get(date) : undefined;
      cells.push({ date, day: Number(date.slice(8)), kind, ...(name ? { name } : {}) });
    }
    while (cells.length % 7 !== 0) cells.push(null);
    const weeks = Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
    return {
      month: m + 1,
      weeks,
      holidays: ranges.filter((h) => h.from.slice(0, 7) <= prefix && prefix <= h.to.slice(0, 7)),
      makeupWorkdays: [...calendar.makeupWorkdays].filter((d) => d.startsWith(prefix)).sort(),
    };
  });
}
