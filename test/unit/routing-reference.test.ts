import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEPARTMENT_COUNT,
  generateRules,
  generateTickets,
  HUB_CLOCK,
  referenceNormalise,
  referenceRouter,
  referenceTimeWindow,
  RULE_COUNT,
  type ReferenceDecision,
  type ReferencePart,
} from '../../bench/lib/rule-fixtures.js';
import { compileRules, route, type Rule, type RoutingFacts } from '../../src/routing/rules.js';

/**
 * The rules engine against a brute-force reference (bench/lib/rule-fixtures.ts, shared with
 * `npm run bench -- routing`): 10,000 generated rules over 1,000 departments, thousands of generated
 * tickets, and for every one the same rule (or none), the same number of rules considered and the
 * same number passed over as not in force. The reference sorts the rules itself, looks for keywords
 * with `includes` and tells China time by shifting UTC eight hours.
 */

const TICKETS = 2_000;
/** Tickets whose decision is also explained condition by condition (the slow, thorough walk). */
const EXPLAINED = 300;
/** Tickets routed again after the rules change. */
const AFTER_CHANGE = 200;

const set = generateRules();
const compiled = compileRules(set.rules);
const tickets = generateTickets(set, TICKETS);
const expected = tickets.map(referenceRouter(set.rules));

interface Mismatch {
  index: number;
  facts: RoutingFacts;
  expected: ReferenceDecision;
  got: { ruleId: string | undefined; considered: number; notInForce: number; reasons: string[] };
}

/** Every ticket the engine decides differently from the reference, with what each said. */
function mismatches(
  engine: ReturnType<typeof compileRules>,
  facts: readonly RoutingFacts[],
  wanted: readonly ReferenceDecision[],
): Mismatch[] {
  const found: Mismatch[] = [];
  facts.forEach((ticket, index) => {
    const want = wanted[index];
    assert.ok(want);
    const decision = route(engine, ticket, HUB_CLOCK);
    const got = {
      ruleId: decision.rule?.id,
      considered: decision.considered,
      notInForce: decision.notInForce,
      reasons: decision.reasons,
    };
    if (
      got.ruleId !== want.ruleId ||
      got.considered !== want.considered ||
      got.notInForce !== want.notInForce
    )
      found.push({ index, facts: ticket, expected: want, got });
  });
  return found;
}

function report(found: readonly Mismatch[]): string {
  const shown = found.slice(0, 5).map((m) =>
    JSON.stringify({
      ticket: m.index,
      facts: m.facts,
      window: referenceTimeWindow(m.facts.at),
      expected: m.expected,
      got: m.got,
    }),
  );
  return `${found.length} of the tickets routed differently; the first ones:\n${shown.join('\n')}`;
}

describe('routing rules against a brute-force reference (10,000 rules)', () => {
  it('generates the same rules and tickets from the same seeds', () => {
    assert.equal(set.rules.length, RULE_COUNT);
    assert.equal(set.departments.length, DEPARTMENT_COUNT);
    assert.equal(new Set(set.rules.map((r) => r.actions.leadDepartment)).size, DEPARTMENT_COUNT);
    assert.equal(new Set(set.rules.map((r) => r.id)).size, RULE_COUNT, 'rule ids are unique');
    const again = generateRules();
    assert.deepEqual(again.rules.slice(0, 50), set.rules.slice(0, 50));
    assert.deepEqual(generateTickets(again, 50), tickets.slice(0, 50));
  });

  it(`routes ${TICKETS.toLocaleString('en')} tickets exactly as the reference does`, () => {
    const found = mismatches(compiled, tickets, expected);
    assert.equal(found.length, 0, report(found));
  });

  it('sends a good share of tickets to a rule and a good share to triage', () => {
    const matched = expected.filter((d) => d.ruleId !== undefined);
    const share = matched.length / TICKETS;
    assert.ok(share >= 0.4, `${Math.round(share * 100)}% matched a rule, expected at least 40%`);
    assert.ok(share <= 0.85, `${Math.round((1 - share) * 100)}% went to triage, expected at least 15%`);
    const distinctRules = new Set(matched.map((d) => d.ruleId)).size;
    assert.ok(distinctRules >= 500, `only ${distinctRules} different rules decided`);
    const deep = matched.filter((d) => d.considered > RULE_COUNT / 2).length;
    assert.ok(deep >= 100, `only ${deep} tickets were decided by a rule in the second half of the list`);
  });

  it('has every kind of condition decide some outcomes (else the comparison would prove little)', () => {
    const decisive = explainDecisions(set.rules, tickets.slice(0, EXPLAINED), expected);
    // The counts for these seeds are about twice these minimums (keyword conditions far more).
    const minimum: Record<ReferencePart, number> = {
      channels: 20,
      kinds: 20,
      categories: 20,
      priorities: 4,
      'keywords.any': 20,
      'keywords.all': 20,
      'keywords.none': 4,
      regionPrefixes: 20,
      callerPrefixes: 20,
      timeWindow: 15,
      enabled: 4,
      effectiveDates: 10,
      idTieBreak: 3,
    };
    for (const [part, atLeast] of Object.entries(minimum)) {
      const count = decisive.get(part as ReferencePart) ?? 0;
      assert.ok(
        count >= atLeast,
        `${part} decided ${count} of ${EXPLAINED} tickets, expected at least ${atLeast}: ${JSON.stringify([...decisive])}`,
      );
    }
  });

  it('routes as the reference does after rules change and are compiled again', () => {
    const sample = tickets.slice(0, AFTER_CHANGE);
    const changed = changeRules(set.rules, expected.slice(0, AFTER_CHANGE));
    const recompiled = compileRules(changed);
    const wanted = sample.map(referenceRouter(changed));
    const found = mismatches(recompiled, sample, wanted);
    assert.equal(found.length, 0, report(found));
    const moved = wanted.filter((d, i) => d.ruleId !== expected[i]?.ruleId).length;
    assert.ok(moved >= AFTER_CHANGE / 10, `the changes moved only ${moved} tickets`);
    // The set compiled before is untouched by the change: the same decisions as before.
    assert.equal(mismatches(compiled, sample.slice(0, 50), expected).length, 0);
  });
});

/**
 * New versions of some rules, as an admin would make them: the rules that decided the first tickets
 * disabled, some disabled rules enabled, some rules moved up or down, some keyword lists extended.
 */
function changeRules(rules: readonly Rule[], decided: readonly ReferenceDecision[]): Rule[] {
  const deciders = new Set(decided.map((d) => d.ruleId).filter((id) => id !== undefined));
  return rules.map((rule, i): Rule => {
    const next = { ...rule, version: rule.version + 1 };
    if (deciders.has(rule.id) && i % 2 === 0) return { ...next, enabled: false };
    if (!rule.enabled && i % 3 === 0) return { ...next, enabled: true };
    if (i % 17 === 0) return { ...next, order: (rule.order * 7) % 3_000 };
    const any = rule.conditions.keywords?.any;
    if (any && i % 13 === 0)
      return {
        ...next,
        conditions: { ...rule.conditions, keywords: { ...rule.conditions.keywords, any: [...any, '噪音'] } },
      };
    return rule;
  });
}

// ---------------------------------------------------------------------------------------------------
// Which conditions decide outcomes

type Check = (rule: Rule, t: Ticket) => boolean;

interface Ticket {
  facts: RoutingFacts;
  text: string;
  region: string | undefined;
}

const normalisedKeywords = new Map<string, string>();
function has(t: Ticket, keyword: string): boolean {
  let normalised = normalisedKeywords.get(keyword);
  if (normalised === undefined) {
    normalised = referenceNormalise(keyword);
    normalisedKeywords.set(keyword, normalised);
  }
  return t.text.includes(normalised);
}

/** Each condition on its own, true when the rule does not have it: a second, table-driven reference. */
const CHECKS: readonly (readonly [ReferencePart, Check])[] = [
  ['enabled', (r) => r.enabled],
  [
    'effectiveDates',
    (r, t) =>
      (!r.effectiveFrom || t.facts.at >= r.effectiveFrom) && (!r.effectiveTo || t.facts.at < r.effectiveTo),
  ],
  ['channels', (r, t) => r.conditions.channels?.includes(t.facts.channel) ?? true],
  ['kinds', (r, t) => r.conditions.kinds?.includes(t.facts.kind) ?? true],
  [
    'categories',
    (r, t) => !r.conditions.categories || r.conditions.categories.includes(t.facts.category ?? '\u0000'),
  ],
  ['priorities', (r, t) => r.conditions.priorities?.includes(t.facts.priority) ?? true],
  ['keywords.any', (r, t) => r.conditions.keywords?.any?.some((k) => has(t, k)) ?? true],
  ['keywords.all', (r, t) => r.conditions.keywords?.all?.every((k) => has(t, k)) ?? true],
  ['keywords.none', (r, t) => !(r.conditions.keywords?.none?.some((k) => has(t, k)) ?? false)],
  [
    'regionPrefixes',
    (r, t) =>
      !r.conditions.regionPrefixes || r.conditions.regionPrefixes.some((p) => t.region?.startsWith(p)),
  ],
  [
    'callerPrefixes',
    (r, t) =>
      !r.conditions.callerPrefixes ||
      r.conditions.callerPrefixes.some((p) => t.facts.callerPhone?.startsWith(p)),
  ],
  [
    'timeWindow',
    (r, t) =>
      r.conditions.timeWindow === undefined || r.conditions.timeWindow === referenceTimeWindow(t.facts.at),
  ],
];

/**
 * For each part of a decision, on how many tickets it decided the outcome: a rule before the deciding
 * one (or any rule, for triage) failed on that condition alone, so without it the ticket would have
 * gone elsewhere; for `idTieBreak`, a later rule of the same order matched too. Along the way, checks
 * the table-driven reference agrees with the router's: the deciding rule meets every condition, every
 * rule before it fails one.
 */
function explainDecisions(
  rules: readonly Rule[],
  facts: readonly RoutingFacts[],
  decisions: readonly ReferenceDecision[],
): Map<ReferencePart, number> {
  const ordered = [...rules].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const counts = new Map<ReferencePart, number>();
  facts.forEach((f, i) => {
    const decision = decisions[i];
    assert.ok(decision);
    const { villageCode, townshipCode, districtCode } = f.location;
    const ticket: Ticket = {
      facts: f,
      text: referenceNormalise(f.text),
      region: villageCode ?? townshipCode ?? districtCode,
    };
    /** The condition the rule fails on, `many` if more than one, undefined if none. */
    const failing = (rule: Rule): ReferencePart | 'many' | undefined => {
      let failed: ReferencePart | undefined;
      for (const [part, check] of CHECKS) {
        if (check(rule, ticket)) continue;
        if (failed !== undefined) return 'many';
        failed = part;
      }
      return failed;
    };
    const decisive = new Set<ReferencePart>();
    const end = decision.ruleId === undefined ? ordered.length : decision.considered - 1;
    for (let r = 0; r < end; r++) {
      const rule = ordered[r];
      assert.ok(rule);
      const failed = failing(rule);
      assert.ok(failed, `ticket ${i}: ${rule.id} matches but ${String(decision.ruleId)} was chosen`);
      if (failed !== 'many') decisive.add(failed);
    }
    const decider = ordered[end];
    if (decision.ruleId !== undefined && decider) {
      assert.equal(decider.id, decision.ruleId);
      assert.equal(failing(decider), undefined, `ticket ${i}: ${decider.id} was chosen but fails`);
      for (let r = end + 1; ordered[r]?.order === decider.order; r++) {
        const tied = ordered[r];
        if (tied && failing(tied) === undefined) decisive.add('idTieBreak');
      }
    }
    for (const part of decisive) counts.set(part, (counts.get(part) ?? 0) + 1);
  });
  return counts;
}
