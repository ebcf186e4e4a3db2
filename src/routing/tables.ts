import { buildCalendar, type WorkCalendar } from './calendar.js';
import type { HolidayYear } from './holidays-cn.js';
import {
  compileRules,
  route,
  type ClockOptions,
  type CompiledRules,
  type Rule,
  type RoutingDecision,
  type RoutingFacts,
} from './rules.js';
import type { SlaPolicy } from './sla-policy.js';
import type { WorkingTimeOptions } from './working-time.js';

export type WorkingHours = readonly { from: string; to: string }[];

export interface DepartmentHours {
  active: boolean;
  workingHours: WorkingHours;
}

/**
 * Everything routing and the SLA clocks read, built once whenever rules, policies, the calendar or
 * departments change, then shared read-only by every decision (a rebuild swaps the whole object).
 */
export interface RoutingTables {
  compiled: CompiledRules;
  policies: readonly SlaPolicy[];
  years: readonly HolidayYear[];
  calendar: WorkCalendar;
  departments: ReadonlyMap<string, DepartmentHours>;
  timeZone: string;
  /** The hotline centre's office hours: the time-window condition and the callback clock. */
  officeHours: WorkingHours;
  /** How long the last build took, in milliseconds. */
  buildMs: number;
}

export interface TablesInput {
  rules: readonly Rule[];
  policies: readonly SlaPolicy[];
  years: readonly HolidayYear[];
  departments: ReadonlyMap<string, DepartmentHours>;
  timeZone: string;
  officeHours: WorkingHours;
}

export function buildTables(input: TablesInput): RoutingTables {
  const started = performance.now();
  // A rule sending tickets to a department that is no longer active is out of force.
  const usable = input.rules.map((rule) =>
    input.departments.get(rule.actions.leadDepartment)?.active ? rule : { ...rule, enabled: false },
  );
  const compiled = compileRules(usable);
  const calendar = buildCalendar(input.years);
  return {
    compiled,
    policies: input.policies,
    years: input.years,
    calendar,
    departments: input.departments,
    timeZone: input.timeZone,
    officeHours: input.officeHours,
    buildMs: performance.now() - started,
  };
}

export function clockOptions(tables: RoutingTables): ClockOptions {
  return { calendar: tables.calendar, timeZone: tables.timeZone, workingHours: tables.officeHours };
}

/** A department's working time (its own hours, the shared calendar); the office's without one. */
export function workingTime(tables: RoutingTables, department?: string): WorkingTimeOptions {
  const hours = department ? tables.departments.get(department)?.workingHours : undefined;
  return {
    calendar: tables.calendar,
    timeZone: tables.timeZone,
    workingHours: hours && hours.length > 0 ? hours : tables.officeHours,
  };
}

export function decide(tables: RoutingTables, facts: RoutingFacts): RoutingDecision {
  return route(tables.compiled, facts, clockOptions(tables));
}
