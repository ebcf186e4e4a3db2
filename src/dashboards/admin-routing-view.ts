import { TIME_WINDOWS } from '../api/routing-schemas.js';
import type { RuleEdit } from '../routing/rule-edits.js';
import type { Rule, RuleConditions } from '../routing/rules.js';
import type { SlaPolicy } from '../routing/sla-policy.js';
import type { Department } from '../store/departments.js';
import type { StoredRule } from '../store/routing-rules.js';
import { localMinute } from '../time/local-format.js';
import type { RoutePreview } from '../tickets/route-preview.js';
import { CHANNELS, KINDS, PRIORITIES } from '../tickets/types.js';
import { coreProblems, problemText, type FieldMessages, type RuleForm } from './admin-routing-form.js';
import { staffText, type StaffLanguage } from './messages.js';

/**
 * How the routing page shows rules: condition lines for the list, every field of a version, the
 * fields two versions differ in, the test box's answer and the rule form's choices. Pure.
 */

export const ROUTING_PAGE = '/staff/admin/routing';
export const DONE = ['created', 'saved', 'enabled', 'disabled', 'moved', 'unmoved', 'restored'] as const;

/** Where a page action sends the admin after a change: the list, with a note, at the rule's row. */
export function doneUrl(done: (typeof DONE)[number], id: string, from?: number): string {
  const extra = from === undefined ? '' : `&from=${String(from)}`;
  return `${ROUTING_PAGE}?done=${done}&rule=${encodeURIComponent(id)}${extra}#rule-${id}`;
}

/** "Changed by … at … (now version N): nothing saved" — a refused stale change. */
export function conflictText(language: StaffLanguage, current: StoredRule, timeZone: string): string {
  return staffText(language, 'routing.conflict', {
    name: current.name,
    by: current.updatedBy,
    at: localMinute(current.updatedAt, timeZone),
    version: current.version,
  });
}

/** "Rule … not saved: problems" — a change the core's check refused, in the page's words. */
export function refusedText(
  language: StaffLanguage,
  edit: Extract<RuleEdit, { reason: 'invalid' }>,
  rule: Rule,
): string {
  return staffText(language, 'routing.refused', {
    name: rule.name,
    problems: coreProblems(edit.problems, rule)
      .map((problem) => problemText(language, problem))
      .join(' '),
  });
}

export type DepartmentName = (code: string) => string;

/** `住建局 (ZJJ)` in the page's language; the bare code for one the store does not know. */
export function departmentNamer(departments: readonly Department[], language: StaffLanguage): DepartmentName {
  const names = new Map(departments.map((d) => [d.code, language === 'en' ? (d.nameEn ?? d.name) : d.name]));
  return (code) => `${names.get(code) ?? code} (${code})`;
}

type RuleContent = Omit<Rule, 'id' | 'version'>;

/** A rule's conditions, one line each, in the page's language. */
export function conditionLines(language: StaffLanguage, c: RuleConditions): string[] {
  const lines = conditionFacts(language, c)
    .filter((fact) => fact.value !== '')
    .map((fact) => `${fact.label}: ${fact.value}`);
  return lines.length > 0 ? lines : [staffText(language, 'routing.cond.any')];
}

export interface RuleFact {
  key: string;
  label: string;
  /** Empty when the rule does not set it. */
  value: string;
}

/** Every field of a rule's content, in form order (also what a diff compares). */
export function ruleFacts(
  language: StaffLanguage,
  rule: RuleContent,
  dept: DepartmentName,
  timeZone: string,
): RuleFact[] {
  const t = (key: string) => staffText(language, key);
  const fact = (key: string, label: string, value: string): RuleFact => ({ key, label, value });
  const a = rule.actions;
  return [
    fact('name', t('routing.field.name'), rule.name),
    fact('order', t('routing.field.order'), String(rule.order)),
    fact('enabled', t('routing.field.enabled'), t(rule.enabled ? 'routing.yes' : 'routing.no')),
    fact('effectiveFrom', t('routing.field.effectiveFrom'), moment(rule.effectiveFrom, timeZone)),
    fact('effectiveTo', t('routing.field.effectiveTo'), moment(rule.effectiveTo, timeZone)),
    ...conditionFacts(language, rule.conditions),
    fact('leadDepartment', t('routing.field.leadDepartment'), dept(a.leadDepartment)),
    fact('coDepartments', t('routing.field.coDepartments'), (a.coDepartments ?? []).map(dept).join('、')),
    fact('priority', t('routing.field.priority'), a.priority ? t(`ticket.priority.${a.priority}`) : ''),
    fact('slaPolicy', t('routing.field.slaPolicy'), a.slaPolicy ?? ''),
    fact('tags', t('routing.field.tags'), (a.tags ?? []).join('、')),
  ];
}

export interface FactChange {
  label: string;
  was: string;
  now: string;
}

/** The fields `old` and `current` differ in, as the page shows them. */
export function ruleDiff(
  language: StaffLanguage,
  old: RuleContent,
  current: RuleContent,
  dept: DepartmentName,
  timeZone: string,
): FactChange[] {
  const now = ruleFacts(language, current, dept, timeZone);
  return ruleFacts(language, old, dept, timeZone).flatMap((fact, i) => {
    const value = now[i]?.value ?? '';
    return fact.value === value ? [] : [{ label: fact.label, was: fact.value, now: value }];
  });
}

export function versionLine(language: StaffLanguage, rule: StoredRule, timeZone: string): string {
  return staffText(language, 'routing.versionLine', {
    version: rule.version,
    at: localMinute(rule.updatedAt, timeZone),
    by: rule.updatedBy,
    name: rule.name,
  });
}

function conditionFacts(language: StaffLanguage, c: RuleConditions): RuleFact[] {
  const fact = (key: string, values: readonly string[] | undefined): RuleFact => ({
    key,
    label: staffText(language, `routing.cond.${key}`),
    value: (values ?? []).join('、'),
  });
  const words = (prefix: string, values: readonly string[] | undefined) =>
    values?.map((v) => staffText(language, `${prefix}${v}`));
  return [
    fact('channels', words('ticket.channel.', c.channels)),
    fact('kinds', words('ticket.kind.', c.kinds)),
    fact('categories', c.categories),
    fact('keywordsAny', c.keywords?.any),
    fact('keywordsAll', c.keywords?.all),
    fact('keywordsNone', c.keywords?.none),
    fact('regionPrefixes', c.regionPrefixes),
    fact('callerPrefixes', c.callerPrefixes),
    fact('timeWindow', words('routing.window.', c.timeWindow ? [c.timeWindow] : undefined)),
    fact('priorities', words('ticket.priority.', c.priorities)),
  ];
}

function moment(at: Date | undefined, timeZone: string): string {
  return at ? localMinute(at, timeZone) : '';
}

interface Choice {
  value: string;
  label: string;
  checked: boolean;
}

/**
 * The rule form's data: what was typed (or saved), every choice of the fixed sets with the chosen
 * ones marked, active departments and SLA policies (plus the rule's own if no longer active, so an
 * edit shows the rule as it is and the check names the problem), and each field's message.
 */
export function ruleFormView(
  language: StaffLanguage,
  form: RuleForm,
  choices: { departments: readonly Department[]; policies: readonly SlaPolicy[] },
  messages: FieldMessages,
): Record<string, unknown> {
  const t = (key: string) => staffText(language, key);
  const chosen = (values: readonly string[] | undefined, value: string) => (values ?? []).includes(value);
  const set = (values: readonly string[], prefix: string, picked: readonly string[] | undefined): Choice[] =>
    values.map((value) => ({ value, label: t(`${prefix}${value}`), checked: chosen(picked, value) }));
  const dept = departmentNamer(choices.departments, language);
  const inactive = t('routing.form.inactive');
  const offered = (active: string[], picked: readonly string[]) => [
    ...active,
    ...picked.filter((code) => code !== '' && !active.includes(code)),
  ];
  const activeDepartments = choices.departments.filter((d) => d.active).map((d) => d.code);
  const departmentChoice = (picked: readonly string[]) => (code: string) => ({
    value: code,
    label: activeDepartments.includes(code) ? dept(code) : `${dept(code)} ${inactive}`,
    checked: picked.includes(code),
  });
  const lead = [form.leadDepartment];
  const co = form.coDepartments ?? [];
  const activePolicies = choices.policies.filter((p) => p.active);
  const policyLabel = (code: string) => {
    const policy = choices.policies.find((p) => p.code === code);
    const label = policy ? `${policy.name} (${code})` : code;
    return activePolicies.some((p) => p.code === code) ? label : `${label} ${inactive}`;
  };
  const policy = form.slaPolicy ?? '';
  return {
    form,
    enabled: form.enabled !== undefined,
    channels: set(CHANNELS, 'ticket.channel.', form.channels),
    kinds: set(KINDS, 'ticket.kind.', form.kinds),
    priorities: set(PRIORITIES, 'ticket.priority.', form.priorities),
    windows: [
      { value: '', label: t('routing.window.any'), checked: !form.timeWindow },
      ...set(TIME_WINDOWS, 'routing.window.', form.timeWindow ? [form.timeWindow] : []),
    ],
    leads: offered(activeDepartments, lead).map(departmentChoice(lead)),
    coDepartments: offered(activeDepartments, co).map(departmentChoice(co)),
    actionPriorities: [
      { value: '', label: t('routing.form.priorityKeep'), checked: !form.priority },
      ...set(PRIORITIES, 'ticket.priority.', form.priority ? [form.priority] : []),
    ],
    policies: [
      { value: '', label: t('routing.form.slaAuto'), checked: policy === '' },
      ...offered(
        activePolicies.map((p) => p.code),
        [policy],
      ).map((code) => ({ value: code, label: policyLabel(code), checked: code === policy })),
    ],
    problems: messages,
    hasProblems: Object.keys(messages).length > 0,
  };
}

/** The test box's answer. */
export function resultView(
  language: StaffLanguage,
  preview: RoutePreview,
  dept: DepartmentName,
): Record<string, unknown> {
  const routeTo = preview.routeTo;
  return {
    matched: preview.matched,
    ruleId: preview.rule?.id,
    headline: preview.rule
      ? staffText(language, 'routing.matched', {
          name: preview.rule.name,
          id: preview.rule.id,
          version: preview.rule.version,
        })
      : staffText(language, 'routing.unmatched'),
    routeTo:
      routeTo &&
      staffText(language, 'routing.routeTo', {
        lead: dept(routeTo.leadDepartment),
        co:
          routeTo.coDepartments.length > 0
            ? `, ${staffText(language, 'routing.co', { departments: routeTo.coDepartments.map(dept).join('、') })}`
            : '',
        priority: staffText(language, `ticket.priority.${routeTo.priority}`),
      }),
    sla:
      preview.sla &&
      staffText(language, 'routing.sla', { policy: preview.sla.policy, version: preview.sla.policyVersion }),
    reasons: preview.reasons,
    considered: staffText(language, 'routing.considered', {
      considered: preview.considered,
      notInForce: preview.notInForce,
    }),
  };
}
