import {
  CLOCK_NAMES,
  deadline,
  extendClock,
  pauseClock,
  resumeClock,
  startClock,
  stopClock,
  type ClockName,
  type SlaClock,
} from '../routing/sla-clock.js';
import { selectPolicy, type SlaPolicy } from '../routing/sla-policy.js';
import { workingTime, type RoutingTables } from '../routing/tables.js';
import { addWorkingDays } from '../routing/working-time.js';
import type { CoDepartment, PauseReason, Ticket, TicketSla } from './types.js';

/**
 * What each step of a ticket does to its SLA clocks (pure; the command writes the result with its
 * event). Department clocks — sign (签收), first response, completion (办结) — start when a department
 * gets the ticket and count in that department's working hours; the callback clock (回访) starts with
 * the answer and counts in the hotline centre's office hours.
 */

type Clocks = TicketSla['clocks'];
const DEPARTMENT_CLOCKS: readonly ClockName[] = ['sign', 'response', 'completion'];

export function policyFor(
  tables: RoutingTables,
  ticket: Pick<Ticket, 'kind' | 'category' | 'priority' | 'channel'>,
  named?: string,
): SlaPolicy | undefined {
  return selectPolicy(tables.policies, ticket, named);
}

/** A department receives the ticket (routing, 派单, 改派): its clocks start afresh. */
export function startDepartmentClocks(
  tables: RoutingTables,
  policy: SlaPolicy | undefined,
  department: string,
  at: Date,
): TicketSla {
  const clocks: Clocks = {};
  if (policy) {
    const options = workingTime(tables, department);
    for (const name of DEPARTMENT_CLOCKS) {
      const duration = policy.clocks[name];
      if (duration) clocks[name] = startClock(at, duration, policy.thresholds, options);
    }
  }
  return { policy: policy?.code, policyVersion: policy?.version, department, clocks };
}

/** Each co-department's own deadline for its opinion, in its own working hours. */
export function coDepartmentDue(
  tables: RoutingTables,
  policy: SlaPolicy | undefined,
  department: string,
  at: Date,
): CoDepartment {
  const duration = policy?.coOpinion ?? policy?.clocks.completion;
  return {
    department,
    status: 'pending',
    dueAt: duration ? deadline(at, duration, workingTime(tables, department)) : undefined,
  };
}

function mapClocks(
  clocks: Clocks,
  names: readonly ClockName[],
  change: (clock: SlaClock) => SlaClock,
): Clocks {
  const next: Clocks = { ...clocks };
  for (const name of names) {
    const clock = next[name];
    if (clock) next[name] = change(clock);
  }
  return next;
}

export function stopClocks(sla: TicketSla, names: readonly ClockName[], at: Date): TicketSla {
  return { ...sla, clocks: mapClocks(sla.clocks, names, (c) => stopClock(c, at)) };
}

export function stopAll(sla: TicketSla, at: Date): TicketSla {
  return { ...stopClocks(sla, CLOCK_NAMES, at), pause: undefined };
}

/** The clock stands still: waiting for the citizen, a hearing, an expert review. */
export function pause(sla: TicketSla, reason: PauseReason, at: Date, text?: string): TicketSla {
  return {
    ...sla,
    clocks: mapClocks(sla.clocks, ['completion'], (c) => pauseClock(c, at)),
    pause: { reason, since: at, text },
  };
}

export function resume(tables: RoutingTables, sla: TicketSla, at: Date): TicketSla {
  const options = workingTime(tables, sla.department);
  return {
    ...sla,
    clocks: mapClocks(sla.clocks, ['completion'], (c) => resumeClock(c, at, options)),
    pause: undefined,
  };
}

/** The department answered: its clocks stop, the callback clock starts. */
export function answered(tables: RoutingTables, sla: TicketSla, at: Date): TicketSla {
  const stopped = stopAll(sla, at);
  const policy = tables.policies.find((p) => p.code === sla.policy);
  const callback = policy?.clocks.callback;
  if (!policy || !callback) return stopped;
  const options = workingTime(tables);
  return {
    ...stopped,
    clocks: { ...stopped.clocks, callback: startClock(at, callback, policy.thresholds, options) },
  };
}

/** An approved extension: the completion limit ends `workingDays` working days after its due day. */
export function extended(
  tables: RoutingTables,
  sla: TicketSla,
  workingDays: number,
  at: Date,
): { sla: TicketSla; dueAt?: Date } {
  const completion = sla.clocks.completion;
  if (!completion || completion.state === 'stopped') return { sla };
  const options = workingTime(tables, sla.department);
  const dueAt = addWorkingDays(completion.dueAt, workingDays, options);
  return {
    sla: { ...sla, clocks: { ...sla.clocks, completion: extendClock(completion, dueAt, at, options) } },
    dueAt,
  };
}
