import type { TimeWindow } from '../routing/rules.js';
import { timeWindowOf } from '../routing/rules.js';
import { deadline } from '../routing/sla-clock.js';
import { clockOptions, workingTime, type RoutingTables } from '../routing/tables.js';
import { routeFacts } from './route-ticket.js';
import type { Channel, Priority, TicketKind } from './types.js';

/** What a ticket would be routed by: the dry-run's input (nothing is created). */
export interface RoutePreviewInput {
  channel: Channel;
  kind: TicketKind;
  category?: string;
  priority: Priority;
  subject?: string;
  text: string;
  location: { districtCode?: string; townshipCode?: string; villageCode?: string };
  /** Normalised. */
  callerPhone?: string;
  at: Date;
}

/** Where it would go and why (派单预演): the staff API's dry-run answer, also the console's preview. */
export interface RoutePreview {
  matched: boolean;
  rule?: { id: string; version: number; name: string };
  reasons: string[];
  considered: number;
  notInForce: number;
  timeWindow: TimeWindow;
  routeTo?: { leadDepartment: string; coDepartments: string[]; priority: Priority; tags: string[] };
  /** The SLA policy that would apply, with each clock's due time (ISO). */
  sla?: { policy: string; policyVersion: number; dueAt: Record<string, string> };
}

/**
 * The routing decision for a ticket that does not exist yet, with its explanation, priority and SLA
 * deadlines counted from `at` — the same `routeFacts` intake routes by, so the preview says what
 * intake will do (with the rules in force at that moment). Pure: no I/O.
 */
export function previewRoute(tables: RoutingTables, input: RoutePreviewInput): RoutePreview {
  const { at } = input;
  const { decision, priority, policy } = routeFacts(tables, {
    channel: input.channel,
    kind: input.kind,
    category: input.category,
    priority: input.priority,
    text: [input.subject, input.text].filter(Boolean).join('\n'),
    location: input.location,
    callerPhone: input.callerPhone,
    at,
  });
  const base: RoutePreview = {
    matched: decision.rule !== undefined,
    rule: decision.rule,
    reasons: decision.reasons,
    considered: decision.considered,
    notInForce: decision.notInForce,
    timeWindow: timeWindowOf(at, clockOptions(tables)),
  };
  const actions = decision.actions;
  if (!actions) return base;
  const options = workingTime(tables, actions.leadDepartment);
  return {
    ...base,
    routeTo: {
      leadDepartment: actions.leadDepartment,
      coDepartments: actions.coDepartments ?? [],
      priority,
      tags: actions.tags ?? [],
    },
    sla: policy && {
      policy: policy.code,
      policyVersion: policy.version,
      dueAt: Object.fromEntries(
        (['sign', 'response', 'completion'] as const).flatMap((name) => {
          const duration = policy.clocks[name];
          return duration ? [[name, deadline(at, duration, options).toISOString()]] : [];
        }),
      ),
    },
  };
}
