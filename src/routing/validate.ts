import { dayKind, buildCalendar } from './calendar.js';
import type { HolidayRange, HolidayYear } from './holidays-cn.js';
import type { RuleActions, RuleConditions } from './rules.js';
import type { SlaPolicy } from './sla-policy.js';
import type { RoutingTables, WorkingHours } from './tables.js';
import { minutesOf } from '../time/zoned-time.js';

/**
 * What the schemas cannot say about admin input: references to departments and policies, empty
 * conditions, inverted ranges. Each problem names its field as a JSON pointer, like schema errors.
 */
export interface Problem {
  path: string;
  message: string;
}

export function ruleProblems(
  rule: {
    conditions: RuleConditions;
    actions: RuleActions;
    enabled?: boolean;
    effectiveFrom?: Date;
    effectiveTo?: Date;
  },
  tables: RoutingTables,
): Problem[] {
  const problems: Problem[] = [];
  const { keywords, ...others } = rule.conditions;
  const hasKeywords = [keywords?.any, keywords?.all, keywords?.none].some((list) => list && list.length > 0);
  if (!hasKeywords && Object.keys(others).length === 0) {
    problems.push({ path: '/conditions', message: 'a rule needs at least one condition' });
  }
  // A disabled rule sends nowhere: it may name a department or policy closed since (so it can be
  // switched off after all), but never one that does not exist.
  const usable = rule.enabled !== false;
  const active = (code: string) => {
    const department = tables.departments.get(code);
    return department !== undefined && (department.active || !usable);
  };
  if (!active(rule.actions.leadDepartment)) {
    problems.push({
      path: '/actions/leadDepartment',
      message: `unknown or inactive department ${rule.actions.leadDepartment}`,
    });
  }
  for (const [i, code] of (rule.actions.coDepartments ?? []).entries()) {
    if (!active(code))
      problems.push({
        path: `/actions/coDepartments/${String(i)}`,
        message: `unknown or inactive department ${code}`,
      });
  }
  const policy = rule.actions.slaPolicy;
  if (policy && !tables.policies.some((p) => p.code === policy && (p.active || !usable))) {
    problems.push({ path: '/actions/slaPolicy', message: `unknown or inactive SLA policy ${policy}` });
  }
  if (rule.effectiveFrom && rule.effectiveTo && rule.effectiveTo <= rule.effectiveFrom) {
    problems.push({ path: '/effectiveTo', message: 'must be after effectiveFrom' });
  }
  return problems;
}

export function policyProblems(policy: Pick<SlaPolicy, 'thresholds' | 'clocks'>): Problem[] {
  const problems: Problem[] = [];
  if (policy.thresholds.red <= policy.thresholds.yellow) {
    problems.push({ path: '/thresholds/red', message: 'the red threshold must be above the yellow one' });
  }
  if (Object.keys(policy.clocks).length === 0) {
    problems.push({ path: '/clocks', message: 'a policy needs at least one clock' });
  }
  return problems;
}

export function hoursProblems(hours: WorkingHours, path = '/workingHours'): Problem[] {
  const problems: Problem[] = [];
  for (const [i, h] of hours.entries()) {
    const previous = hours[i - 1];
    if (minutesOf(h.to) <= minutesOf(h.from)) {
      problems.push({ path: `${path}/${String(i)}/to`, message: 'must be after from' });
    } else if (previous && minutesOf(h.from) < minutesOf(previous.to)) {
      problems.push({
        path: `${path}/${String(i)}/from`,
        message: 'intervals must be ordered and not overlap',
      });
    }
  }
  return problems;
}

/**
 * Holidays inside the year, no day in two of them; make-up workdays on weekends, never on a holiday,
 * each listed once.
 */
export function calendarProblems(year: HolidayYear): Problem[] {
  const problems: Problem[] = [];
  // A real day: Date.parse alone would let 2026-02-30 through (it rolls over to March).
  const inYear = (day: string) =>
    day.startsWith(`${String(year.year)}-`) &&
    !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) &&
    new Date(`${day}T00:00:00Z`).toISOString().startsWith(day);
  const valid: (HolidayRange & { i: number })[] = [];
  for (const [i, h] of year.holidays.entries()) {
    if (!inYear(h.from))
      problems.push({ path: `/holidays/${String(i)}/from`, message: `not a date of ${String(year.year)}` });
    if (!inYear(h.to) || h.to < h.from) {
      problems.push({
        path: `/holidays/${String(i)}/to`,
        message: `a date of ${String(year.year)} not before from`,
      });
    } else if (inYear(h.from)) {
      valid.push({ ...h, i });
    }
  }
  for (const h of valid) {
    const other = valid.find((o) => o.i < h.i && o.from <= h.to && h.from <= o.to);
    if (other) {
      problems.push({
        path: `/holidays/${String(h.i)}`,
        message: `overlaps holiday ${String(other.i)} (${other.from}…${other.to})`,
      });
    }
  }
  const calendar = buildCalendar([{ ...year, holidays: valid, makeupWorkdays: [] }]);
  for (const [i, day] of year.makeupWorkdays.entries()) {
    const kind = inYear(day) ? dayKind(calendar, day) : 'invalid';
    if (kind !== 'weekend') {
      problems.push({
        path: `/makeupWorkdays/${String(i)}`,
        message: `${day} is not a weekend day of ${String(year.year)} (${kind})`,
      });
    } else if (year.makeupWorkdays.indexOf(day) < i) {
      problems.push({ path: `/makeupWorkdays/${String(i)}`, message: `${day} is listed twice` });
    }
  }
  return problems;
}
