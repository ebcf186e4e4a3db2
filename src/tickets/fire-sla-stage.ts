import type { SlaTimerJob } from '../queues/names.js';
import { fireStage, firedAt, stageAt, type SlaClock } from '../routing/sla-clock.js';
import { newId } from '../store/ids.js';
import type { TicketChange } from '../store/tickets.js';
import type { CoreDeps } from './deps.js';
import { flag, worse } from './supervision.js';
import type { OutboxEntry, Ticket, TicketEvent } from './types.js';
import { writeTicket } from './write-ticket.js';

export type FireResult = 'fired' | 'stale' | { notBefore: Date };

const SLA_ACTOR = { kind: 'system', id: 'sla' } as const;

/**
 * A timer fired: re-check the ticket and, if that stage of that clock version is still running and
 * due, record it once — the warning or overdue event, the supervision mark (overdue: 督办 flag), and
 * outbox entries for the department and the supervisors, in one write. Anything else (the clock
 * moved, stopped, or this stage already fired) is stale and changes nothing, so a job run twice —
 * a worker killed mid-job, a reconcile after restart — still fires once.
 */
export async function fireSlaStage(deps: CoreDeps, job: SlaTimerJob, now = new Date()): Promise<FireResult> {
  const written = await writeTicket<FireResult>(deps, job.number, (ticket) => {
    const clock = ticket?.sla.clocks[job.clock];
    const live = clock?.version === job.version && clock.state === 'running' && !firedAt(clock, job.stage);
    if (!ticket || !clock || !live) return { done: 'stale' };
    const due = stageAt(clock, job.stage);
    if (now < due) return { done: { notBefore: due } };
    return { change: stageChange(ticket, clock, job, now) };
  });
  return 'ticket' in written ? 'fired' : written.done;
}

function stageChange(ticket: Ticket, clock: SlaClock, job: SlaTimerJob, now: Date): TicketChange {
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
