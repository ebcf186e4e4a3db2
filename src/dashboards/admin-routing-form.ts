import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { CreateRuleBody } from '../api/routing-schemas.js';
import type { RuleDraft } from '../routing/rule-edits.js';
import type { Rule } from '../routing/rules.js';
import type { RoutingTables } from '../routing/tables.js';
import { ruleProblems, type Problem } from '../routing/validate.js';
import { localMinute } from '../time/local-format.js';
import { fromLocal, toLocal } from '../time/zoned-time.js';
import { staffText, type StaffLanguage } from './messages.js';

/**
 * The rule form of the routing page: what it posts, how that becomes the API's rule body, and each
 * refused field's message. The body is checked against the API's own schema (`CreateRuleBody`) and
 * then by `ruleProblems` — the checks `POST/PUT /api/v1/routing/rules` make — so the page accepts
 * exactly what the API accepts. Free lists are typed one per line (or comma-separated); fixed sets
 * are checkboxes and selects; dates are the centre's local time.
 */

export const RuleParams = Type.Object({ id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }) });
/** Every change to a saved rule carries the version the admin saw (two admins: no silent overwrite). */
export const RowForm = Type.Object({
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  version: Type.Integer({ minimum: 1 }),
});

/** Free lists are posted as text; the schema's item limits are checked after splitting. */
const LIST_TEXT = Type.Optional(Type.String({ maxLength: 20_000 }));
const CHOICES = Type.Optional(Type.Array(Type.String({ maxLength: 60 }), { maxItems: 200 }));
const LINE = Type.Optional(Type.String({ maxLength: 400 }));

const ruleFormFields = {
  _csrf: Type.Optional(Type.String({ maxLength: 200 })),
  name: Type.String({ maxLength: 400, default: '' }),
  order: Type.String({ maxLength: 30, default: '' }),
  enabled: LINE,
  effectiveFrom: LINE,
  effectiveTo: LINE,
  channels: CHOICES,
  kinds: CHOICES,
  categories: LIST_TEXT,
  keywordsAny: LIST_TEXT,
  keywordsAll: LIST_TEXT,
  keywordsNone: LIST_TEXT,
  regionPrefixes: LIST_TEXT,
  callerPrefixes: LIST_TEXT,
  timeWindow: LINE,
  priorities: CHOICES,
  leadDepartment: Type.String({ maxLength: 400, default: '' }),
  coDepartments: CHOICES,
  priority: LINE,
  slaPolicy: LINE,
  tags: LIST_TEXT,
};

/** The new-rule form: an id may be chosen (else one is made up, as the API does). */
export const NewRuleForm = Type.Object({ id: LINE, ...ruleFormFields });
/** The edit form: the version the admin started from goes with it. */
export const EditRuleForm = Type.Object({ version: Type.Integer({ minimum: 1 }), ...ruleFormFields });

export type RuleForm = Omit<Static<typeof NewRuleForm>, '_csrf'>;

/** A form field a problem belongs to (the conditions as a whole: `conditions`; none: `form`). */
export type RuleField = keyof RuleForm | 'conditions' | 'form';

export type FieldMessages = Partial<Record<RuleField, string>>;

const LIST_FIELDS = [
  'categories',
  'keywordsAny',
  'keywordsAll',
  'keywordsNone',
  'regionPrefixes',
  'callerPrefixes',
  'tags',
] as const;

/** One item per line; commas (also 、，；) separate too. Blank items dropped, repeats once. */
export function splitList(text: string | undefined): string[] {
  const items = (text ?? '')
    .split(/[\r\n,，、;；]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return [...new Set(items)];
}

/** `2026-05-01T08:30` (or `2026-05-01 08:30`, `2026-05-01`) in `timeZone` → ISO; anything else as typed. */
export function localToIso(value: string, timeZone: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):(\d{2}))?$/.exec(value);
  if (!m?.[1]) return value;
  const [date, hours = '0', minutes = '0'] = [m[1], m[2], m[3]];
  if (Number(hours) > 23 || Number(minutes) > 59) return value;
  const at = fromLocal(date, Number(hours) * 60 + Number(minutes), timeZone);
  // 2026-02-30 rolls over to March: not a date.
  if (Number.isNaN(at.getTime()) || toLocal(at, timeZone).date !== date) return value;
  return at.toISOString();
}

/** What a `datetime-local` input shows for a moment. */
export function isoToLocal(at: Date | undefined, timeZone: string): string {
  return at ? localMinute(at, timeZone).replace(' ', 'T') : '';
}

/**
 * The API's rule body for what the form posted (without id and version). Blank fields are left
 * out; a number or date that cannot be read is passed on as typed, so the schema names it.
 */
export function ruleBody(form: RuleForm, timeZone: string): Record<string, unknown> {
  const lists = Object.fromEntries(LIST_FIELDS.map((field) => [field, splitList(form[field])])) as Record<
    (typeof LIST_FIELDS)[number],
    string[]
  >;
  const some = <T>(values: T[] | undefined) => (values && values.length > 0 ? values : undefined);
  const keywords = {
    any: some(lists.keywordsAny),
    all: some(lists.keywordsAll),
    none: some(lists.keywordsNone),
  };
  const order = form.order.trim();
  const from = form.effectiveFrom?.trim();
  const to = form.effectiveTo?.trim();
  return withoutUndefined({
    name: form.name.trim(),
    order: /^\d{1,10}$/.test(order) ? Number(order) : order || undefined,
    enabled: form.enabled !== undefined,
    effectiveFrom: from ? localToIso(from, timeZone) : undefined,
    effectiveTo: to ? localToIso(to, timeZone) : undefined,
    conditions: withoutUndefined({
      channels: some(form.channels),
      kinds: some(form.kinds),
      categories: some(lists.categories),
      keywords: Object.values(keywords).some(Boolean) ? withoutUndefined(keywords) : undefined,
      regionPrefixes: some(lists.regionPrefixes),
      callerPrefixes: some(lists.callerPrefixes),
      timeWindow: form.timeWindow || undefined,
      priorities: some(form.priorities),
    }),
    actions: withoutUndefined({
      leadDepartment: form.leadDepartment,
      coDepartments: some(form.coDepartments),
      priority: form.priority || undefined,
      slaPolicy: form.slaPolicy || undefined,
      tags: some(lists.tags),
    }),
  });
}

export type CheckedRuleForm = { ok: true; draft: RuleDraft } | { ok: false; problems: FieldProblem[] };

/** A refused field: where (a JSON pointer into the API body), why, and the value refused. */
export interface FieldProblem {
  path: string;
  why: Why;
  limit?: number;
  value?: string;
  /** The checker's own words, for a problem the page has no words for. */
  message?: string;
}

type Why =
  | 'required'
  | 'tooLong'
  | 'tooMany'
  | 'format'
  | 'choice'
  | 'number'
  | 'date'
  | 'noConditions'
  | 'department'
  | 'policy'
  | 'reversed'
  | 'taken'
  | 'other';

/**
 * The body checked as the API checks it: the schema first, then `ruleProblems` over the same body
 * (both sets at once, so the admin sees every problem in one go).
 */
export function checkRuleBody(
  body: Record<string, unknown>,
  tables: RoutingTables,
  id?: string,
): CheckedRuleForm {
  const candidate = id === undefined ? body : { ...body, id };
  const problems: FieldProblem[] = [];
  for (const error of Value.Errors(CreateRuleBody, candidate)) {
    if (error.keyword === 'required') {
      const missing = (error.params as { requiredProperties?: string[] }).requiredProperties ?? [];
      for (const name of missing) problems.push({ path: `${error.instancePath}/${name}`, why: 'required' });
      continue;
    }
    problems.push(schemaProblem(error, candidate));
  }
  const draft = draftOfBody(body);
  for (const problem of ruleProblems(draft, tables)) problems.push(coreProblem(problem, candidate));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, draft };
}

/** The core's refusal of a draft (tables changed since the check), in the page's terms. */
export function coreProblems(problems: Problem[], draft: RuleDraft): FieldProblem[] {
  return problems.map((problem) => coreProblem(problem, draft));
}

/** The form as an admin sees it filled in for a saved rule (or an old version of it). */
export function formOf(rule: Omit<Rule, 'id' | 'version'>, timeZone: string): RuleForm {
  const c = rule.conditions;
  const lines = (values: readonly string[] | undefined) => (values ?? []).join('\n');
  return {
    name: rule.name,
    order: String(rule.order),
    enabled: rule.enabled ? 'on' : undefined,
    effectiveFrom: isoToLocal(rule.effectiveFrom, timeZone),
    effectiveTo: isoToLocal(rule.effectiveTo, timeZone),
    channels: c.channels ?? [],
    kinds: c.kinds ?? [],
    categories: lines(c.categories),
    keywordsAny: lines(c.keywords?.any),
    keywordsAll: lines(c.keywords?.all),
    keywordsNone: lines(c.keywords?.none),
    regionPrefixes: lines(c.regionPrefixes),
    callerPrefixes: lines(c.callerPrefixes),
    timeWindow: c.timeWindow ?? '',
    priorities: c.priorities ?? [],
    leadDepartment: rule.actions.leadDepartment,
    coDepartments: rule.actions.coDepartments ?? [],
    priority: rule.actions.priority ?? '',
    slaPolicy: rule.actions.slaPolicy ?? '',
    tags: (rule.actions.tags ?? []).join(', '),
  };
}

/** Which form field a JSON pointer into the API body belongs to. */
export function fieldOf(path: string): RuleField {
  const [, top = '', second, third] = path.split('/');
  if (top === 'conditions') {
    if (second === 'keywords') {
      return third === 'any'
        ? 'keywordsAny'
        : third === 'all'
          ? 'keywordsAll'
          : third === 'none'
            ? 'keywordsNone'
            : 'conditions';
    }
    return isFormField(second) ? second : 'conditions';
  }
  if (top === 'actions') return isFormField(second) ? second : 'form';
  return isFormField(top) ? top : 'form';
}

/** Each field's first problem, in the page's language. */
export function fieldMessages(language: StaffLanguage, problems: readonly FieldProblem[]): FieldMessages {
  const messages: FieldMessages = {};
  for (const problem of problems) messages[fieldOf(problem.path)] ??= problemText(language, problem);
  return messages;
}

/** One problem in words: `routing.problem.<why>`, with a hint per field for formats. */
export function problemText(language: StaffLanguage, problem: FieldProblem): string {
  if (problem.why === 'other') return problem.message ?? staffText(language, 'routing.problem.other');
  const key =
    problem.why === 'format'
      ? `routing.problem.format.${fieldOf(problem.path)}`
      : `routing.problem.${problem.why}`;
  return staffText(language, key, { limit: problem.limit, value: problem.value });
}

const FORM_FIELDS = new Set<string>(['id', ...Object.keys(ruleFormFields)]);
function isFormField(name: string | undefined): name is keyof RuleForm {
  return name !== undefined && name !== '_csrf' && FORM_FIELDS.has(name);
}

function schemaProblem(
  error: { keyword: string; instancePath: string; params: unknown; message: string },
  body: Record<string, unknown>,
): FieldProblem {
  const path = error.instancePath;
  const raw = valueAt(body, path);
  const limit = (error.params as { limit?: number }).limit;
  const field = fieldOf(path);
  if (raw === '' || raw === undefined) return { path, why: 'required' };
  const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
  if (field === 'order') return { path, why: 'number', value };
  if (error.keyword === 'format') return { path, why: 'date', value };
  if (error.keyword === 'maxLength') return { path, why: 'tooLong', limit, value };
  if (error.keyword === 'maxItems') return { path, why: 'tooMany', limit };
  if (error.keyword === 'pattern') return { path, why: 'format', value };
  if (['enum', 'const', 'anyOf', 'type'].includes(error.keyword)) return { path, why: 'choice', value };
  return { path, why: 'other', message: `${path}: ${error.message}` };
}

/** `ruleProblems` names its fields by path; the page words them. */
function coreProblem(problem: Problem, body: object): FieldProblem {
  const { path } = problem;
  const found = valueAt(body, path);
  const value = typeof found === 'string' ? found : JSON.stringify(found);
  if (path === '/conditions') return { path, why: 'noConditions' };
  if (path === '/effectiveTo') return { path, why: 'reversed' };
  if (path === '/actions/slaPolicy') return { path, why: 'policy', value };
  if (path.startsWith('/actions/leadDepartment') || path.startsWith('/actions/coDepartments/')) {
    return { path, why: 'department', value };
  }
  return { path, why: 'other', message: `${path}: ${problem.message}` };
}

function valueAt(body: object, path: string): unknown {
  let value: unknown = body;
  for (const key of path.split('/').slice(1)) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/** The body as the core's draft; dates that do not parse are left out (the schema has named them). */
function draftOfBody(body: Record<string, unknown>): RuleDraft {
  const date = (value: unknown) => {
    const at = typeof value === 'string' ? new Date(value) : undefined;
    return at && !Number.isNaN(at.getTime()) ? at : undefined;
  };
  const { effectiveFrom, effectiveTo, ...rest } = body as Omit<RuleDraft, 'effectiveFrom' | 'effectiveTo'> & {
    effectiveFrom?: string;
    effectiveTo?: string;
  };
  return withoutUndefined({ ...rest, effectiveFrom: date(effectiveFrom), effectiveTo: date(effectiveTo) });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
