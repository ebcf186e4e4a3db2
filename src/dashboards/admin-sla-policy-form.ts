import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { PolicyBody } from '../api/routing-schemas.js';
import { CLOCK_NAMES, CLOCK_UNITS, type Duration } from '../routing/sla-clock.js';
import type { SlaPolicy } from '../routing/sla-policy.js';
import { policyProblems } from '../routing/validate.js';
import { CHANNELS, KINDS, PRIORITIES } from '../tickets/types.js';

/**
 * The SLA policy form of `/staff/admin/sla`: what it posts (strings, one amount and unit per
 * clock, thresholds in percent), read into the API's own `PolicyBody` and checked with the API's
 * schema and `policyProblems` — so the page accepts exactly what `PUT /api/v1/sla/policies/:code`
 * accepts. Each refusal names the form field it belongs to.
 */

/** The limits a policy can set: the four clocks and the co-departments' opinion (并联会办). */
export const LIMITS = [...CLOCK_NAMES, 'coOpinion'] as const;
export type LimitName = (typeof LIMITS)[number];

const Line = (max: number) => Type.String({ maxLength: max, default: '' });
const Choices = Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 }));
const limitFields = Object.fromEntries(
  LIMITS.flatMap((name) => [
    [`${name}Amount`, Line(40)],
    [`${name}Unit`, Line(40)],
  ]),
) as Record<`${LimitName}${'Amount' | 'Unit'}`, ReturnType<typeof Line>>;

/** The form as posted (checkboxes absent when none is ticked; the parser makes one value a list). */
export const PolicyForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  /** The version the edit started from (0 on the create form). */
  version: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }),
  code: Type.Optional(Line(100)),
  name: Line(200),
  order: Line(40),
  active: Type.Optional(Type.String({ maxLength: 10 })),
  categories: Line(2000),
  kinds: Choices,
  priorities: Choices,
  channels: Choices,
  yellow: Line(40),
  red: Line(40),
  ...limitFields,
});
export type PolicyFormInput = Omit<Static<typeof PolicyForm>, '_csrf'>;

/** A form field and why it was refused (a word key suffix; `detail` when the core said more). */
export interface FieldProblem {
  field: string;
  reason: string;
  detail?: string;
}

export type ReadPolicy = { ok: true; body: PolicyBody } | { ok: false; problems: FieldProblem[] };

const MATCH_FIELDS = ['categories', 'kinds', 'priorities', 'channels'];
const CODE = /^[A-Za-z0-9_-]{1,40}$/;

export function validCode(code: string): boolean {
  return CODE.test(code);
}

/** The typed form → the API's policy body, or every field that is wrong. */
export function readPolicyForm(form: PolicyFormInput): ReadPolicy {
  const clocks: Record<string, unknown> = {};
  const body: Record<string, unknown> = {
    name: form.name.trim(),
    order: numberOrText(form.order),
    active: form.active !== undefined,
    match: matchOf(form),
    clocks,
    thresholds: { yellow: percent(form.yellow), red: percent(form.red) },
  };
  for (const name of LIMITS) {
    const amount = form[`${name}Amount`].trim();
    if (amount === '') continue;
    const duration = { amount: numberOrText(amount), unit: form[`${name}Unit`] };
    if (name === 'coOpinion') body.coOpinion = duration;
    else clocks[name] = duration;
  }
  const problems: FieldProblem[] = [];
  const add = (problem: FieldProblem) => {
    if (!problems.some((p) => p.field === problem.field)) problems.push(problem);
  };
  for (const error of Value.Errors(PolicyBody, body)) add(schemaProblem(error.instancePath));
  if (problems.length === 0) {
    for (const problem of policyProblems(body as PolicyBody)) add(coreProblem(problem.path, problem.message));
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, body: body as PolicyBody };
}

function matchOf(form: PolicyFormInput): Record<string, string[]> {
  const categories = form.categories
    .split(/[,，、;；\n]/)
    .map((c) => c.trim())
    .filter(Boolean);
  const lists = { categories, kinds: form.kinds, priorities: form.priorities, channels: form.channels };
  // An empty list is no condition at all (the API's lists have at least one item).
  return Object.fromEntries(Object.entries(lists).filter(([, list]) => list && list.length > 0)) as Record<
    string,
    string[]
  >;
}

/** `50` (%) → 0.5; what is not a number stays text, for the schema to refuse. */
function percent(text: string): unknown {
  const value = numberOrText(text);
  return typeof value === 'number' ? value / 100 : value;
}

function numberOrText(text: string): unknown {
  const trimmed = text.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/** `/clocks/sign/amount` → the sign limit's fields; `/thresholds/red` → red; `/match/kinds/0` → kinds. */
function schemaProblem(path: string): FieldProblem {
  const [first = '', second = ''] = path.split('/').slice(1);
  if (first === 'clocks' && second !== '') return { field: second, reason: 'limit' };
  if (first === 'coOpinion') return { field: 'coOpinion', reason: 'limit' };
  if (first === 'thresholds' && second !== '') return { field: second, reason: 'threshold' };
  if (first === 'match' && MATCH_FIELDS.includes(second)) return { field: second, reason: second };
  if (first === 'name' || first === 'order') return { field: first, reason: first };
  return { field: 'form', reason: 'core', detail: path };
}

/** The core's own refusals, with their words; one the page does not know keeps the core's text. */
function coreProblem(path: string, message: string): FieldProblem {
  if (path === '/thresholds/red') return { field: 'red', reason: 'redAboveYellow' };
  if (path === '/clocks') return { field: 'clocks', reason: 'noClock' };
  return { field: 'form', reason: 'core', detail: `${path}: ${message}` };
}

/** A stored policy as the form shows it (percentages rounded to what was typed). */
export function policyFormValues(policy: SlaPolicy): PolicyFormInput {
  const limit = (d: Duration | undefined) => ({
    amount: d ? String(d.amount) : '',
    unit: d?.unit ?? 'working_days',
  });
  const limits = Object.fromEntries(
    LIMITS.flatMap((name) => {
      const { amount, unit } = limit(name === 'coOpinion' ? policy.coOpinion : policy.clocks[name]);
      return [
        [`${name}Amount`, amount],
        [`${name}Unit`, unit],
      ];
    }),
  ) as Record<`${LimitName}${'Amount' | 'Unit'}`, string>;
  return {
    version: policy.version,
    code: policy.code,
    name: policy.name,
    order: String(policy.order),
    active: policy.active ? 'on' : undefined,
    categories: (policy.match.categories ?? []).join('、'),
    kinds: policy.match.kinds,
    priorities: policy.match.priorities,
    channels: policy.match.channels,
    yellow: percentText(policy.thresholds.yellow),
    red: percentText(policy.thresholds.red),
    ...limits,
  };
}

/** 0.7 → `70` (not 70.00000000000001). */
export function percentText(share: number): string {
  return String(Math.round(share * 10_000) / 100);
}

/** The create form's starting values: the usual thresholds, working-day limits, nothing matched. */
export function blankPolicyForm(): PolicyFormInput {
  const limits = Object.fromEntries(
    LIMITS.flatMap((name) => [
      [`${name}Amount`, ''],
      [`${name}Unit`, 'working_days'],
    ]),
  ) as Record<`${LimitName}${'Amount' | 'Unit'}`, string>;
  return {
    version: 0,
    code: '',
    name: '',
    order: '100',
    active: 'on',
    categories: '',
    yellow: '50',
    red: '80',
    ...limits,
  };
}

/** The choices of the match conditions and units, for the form's checkboxes and selects. */
export const CHOICES = { kinds: KINDS, priorities: PRIORITIES, channels: CHANNELS, units: CLOCK_UNITS };
