import { randomBytes } from 'node:crypto';
import type { Store } from '../store/store.js';
import type { StoredRule } from '../store/routing-rules.js';
import type { Actor } from '../tickets/types.js';
import type { RoutingService } from './plugin.js';
import type { Rule } from './rules.js';
import { ruleProblems, type Problem } from './validate.js';

/**
 * An administrator's changes to routing rules, the same for the API (`src/api/routing-routes.ts`)
 * and the rules page (`src/dashboards/admin-routing.ts`): checked by `ruleProblems` against the
 * tables in force, saved as a new version only if the rule is still at the version the admin
 * started from, audited, and the routing tables rebuilt in every process. Input shapes (schemas)
 * are checked at each boundary before these are called.
 */
export interface RuleEditDeps {
  store: Pick<Store, 'rules' | 'audit'>;
  routing: RoutingService;
}

/** What an admin decides about a rule: everything but its id and version. */
export type RuleDraft = Omit<Rule, 'id' | 'version'>;

export type RuleEdit =
  | { ok: true; rule: StoredRule }
  | { ok: false; reason: 'invalid'; problems: Problem[] }
  | { ok: false; reason: 'exists' | 'not_found' }
  /** Someone saved another version first: `current` is the rule as it is now. */
  | { ok: false; reason: 'version_conflict'; current: StoredRule };

/**
 * Version 1 of a new rule, under `id` or a new one (`r_` and 12 hex digits); refused when the id is
 * taken. Audited as `create_rule`.
 */
export async function createRule(
  deps: RuleEditDeps,
  wanted: string | undefined,
  draft: RuleDraft,
  actor: Actor,
): Promise<RuleEdit> {
  const id = wanted ?? `r_${randomBytes(6).toString('hex')}`;
  const problems = ruleProblems(draft, deps.routing.tables());
  if (problems.length > 0) return { ok: false, reason: 'invalid', problems };
  const saved = await deps.store.rules.create(stored(draft, id, 1, actor));
  if (!saved.ok) return { ok: false, reason: 'exists' };
  await routingChanged(deps, actor, 'create_rule', `${id}@1`);
  return saved;
}

/**
 * The next version of a rule, written only if it is still `baseVersion`. Audited as `update_rule`
 * (`detail` says what kind of change a page made: `enabled`, `moved_up`, `restored_v1` …).
 */
export async function updateRule(
  deps: RuleEditDeps,
  id: string,
  baseVersion: number,
  draft: RuleDraft,
  actor: Actor,
  detail?: string,
): Promise<RuleEdit> {
  if (!(await deps.store.rules.findById(id))) return { ok: false, reason: 'not_found' };
  const problems = ruleProblems(draft, deps.routing.tables());
  if (problems.length > 0) return { ok: false, reason: 'invalid', problems };
  const saved = await deps.store.rules.update(stored(draft, id, baseVersion, actor), baseVersion);
  if (!saved.ok) {
    const current = await deps.store.rules.findById(id);
    return current ? { ok: false, reason: 'version_conflict', current } : { ok: false, reason: 'not_found' };
  }
  await routingChanged(deps, actor, 'update_rule', `${id}@${String(saved.rule.version)}`, detail);
  return saved;
}

/** The rule switched on or off: a new version like any change. */
export async function setRuleEnabled(
  deps: RuleEditDeps,
  id: string,
  baseVersion: number,
  enabled: boolean,
  actor: Actor,
): Promise<RuleEdit> {
  const current = await deps.store.rules.findById(id);
  if (!current) return { ok: false, reason: 'not_found' };
  const draft = { ...draftOf(current), enabled };
  return updateRule(deps, id, baseVersion, draft, actor, enabled ? 'enabled' : 'disabled');
}

/**
 * An old version's content saved as the newest version (history is never rewritten: restoring v1
 * of a rule at v2 makes v3 equal to v1). Checked again: a department closed since is refused.
 */
export async function restoreRuleVersion(
  deps: RuleEditDeps,
  id: string,
  version: number,
  baseVersion: number,
  actor: Actor,
): Promise<RuleEdit> {
  const old = await deps.store.rules.findVersion(id, version);
  if (!old) return { ok: false, reason: 'not_found' };
  return updateRule(deps, id, baseVersion, draftOf(old), actor, `restored_v${String(version)}`);
}

export type MoveDirection = 'up' | 'down';

/**
 * The rule one place earlier or later in the order rules are tried. Its order number is set
 * between its new neighbours' when there is room (one new version), otherwise it trades order
 * numbers with the rule it passes (a new version of each: the moved rule's first, checked against
 * the version the admin saw). Already first (or last): nothing changes, `rule` is the current one.
 */
export async function moveRule(
  deps: RuleEditDeps,
  id: string,
  baseVersion: number,
  direction: MoveDirection,
  actor: Actor,
): Promise<RuleEdit> {
  const rules = rulesInOrder(await deps.store.rules.list());
  const at = rules.findIndex((rule) => rule.id === id);
  const rule = rules[at];
  if (!rule) return { ok: false, reason: 'not_found' };
  if (rule.version !== baseVersion) return { ok: false, reason: 'version_conflict', current: rule };
  const moves = ordersAfterMove(rules, at, direction);
  const detail = `moved_${direction}`;
  let moved: RuleEdit = { ok: true, rule };
  for (const { id: movedId, order } of moves) {
    const target = rules.find((r) => r.id === movedId);
    if (!target) continue;
    const edit = await updateRule(
      deps,
      movedId,
      target.version,
      { ...draftOf(target), order },
      actor,
      detail,
    );
    if (movedId === id) moved = edit;
    if (!edit.ok) return edit;
  }
  return moved;
}

/**
 * The new order numbers a move needs, the moved rule first; empty when it cannot move that way.
 * Pure: `rules` are in the order they are tried ({@link rulesInOrder}).
 */
export function ordersAfterMove(
  rules: readonly Pick<Rule, 'id' | 'order'>[],
  at: number,
  direction: MoveDirection,
): { id: string; order: number }[] {
  const step = direction === 'up' ? -1 : 1;
  const rule = rules[at];
  const passed = rules[at + step];
  if (!rule || !passed) return [];
  // The moved rule lands strictly between the rule it passes and the one beyond (or a gap of 20).
  const beyond = rules[at + 2 * step]?.order ?? passed.order + 20 * step;
  const low = Math.max(Math.min(passed.order, beyond), -1);
  const high = Math.min(Math.max(passed.order, beyond), MAX_ORDER + 1);
  if (high - low >= 2) return [{ id: rule.id, order: Math.floor((low + high) / 2) }];
  if (passed.order !== rule.order) {
    return [
      { id: rule.id, order: passed.order },
      { id: passed.id, order: rule.order },
    ];
  }
  return [];
}

/** The largest order number the schemas accept. */
const MAX_ORDER = 1_000_000_000;

/** The order routing tries rules in (`compileRules`): by order, then id in code-unit order. */
export function rulesInOrder<R extends Pick<Rule, 'id' | 'order'>>(rules: readonly R[]): R[] {
  return [...rules].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** A saved rule's content, without its id, version and who saved it. */
export function draftOf(rule: Rule): RuleDraft {
  return {
    name: rule.name,
    order: rule.order,
    enabled: rule.enabled,
    ...(rule.effectiveFrom ? { effectiveFrom: rule.effectiveFrom } : {}),
    ...(rule.effectiveTo ? { effectiveTo: rule.effectiveTo } : {}),
    conditions: rule.conditions,
    actions: rule.actions,
  };
}

/** An admin change to routing (rules, policies, the calendar, hours): audited, then rebuilt everywhere. */
export async function routingChanged(
  deps: RuleEditDeps,
  actor: Actor,
  action: string,
  what: string,
  detail?: string,
): Promise<void> {
  await deps.store.audit.append({
    actor,
    action,
    fields: [what],
    ...(detail ? { detail } : {}),
    at: new Date(),
  });
  await deps.routing.changed();
}

function stored(draft: RuleDraft, id: string, version: number, actor: Actor): StoredRule {
  return { ...draft, id, version, updatedAt: new Date(), updatedBy: actor.id };
}
