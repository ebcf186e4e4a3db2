import type { DayKind } from '../routing/calendar.js';
import type { HolidayYear } from '../routing/holidays-cn.js';
import type { Duration } from '../routing/sla-clock.js';
import type { SlaPolicy } from '../routing/sla-policy.js';
import { localMinute } from '../time/local-format.js';
import type { CalendarProblem, GridMonth } from './admin-sla-calendar.js';
import {
  CHOICES,
  LIMITS,
  percentText,
  type FieldProblem,
  type PolicyFormInput,
} from './admin-sla-policy-form.js';
import { staffText, type StaffLanguage } from './messages.js';

/** What the SLA and calendar page shows, in the page's language (the page module does the I/O). */

export interface Changed {
  version: number;
  updatedAt: Date;
  updatedBy: string;
}

export interface RuleRef {
  id: string;
  name: string;
}

/** `3 个工作日`, `2 h`: the amount in its unit (working time or calendar time). */
export function durationText(language: StaffLanguage, duration: Duration): string {
  const one = duration.amount === 1 ? '.one' : '';
  return staffText(language, `sla.unit.${duration.unit}${one}`, { n: duration.amount });
}

/** Who changed it and when: `2026-11-22 09:40 · user:admin` (the shipped data says so). */
export function changedText(language: StaffLanguage, changed: Changed, timeZone: string): string {
  const by = changed.updatedBy === 'system' ? staffText(language, 'sla.bySystem') : changed.updatedBy;
  return `${localMinute(changed.updatedAt, timeZone)} · ${by}`;
}

/** Which tickets a policy is for, one line per condition; none: the fallback. */
export function matchLines(language: StaffLanguage, policy: SlaPolicy): string[] {
  const { categories, kinds, priorities, channels } = policy.match;
  const line = (key: string, values: readonly string[] | undefined) =>
    values && values.length > 0 ? [`${staffText(language, `sla.match.${key}`)}: ${values.join('、')}`] : [];
  const lines = [
    ...line('categories', categories),
    ...line(
      'kinds',
      kinds?.map((k) => staffText(language, `ticket.kind.${k}`)),
    ),
    ...line(
      'priorities',
      priorities?.map((p) => staffText(language, `ticket.priority.${p}`)),
    ),
    ...line(
      'channels',
      channels?.map((c) => staffText(language, `ticket.channel.${c}`)),
    ),
  ];
  return lines.length > 0 ? lines : [staffText(language, 'sla.match.any')];
}

/** Each limit of a policy: set, not timed, or (the co-opinion) the completion limit. */
export function limitLines(language: StaffLanguage, policy: SlaPolicy): { name: string; text: string }[] {
  return LIMITS.map((name) => {
    const duration = name === 'coOpinion' ? policy.coOpinion : policy.clocks[name];
    const none = name === 'coOpinion' ? 'sla.limit.sameAsCompletion' : 'sla.limit.none';
    return {
      name,
      text: `${staffText(language, `sla.limit.${name}`)}: ${
        duration ? durationText(language, duration) : staffText(language, none)
      }`,
    };
  });
}

export function thresholdText(language: StaffLanguage, policy: SlaPolicy): string {
  return staffText(language, 'sla.thresholdLine', {
    yellow: percentText(policy.thresholds.yellow),
    red: percentText(policy.thresholds.red),
  });
}

/** A policy as the list and the version history show it. */
export function policyRow(
  language: StaffLanguage,
  policy: SlaPolicy & Changed,
  rules: readonly RuleRef[],
  timeZone: string,
): Record<string, unknown> {
  return {
    code: policy.code,
    name: policy.name,
    order: policy.order,
    active: policy.active,
    match: matchLines(language, policy),
    limits: limitLines(language, policy),
    thresholds: thresholdText(language, policy),
    version: policy.version,
    changed: changedText(language, policy, timeZone),
    rules,
  };
}

/** The policy form's fields, with what to show in each and the message of each refused one. */
export function policyFormView(
  language: StaffLanguage,
  form: PolicyFormInput,
  problems: readonly FieldProblem[],
): Record<string, unknown> {
  const messages = Object.fromEntries(
    problems.map((p) => [p.field, staffText(language, `sla.problem.${p.reason}`, { detail: p.detail })]),
  );
  const ticked = (list: readonly string[] | undefined, value: string) => list?.includes(value) === true;
  const choices = (field: 'kinds' | 'priorities' | 'channels', key: string) =>
    CHOICES[field].map((value) => ({
      value,
      label: staffText(language, `ticket.${key}.${value}`),
      checked: ticked(form[field], value),
    }));
  return {
    values: form,
    active: form.active !== undefined,
    kinds: choices('kinds', 'kind'),
    priorities: choices('priorities', 'priority'),
    channels: choices('channels', 'channel'),
    limits: LIMITS.map((name) => ({
      name,
      label: staffText(language, `sla.limit.${name}`),
      hint: staffText(language, `sla.limitHint.${name}`),
      amount: form[`${name}Amount`],
      units: CHOICES.units.map((unit) => ({
        unit,
        label: staffText(language, `sla.unitName.${unit}`),
        selected: form[`${name}Unit`] === unit,
      })),
      problem: messages[name],
    })),
    problems: messages,
    summary: problems.map((p) => ({
      anchor: p.field === 'form' ? 'policy-form' : `field-${p.field}`,
      text: messages[p.field],
      label: staffText(language, `sla.field.${p.field}`),
    })),
  };
}

/** A stored year in the list of years. */
export function yearRow(
  language: StaffLanguage,
  year: HolidayYear & Changed,
  timeZone: string,
  holidayDays: number,
): Record<string, unknown> {
  return {
    year: year.year,
    version: year.version,
    ranges: year.holidays.length,
    days: holidayDays,
    makeups: year.makeupWorkdays.length,
    source: year.source,
    changed: changedText(language, year, timeZone),
  };
}

const MARKS: Partial<Record<DayKind, string>> = {
  holiday: 'sla.mark.holiday',
  makeup_workday: 'sla.mark.makeup',
};

/** The month grid with each day's mark and the words a screen reader says for it. */
export function gridView(language: StaffLanguage, months: readonly GridMonth[]): Record<string, unknown>[] {
  const md = (date: string) =>
    staffText(language, 'sla.monthDay', { m: Number(date.slice(5, 7)), d: Number(date.slice(8)) });
  return months.map((month) => ({
    month: month.month,
    title: staffText(language, 'sla.monthTitle', { m: month.month }),
    weeks: month.weeks.map((week) =>
      week.map((day) => {
        if (!day) return null;
        const mark = MARKS[day.kind];
        return {
          ...day,
          mark: mark && staffText(language, mark),
          kindText: staffText(language, `sla.kind.${day.kind}`),
        };
      }),
    ),
    notes: [
      ...month.holidays.map((h) =>
        staffText(language, 'sla.note.holiday', {
          dates: h.from === h.to ? md(h.from) : `${md(h.from)}–${md(h.to)}`,
          name: h.name,
        }),
      ),
      ...month.makeupWorkdays.map((d) => staffText(language, 'sla.note.makeup', { date: md(d) })),
    ],
  }));
}

/** Each refused calendar field's messages, `第 3 行：…` where a line is known. */
export function calendarProblemTexts(
  language: StaffLanguage,
  problems: readonly CalendarProblem[],
): Record<string, string[]> {
  const texts: Record<string, string[]> = {};
  for (const problem of problems) {
    const text = staffText(language, `sla.calProblem.${problem.reason}`, problem.values);
    const line =
      problem.line === undefined ? text : staffText(language, 'sla.line', { line: problem.line, text });
    (texts[problem.field] ??= []).push(line);
  }
  return texts;
}
