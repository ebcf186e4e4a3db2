import type { Channel, Priority, TicketKind } from '../tickets/types.js';
import { isWorkingDay, type WorkCalendar } from './calendar.js';
import { KeywordMatcher } from './keyword-matcher.js';
import { minutesOf, toLocal } from '../time/zoned-time.js';

/**
 * Routing rules (派单规则): ordered conditions → actions, first match wins, no match → triage for a
 * hotline operator (人工派单). Pure: rules are compiled once when they change, then every ticket and
 * every dry-run is evaluated against the compiled set with an explanation of the decision.
 */

export type TimeWindow = 'working_hours' | 'after_hours' | 'day_off';

export interface RuleConditions {
  channels?: Channel[];
  kinds?: TicketKind[];
  categories?: string[];
  keywords?: { any?: string[]; all?: string[]; none?: string[] };
  /** District / township / village code prefixes; the ticket's most precise code is compared. */
  regionPrefixes?: string[];
  /** Normalised caller number prefixes, e.g. `+86138`. */
  callerPrefixes?: string[];
  timeWindow?: TimeWindow;
  priorities?: Priority[];
}

export interface RuleActions {
  leadDepartment: string;
  coDepartments?: string[];
  priority?: Priority;
  slaPolicy?: string;
  tags?: string[];
}

export interface Rule {
  id: string;
  version: number;
  name: string;
  /** Lower runs first. */
  order: number;
  enabled: boolean;
  effectiveFrom?: Date;
  effectiveTo?: Date;
  conditions: RuleConditions;
  actions: RuleActions;
}

export interface RoutingFacts {
  channel: Channel;
  kind: TicketKind;
  category?: string;
  priority: Priority;
  /** Subject and body: what keywords are looked for in. */
  text: string;
  location: { districtCode?: string; townshipCode?: string; villageCode?: string };
  callerPhone?: string;
  at: Date;
}

export interface RoutingDecision {
  /** The rule that routed the ticket, or undefined: to the triage queue. */
  rule?: { id: string; version: number; name: string };
  actions?: RuleActions;
  /** Why that rule matched, one line per condition. */
  reasons: string[];
  /** How many rules were looked at before the decision. */
  considered: number;
  /** Rules passed over for not being in force (disabled, not yet or no longer effective). */
  notInForce: number;
}

export interface CompiledRules {
  readonly rules: readonly Rule[];
  readonly matcher: KeywordMatcher;
  readonly keywords: readonly string[];
  readonly keywordIds: ReadonlyMap<string, number>;
}

export interface ClockOptions {
  calendar: WorkCalendar;
  timeZone: string;
  /** The hotline centre's working hours, for the time-window condition. */
  workingHours: readonly { from: string; to: string }[];
}

/** Orders the rules and builds one keyword automaton over all of them. */
export function compileRules(rules: readonly Rule[]): CompiledRules {
  const ordered = [...rules].sort((a, b) => a.order - b.order || a.id.localeCompare(b.id));
  const keywordIds = new Map<string, number>();
  for (const rule of ordered) {
    const { any = [], all = [], none = [] } = rule.conditions.keywords ?? {};
    for (const keyword of [...any, ...all, ...none])
      if (!keywordIds.has(keyword)) keywordIds.set(keyword, keywordIds.size);
  }
  const keywords = [...keywordIds.keys()];
  return { rules: ordered, matcher: new KeywordMatcher(keywords), keywords, keywordIds };
}

/** Where a ticket goes, and why. */
export function route(compiled: CompiledRules, facts: RoutingFacts, clock: ClockOptions): RoutingDecision {
  const present = compiled.matcher.match(facts.text);
  const window = timeWindowOf(facts.at, clock);
  const region = facts.location.villageCode ?? facts.location.townshipCode ?? facts.location.districtCode;
  let considered = 0;
  let notInForce = 0;
  for (const rule of compiled.rules) {
    considered++;
    if (!inForce(rule, facts.at)) {
      notInForce++;
      continue;
    }
    const reasons = matchReasons(rule.conditions, {
      facts,
      present,
      window,
      region,
      keywordIds: compiled.keywordIds,
    });
    if (reasons) {
      return {
        rule: { id: rule.id, version: rule.version, name: rule.name },
        actions: rule.actions,
        reasons,
        considered,
        notInForce,
      };
    }
  }
  return { reasons: ['no rule matched: to the triage queue for manual dispatch'], considered, notInForce };
}

function inForce(rule: Rule, at: Date): boolean {
  if (!rule.enabled) return false;
  if (rule.effectiveFrom && at < rule.effectiveFrom) return false;
  return !(rule.effectiveTo && at >= rule.effectiveTo);
}

interface Evaluation {
  facts: RoutingFacts;
  present: ReadonlySet<number>;
  window: TimeWindow;
  region: string | undefined;
  keywordIds: ReadonlyMap<string, number>;
}

/** The reasons every condition holds, or undefined as soon as one does not. */
function matchReasons(conditions: RuleConditions, e: Evaluation): string[] | undefined {
  const reasons: string[] = [];
  const { facts } = e;
  if (conditions.channels) {
    if (!conditions.channels.includes(facts.channel)) return undefined;
    reasons.push(`channel ${facts.channel}`);
  }
  if (conditions.kinds) {
    if (!conditions.kinds.includes(facts.kind)) return undefined;
    reasons.push(`kind ${facts.kind}`);
  }
  if (conditions.categories) {
    if (!facts.category || !conditions.categories.includes(facts.category)) return undefined;
    reasons.push(`category ${facts.category}`);
  }
  if (conditions.priorities) {
    if (!conditions.priorities.includes(facts.priority)) return undefined;
    reasons.push(`priority ${facts.priority}`);
  }
  if (conditions.keywords) {
    const found = keywordReasons(conditions.keywords, e);
    if (!found) return undefined;
    reasons.push(...found);
  }
  if (conditions.regionPrefixes) {
    const prefix = conditions.regionPrefixes.find((p) => e.region?.startsWith(p));
    if (prefix === undefined || e.region === undefined) return undefined;
    reasons.push(`region ${e.region} is within ${prefix}`);
  }
  if (conditions.callerPrefixes) {
    const prefix = conditions.callerPrefixes.find((p) => facts.callerPhone?.startsWith(p));
    if (prefix === undefined) return undefined;
    reasons.push(`caller number starts with ${prefix}`);
  }
  if (conditions.timeWindow) {
    if (conditions.timeWindow !== e.window) return undefined;
    reasons.push(`received ${e.window.replace('_', ' ')}`);
  }
  return reasons;
}

function keywordReasons(
  keywords: NonNullable<RuleConditions['keywords']>,
  e: Evaluation,
): string[] | undefined {
  const has = (k: string): boolean => e.present.has(e.keywordIds.get(k) ?? -1);
  const reasons: string[] = [];
  if (keywords.any?.length) {
    const hit = keywords.any.filter(has);
    if (hit.length === 0) return undefined;
    reasons.push(`text mentions ${hit.join('、')}`);
  }
  if (keywords.all?.length) {
    if (!keywords.all.every(has)) return undefined;
    reasons.push(`text mentions all of ${keywords.all.join('、')}`);
  }
  if (keywords.none?.length) {
    if (keywords.none.some(has)) return undefined;
    reasons.push(`text mentions none of ${keywords.none.join('、')}`);
  }
  return reasons;
}

/** Working hours of a working day, after hours of a working day, or a day off (weekend, holiday). */
export function timeWindowOf(at: Date, clock: ClockOptions): TimeWindow {
  const local = toLocal(at, clock.timeZone);
  if (!isWorkingDay(clock.calendar, local.date)) return 'day_off';
  const inHours = clock.workingHours.some(
    (h) => local.minutes >= minutesOf(h.from) && local.minutes < minutesOf(h.to),
  );
  return inHours ? 'working_hours' : 'after_hours';
}
