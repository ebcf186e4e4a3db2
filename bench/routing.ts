import { availableParallelism } from 'node:os';
import path from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import type * as RulesModule from '../src/routing/rules.js';
import type { Rule, RoutingFacts } from '../src/routing/rules.js';
import { buildProject, PROJECT_ROOT } from './lib/hub-process.js';
import { progress } from './lib/log.js';
import {
  DEPARTMENT_COUNT,
  generateRules,
  generateTickets,
  HUB_CLOCK,
  referenceRouter,
  RULE_COUNT,
  TICKET_SEED,
} from './lib/rule-fixtures.js';
import { percentile, round } from './lib/stats.js';

/**
 * `npm run bench -- routing`: routing decisions against 10,000 rules of 1,000 departments, the rules
 * engine (as built for production: tsc's output in dist/, not tsx's transform of src/) against the
 * raw substrate, a naive loop of `includes` over every rule's keywords (the brute-force reference the
 * unit test checks the engine against), measured in the same run on the same tickets. Also the time
 * to compile the rules again after one changes. Pure CPU: no server, no database, no network.
 */

const DEFAULT_DECISIONS = 15_000;
/** JIT and caches warm up on tickets of their own; nothing of it is reported. */
const WARMUP_DECISIONS = 1_000;
const REBUILDS = 9;
/** Decisions between two turns of the event loop, so Ctrl-C is heard; the yield is not timed. */
const CHUNK = 500;
const GOAL = { p99BelowMs: 1 } as const;

type Route = (facts: RoutingFacts) => string | undefined;

interface Timed {
  latenciesUs: Float64Array;
  ruleIds: (string | undefined)[];
}

export async function runRoutingBenchmark(signal: AbortSignal): Promise<void> {
  const decisions = readDecisions();
  progress('building (npm run build): the engine is measured as production runs it');
  await buildProject();
  const engineUrl = pathToFileURL(path.join(PROJECT_ROOT, 'dist/routing/rules.js')).href;
  const { compileRules, route } = (await import(engineUrl)) as typeof RulesModule;

  progress(`generating ${RULE_COUNT} rules over ${DEPARTMENT_COUNT} departments and ${decisions} tickets`);
  const set = generateRules();
  const tickets = generateTickets(set, decisions);
  const warmup = generateTickets(set, WARMUP_DECISIONS, TICKET_SEED + 1);

  const { value: compiled, ms: initialCompileMs } = timed(() => compileRules(set.rules));
  const engine: Route = (facts) => route(compiled, facts, HUB_CLOCK).rule?.id;
  const reference = referenceRouter(set.rules);
  const naive: Route = (facts) => reference(facts).ruleId;

  progress(`warm-up: ${WARMUP_DECISIONS} decisions each`);
  await measure(engine, warmup, signal);
  await measure(naive, warmup, signal);
  progress(`engine: ${decisions} decisions`);
  const engineRun = await measure(engine, tickets, signal);
  progress(`engine: ${describe(engineRun.latenciesUs)}`);
  progress(`naive includes: ${decisions} decisions`);
  const naiveRun = await measure(naive, tickets, signal);
  progress(`naive includes: ${describe(naiveRun.latenciesUs)}`);

  progress(`rebuilds after a rule change: ${REBUILDS}`);
  const rebuildsMs: number[] = [];
  for (let i = 0; i < REBUILDS; i++) {
    const changed = changeOneRule(set.rules, i);
    rebuildsMs.push(timed(() => compileRules(changed)).ms);
    signal.throwIfAborted();
  }

  const matched = engineRun.ruleIds.filter((id) => id !== undefined).length;
  const disagreements = engineRun.ruleIds.filter((id, i) => id !== naiveRun.ruleIds[i]).length;
  const engineSummary = summarise(engineRun.latenciesUs);
  const naiveSummary = summarise(naiveRun.latenciesUs);
  const textChars = Float64Array.from(tickets, (t) => t.text.length).sort();
  const report = {
    benchmark: 'routing',
    node: process.version,
    cpus: availableParallelism(),
    engineBuild: 'dist (tsc)',
    rules: set.rules.length,
    departments: set.departments.length,
    keywords: compiled.keywords.length,
    automatonStates: compiled.matcher.states,
    decisions,
    warmupDecisions: WARMUP_DECISIONS,
    ticketTextChars: { p50: percentile(textChars, 50), max: percentile(textChars, 100) },
    outcomes: { matched, triage: decisions - matched },
    engine: engineSummary,
    naiveIncludes: naiveSummary,
    /** Naive time over engine time: above 1, the engine is the faster. */
    naiveToEngine: {
      p50: round(naiveSummary.p50Us / engineSummary.p50Us, 2),
      p99: round(naiveSummary.p99Us / engineSummary.p99Us, 2),
      mean: round(naiveSummary.meanUs / engineSummary.meanUs, 2),
    },
    /** Tickets the engine and the naive loop routed differently: anything but 0 is a bug. */
    disagreements,
    compile: {
      initialMs: round(initialCompileMs, 1),
      rebuildAfterChangeMedianMs: round(percentile(Float64Array.from(rebuildsMs).sort(), 50), 1),
      rebuildAfterChangeMaxMs: round(Math.max(...rebuildsMs), 1),
      rebuilds: REBUILDS,
    },
    goal: { ...GOAL, met: engineSummary.p99Us / 1000 < GOAL.p99BelowMs },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (disagreements > 0)
    throw new Error(`the engine and the naive loop disagree on ${disagreements} tickets`);
}

function readDecisions(): number {
  const text = process.env.BENCH_DECISIONS;
  if (text === undefined || text === '') return DEFAULT_DECISIONS;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 100)
    throw new Error(`BENCH_DECISIONS must be an integer ≥ 100, not "${text}"`);
  return n;
}

/** One decision per ticket, each timed on its own. */
async function measure(decide: Route, tickets: readonly RoutingFacts[], signal: AbortSignal): Promise<Timed> {
  const latenciesUs = new Float64Array(tickets.length);
  const ruleIds: (string | undefined)[] = [];
  for (let start = 0; start < tickets.length; start += CHUNK) {
    const end = Math.min(start + CHUNK, tickets.length);
    for (let i = start; i < end; i++) {
      const ticket = tickets[i] as RoutingFacts;
      const t0 = process.hrtime.bigint();
      const ruleId = decide(ticket);
      latenciesUs[i] = Number(process.hrtime.bigint() - t0) / 1000;
      ruleIds.push(ruleId);
    }
    await yieldToEventLoop();
    signal.throwIfAborted();
  }
  return { latenciesUs, ruleIds };
}

function timed<T>(work: () => T): { value: T; ms: number } {
  const t0 = process.hrtime.bigint();
  const value = work();
  return { value, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
}

/** A new version of one rule, as an admin's edit makes it: one keyword more. */
function changeOneRule(rules: readonly Rule[], i: number): Rule[] {
  const index = (i * 1_117) % rules.length;
  return rules.map((rule, j) => {
    if (j !== index) return rule;
    const keywords = rule.conditions.keywords ?? {};
    return {
      ...rule,
      version: rule.version + 1,
      conditions: {
        ...rule.conditions,
        keywords: { ...keywords, any: [...(keywords.any ?? []), `新增关键词${i}`] },
      },
    };
  });
}

/** Per-decision latency in microseconds. */
interface Summary {
  p50Us: number;
  p99Us: number;
  meanUs: number;
  maxUs: number;
}

function summarise(latenciesUs: Float64Array): Summary {
  const sorted = Float64Array.from(latenciesUs).sort();
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return {
    p50Us: round(percentile(sorted, 50), 1),
    p99Us: round(percentile(sorted, 99), 1),
    meanUs: round(mean, 1),
    maxUs: round(percentile(sorted, 100), 1),
  };
}

function describe(latenciesUs: Float64Array): string {
  const { p50Us, p99Us, meanUs } = summarise(latenciesUs);
  return `p50 ${p50Us} µs, p99 ${p99Us} µs, mean ${meanUs} µs`;
}
