import { HubErrors } from '../errors.js';
import type { SlaTimerJob } from '../queues/names.js';
import { withLock } from '../redis/lock.js';
import { fireStage, firedAt, stageAt } from '../routing/sla-clock.js';
import { newId } from '../store/ids.js';
import type { TicketChange } from '../store/tickets.js';
import type { CoreDeps } from './deps.js';
import { flag, worse } from './supervision.js';
import type { OutboxEntry, Ticket, TicketEvent } from './types.js';

export type FireResult = 'fired' | 'stale' | { notBefore: Date };

const SLA_ACTOR = { kind: 'system', id: 'sla' } as const;
const VERSION_RETRIES = 3;

/**
 * A timer fired: re-check the ticket and, if that stage of that clock version is still running and
 * due, record it once — the warning or overdue event, the supervision mark (overdue: 督办 flag), and
 * outbox entries for the department and the supervisors, in one write. Anything else (the clock
 * moved, stopped, or this stage already fired) is stale and changes nothing, so a job run twice —
 * a worker killed mid-job, a reconcile after restart — still fires once.
 */
export async function fireSlaStage(deps: CoreDeps, job: SlaTimerJob, now = new Date()): Promise<FireResult> {
  const locked = await withLock(deps.redis, `lock:ticket:${job.number}`, deps.lock, async () => {
    for (let attempt = 0; attempt < VERSION_RETRIES; attempt++) {
      const ticket = await deps.store.tickets.findByNumber(job.number);
      const clock = ticket?.sla.clocks[job.clock];
      if (!ticket || !clock || clock.version !== job.version || clock.state !== 'running') return 'stale';
      if (firedAt(clock, job.stage)) return 'stale';
      const due = stageAt(clock, job.stage);
      if (now < due) return { notBefore: due };
      const change = stageChange(ticket, job, now);
      const updated = await deps.store.tickets.applyChange(ticket.number, ticket.version, change);
      if (updated) {
        deps.live.publish(updated, change.event);
        return 'fired';
      }
    }
    throw new HubErrors.TicketBusy(job.number);
  });
  if (!locked) throw new HubErrors.TicketBusy(job.number);
  return locked.value;
}

function stageChange(ticket: Ticket, job: SlaTimerJob, now: Date): TicketChange {
  const clock = ticket.sla.clocks[job.clock];
  if (!clock) throw new Error('unreachable: checked by the caller');
  const event: TicketEvent = {
    id: newId(),
    type: `sla_${job.stage}`,
    fromStatus: ticket.status,
    toStatus: ticket.status,
    actor: SLA_ACTOR,
    channel: ticket.channel,
    visibility: 'internal',
    at: now,
    data: {
      clock: job.clock,
      dueAt: clock.dueAt.toISOString(),
      stageAt: stageAt(clock, job.stage).toISOString(),
    },
  };
  let supervision: Ticket['supervision'] = {
    ...ticket.supervision,
    warning: worse(ticket.supervision.warning, job.stage),
  };
  if (job.stage === 'overdue') supervision = flag(supervision, 'overdue', now, { clock: job.clock });
  const entry = (audience: 'department' | 'supervisor', department?: string): OutboxEntry => ({
    id: newId(),
    eventId: event.id,
    template: `sla.${job.stage}`,
    audience,
    department,
    status: 'pending',
    createdAt: now,
  });
  // The callback clock is the hotline's own: only its supervisors hear about it.
  const outbox =
    job.clock === 'callback' || !ticket.leadDepartment
      ? [entry('supervisor')]
      : [entry('department', ticket.leadDepartment), entry('supervisor')];
  return {
    set: {
      sla: { ...ticket.sla, clocks: { ...ticket.sla.clocks, [job.clock]: fireStage(clock, job.stage, now) } },
      supervision,
    },
    event,
    outbox,
  };
}
