import { normaliseEmail } from '../privacy/email.js';
import { normalisePhone } from '../privacy/phone.js';
import type { Rule } from '../routing/rules.js';
import { hoursProblems, type Problem } from '../routing/validate.js';
import { DEPARTMENT_CODE, type Department } from '../store/departments.js';
import { toHalfWidth } from '../text/width.js';

/** A department as an admin sends it (the page's lines already split into lists). */
export interface DepartmentInput {
  code: string;
  name: string;
  nameEn?: string;
  phones: readonly string[];
  email?: string;
  parent?: string;
  regionCodes: readonly string[];
  workingHours: readonly { from: string; to: string }[];
  active: boolean;
}

export type DepartmentField = keyof DepartmentInput;

/** Why a field was refused; the page words each code (`departments.problem.<code>`). */
export type DepartmentProblemCode =
  | 'required'
  | 'pattern'
  | 'taken'
  | 'too_long'
  | 'too_many'
  | 'invalid'
  | 'unknown'
  | 'self'
  | 'cycle'
  | 'format'
  | 'order'
  | 'overlap'
  | 'routed';

/** A problem as the API gives it (path, English message) with the field and code the page words. */
export interface DepartmentProblem extends Problem {
  field: DepartmentField;
  code: DepartmentProblemCode;
  /** What the words name: the bad phone, the line, the rules. */
  value?: string;
}

export interface DepartmentContext {
  /** Every stored department, active or not (parents and cycles). */
  departments: readonly Pick<Department, 'code' | 'parent'>[];
  /** The routing rules in force (their current versions). */
  rules: readonly Pick<Rule, 'id' | 'name' | 'order' | 'enabled' | 'actions'>[];
  /** Creating: the code must be free. */
  creating: boolean;
}

export const LIMITS = { name: 60, nameEn: 120, phones: 10, regionCodes: 50, workingHours: 6 } as const;
/** Region code prefixes as routing rules take them (province 2 digits … village 12). */
export const REGION_CODE = /^[0-9]{2,12}$/;
/** `HH:MM`, as the working-hours API takes them (24:00 ends a day). */
export const HHMM = /^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/;

/**
 * Every rule a department must pass, for the admin page and `PUT /api/v1/departments/:code` alike:
 * the code's pattern (and free, when creating), a name, phones that are phone numbers, a mailbox,
 * digit region codes, a parent that exists without making a cycle, working hours as the
 * working-hours API checks them (1 to 6 ordered intervals), and no enabled routing rule sending
 * tickets to a department being disabled. Returns the department to store (trimmed, phones
 * half-width, email lower-cased, duplicates dropped) or every problem found.
 */
export function checkDepartment(
  input: DepartmentInput,
  context: DepartmentContext,
): { ok: true; department: Department } | { ok: false; problems: DepartmentProblem[] } {
  const problems: DepartmentProblem[] = [];
  const add = (
    field: DepartmentField,
    path: string,
    code: DepartmentProblemCode,
    message: string,
    value?: string,
  ) => problems.push({ field, path, code, message, ...(value === undefined ? {} : { value }) });

  const code = input.code.trim();
  if (!code) add('code', '/code', 'required', 'a department needs a code');
  else if (!DEPARTMENT_CODE.test(code))
    add('code', '/code', 'pattern', 'letters, digits, - and _ only, at most 40', code);
  else if (context.creating && context.departments.some((d) => d.code === code))
    add('code', '/code', 'taken', `department ${code} already exists`, code);

  const name = input.name.trim();
  if (!name) add('name', '/name', 'required', 'a department needs a name');
  else if (Array.from(name).length > LIMITS.name)
    add('name', '/name', 'too_long', `at most ${String(LIMITS.name)} characters`);
  const nameEn = input.nameEn?.trim() || undefined;
  if (nameEn && Array.from(nameEn).length > LIMITS.nameEn)
    add('nameEn', '/nameEn', 'too_long', `at most ${String(LIMITS.nameEn)} characters`);

  const phones = new Map<string, string>();
  for (const [i, typed] of input.phones.entries()) {
    const shown = toHalfWidth(typed).trim().replace(/\s+/g, ' ');
    const key = normalisePhone(shown);
    if (!key) add('phones', `/phones/${String(i)}`, 'invalid', `${shown} is not a phone number`, shown);
    else if (!phones.has(key)) phones.set(key, shown);
  }
  if (phones.size > LIMITS.phones)
    add('phones', '/phones', 'too_many', `at most ${String(LIMITS.phones)} phone numbers`);

  const typedEmail = input.email?.trim() || undefined;
  const email = typedEmail && normaliseEmail(typedEmail);
  if (typedEmail && !email)
    add('email', '/email', 'invalid', `${typedEmail} is not an email address`, typedEmail);

  const parent = input.parent?.trim() || undefined;
  if (parent) {
    const parents = new Map(context.departments.map((d) => [d.code, d.parent]));
    if (parent === code) add('parent', '/parent', 'self', 'a department cannot be its own parent');
    else if (!parents.has(parent))
      add('parent', '/parent', 'unknown', `unknown department ${parent}`, parent);
    else {
      const chain = parentChain(code, parent, parents);
      if (chain) add('parent', '/parent', 'cycle', `makes a cycle: ${chain}`, chain);
    }
  }

  const regionCodes = [...new Set(input.regionCodes.map((r) => toHalfWidth(r).trim()))];
  for (const [i, region] of regionCodes.entries()) {
    if (!REGION_CODE.test(region))
      add('regionCodes', `/regionCodes/${String(i)}`, 'invalid', `${region} is not 2 to 12 digits`, region);
  }
  if (regionCodes.length > LIMITS.regionCodes)
    add('regionCodes', '/regionCodes', 'too_many', `at most ${String(LIMITS.regionCodes)} region codes`);

  const workingHours = input.workingHours.map((h) => ({ from: h.from.trim(), to: h.to.trim() }));
  problems.push(...workingHoursProblems(workingHours));

  if (!input.active) {
    const routing = rulesSendingTo(context.rules, code);
    if (routing.length > 0) {
      const named = routing.map((r) => `${r.name} (${r.id})`).join(', ');
      add('active', '/active', 'routed', `enabled routing rules send tickets here: ${named}`, named);
    }
  }

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    department: {
      code,
      name,
      ...(nameEn ? { nameEn } : {}),
      phones: [...phones.values()],
      ...(email ? { email } : {}),
      ...(parent ? { parent } : {}),
      regionCodes,
      workingHours,
      active: input.active,
    },
  };
}

/** The enabled rules that send tickets to a department, as lead or co-department, in the order tried. */
export function rulesSendingTo<R extends Pick<Rule, 'id' | 'order' | 'enabled' | 'actions'>>(
  rules: readonly R[],
  code: string,
): R[] {
  return rules
    .filter(
      (r) =>
        r.enabled && (r.actions.leadDepartment === code || r.actions.coDepartments?.includes(code) === true),
    )
    .sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** 1 to 6 `HH:MM` intervals, then the working-hours API's own check (ordered, not overlapping). */
function workingHoursProblems(hours: readonly { from: string; to: string }[]): DepartmentProblem[] {
  const at = (i: number) => hours[i] && `${hours[i].from}-${hours[i].to}`;
  if (hours.length === 0)
    return [problem('/workingHours', 'required', 'at least one interval of working hours')];
  if (hours.length > LIMITS.workingHours)
    return [problem('/workingHours', 'too_many', `at most ${String(LIMITS.workingHours)} intervals`)];
  const badFormat = hours.flatMap((h, i) =>
    HHMM.test(h.from) && HHMM.test(h.to)
      ? []
      : [problem(`/workingHours/${String(i)}`, 'format', 'from and to must be HH:MM', at(i))],
  );
  if (badFormat.length > 0) return badFormat;
  return hoursProblems(hours).map((p) => {
    const i = Number(p.path.split('/')[2]);
    return { ...p, field: 'workingHours', code: p.path.endsWith('/to') ? 'order' : 'overlap', value: at(i) };
  });

  function problem(
    path: string,
    code: DepartmentProblemCode,
    message: string,
    value?: string,
  ): DepartmentProblem {
    return { field: 'workingHours', path, code, message, ...(value === undefined ? {} : { value }) };
  }
}

/** `A → B → A` when giving `code` the parent `parent` closes a loop; undefined when it does not. */
function parentChain(
  code: string,
  parent: string,
  parents: ReadonlyMap<string, string | undefined>,
): string | undefined {
  const chain = [code];
  const seen = new Set(chain);
  for (let next: string | undefined = parent; next !== undefined; next = parents.get(next)) {
    chain.push(next);
    if (next === code) return chain.join(' → ');
    // A loop further up that does not pass through this department is not this save's doing.
    if (seen.has(next)) return undefined;
    seen.add(next);
  }
  return undefined;
}
