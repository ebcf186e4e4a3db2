import type { Channel, Priority, TicketKind } from '../tickets/types.js';
import type { ClockName, Duration, Thresholds } from './sla-clock.js';

/**
 * SLA policies (承诺时限): which clocks a ticket runs and how long each is, chosen by category × kind
 * × priority (× channel). Ordered; the first policy whose conditions all hold applies, unless the
 * routing rule names one. A policy without conditions is the fallback.
 */
export interface SlaPolicy {
  code: string;
  name: string;
  version: number;
  /** Lower is tried first. */
  order: number;
  active: boolean;
  match: {
    categories?: string[];
    kinds?: TicketKind[];
    priorities?: Priority[];
    channels?: Channel[];
  };
  clocks: Partial<Record<ClockName, Duration>>;
  /** Each co-department's own limit for its opinion (并联会办); defaults to the completion clock. */
  coOpinion?: Duration;
  thresholds: Thresholds;
}

export interface PolicyFacts {
  kind: TicketKind;
  category?: string;
  priority: Priority;
  channel: Channel;
}

export function selectPolicy(
  policies: readonly SlaPolicy[],
  facts: PolicyFacts,
  named?: string,
): SlaPolicy | undefined {
  const active = policies.filter((p) => p.active);
  if (named) {
    const chosen = active.find((p) => p.code === named);
    if (chosen) return chosen;
  }
  return [...active]
    .sort((a, b) => a.order - b.order || a.code.localeCompare(b.code))
    .find((p) => matches(p, facts));
}

function matches(policy: SlaPolicy, facts: PolicyFacts): boolean {
  const { categories, kinds, priorities, channels } = policy.match;
  if (categories && (!facts.category || !categories.includes(facts.category))) return false;
  if (kinds && !kinds.includes(facts.kind)) return false;
  if (priorities && !priorities.includes(facts.priority)) return false;
  return !(channels && !channels.includes(facts.channel));
}

const THRESHOLDS: Thresholds = { yellow: 0.5, red: 0.8 };

/**
 * The policies a new hub starts with, after common 12345 practice: 特急 within hours, 紧急 in two
 * working days, consultations in three, everything else in five; callbacks within two working days
 * of the answer. Admins change them through the API.
 */
export const DEFAULT_SLA_POLICIES: readonly SlaPolicy[] = [
  {
    code: 'critical',
    name: '特急件',
    version: 1,
    order: 10,
    active: true,
    match: { priorities: ['critical'] },
    clocks: {
      sign: { amount: 1, unit: 'hours' },
      response: { amount: 2, unit: 'hours' },
      completion: { amount: 24, unit: 'hours' },
      callback: { amount: 1, unit: 'working_days' },
    },
    coOpinion: { amount: 12, unit: 'hours' },
    thresholds: THRESHOLDS,
  },
  {
    code: 'urgent',
    name: '紧急件',
    version: 1,
    order: 20,
    active: true,
    match: { priorities: ['urgent'] },
    clocks: {
      sign: { amount: 2, unit: 'working_hours' },
      response: { amount: 4, unit: 'working_hours' },
      completion: { amount: 2, unit: 'working_days' },
      callback: { amount: 1, unit: 'working_days' },
    },
    coOpinion: { amount: 1, unit: 'working_days' },
    thresholds: THRESHOLDS,
  },
  {
    code: 'consultation',
    name: '咨询件',
    version: 1,
    order: 30,
    active: true,
    match: { kinds: ['consultation'] },
    clocks: {
      sign: { amount: 4, unit: 'working_hours' },
      response: { amount: 1, unit: 'working_days' },
      completion: { amount: 3, unit: 'working_days' },
      callback: { amount: 2, unit: 'working_days' },
    },
    thresholds: THRESHOLDS,
  },
  {
    code: 'default',
    name: '一般件',
    version: 1,
    order: 1000,
    active: true,
    match: {},
    clocks: {
      sign: { amount: 1, unit: 'working_days' },
      response: { amount: 2, unit: 'working_days' },
      completion: { amount: 5, unit: 'working_days' },
      callback: { amount: 2, unit: 'working_days' },
    },
    coOpinion: { amount: 3, unit: 'working_days' },
    thresholds: THRESHOLDS,
  },
];
