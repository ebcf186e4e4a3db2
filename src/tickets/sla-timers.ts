import type { Queue } from 'bullmq';
import type { SlaTimerJob } from '../queues/names.js';
import { CLOCK_NAMES, pendingStages } from '../routing/sla-clock.js';
import type { Ticket } from './types.js';

type Timed = Pick<Ticket, 'number' | 'sla'>;

/** Deterministic: the same stage of the same clock version is one job, however often it is scheduled. */
export function timerJobId(job: SlaTimerJob): string {
  return `sla.${job.number}.${job.clock}.${job.stage}.v${String(job.version)}`;
}

/** The timer jobs a ticket's running clocks need: one per stage not fired yet, delayed until it is due. */
export function timerJobs(ticket: Timed, now: number): { name: string; data: SlaTimerJob; opts: object }[] {
  const jobs = [];
  for (const clock of CLOCK_NAMES) {
    const state = ticket.sla.clocks[clock];
    if (!state) continue;
    for (const { stage, at } of pendingStages(state)) {
      const data: SlaTimerJob = { number: ticket.number, clock, stage, version: state.version };
      jobs.push({
        name: `${clock}.${stage}`,
        data,
        opts: {
          jobId: timerJobId(data),
          delay: Math.max(0, at.getTime() - now),
          // A busy ticket (its lock held) is retried; the job re-checks the ticket every time.
          attempts: 8,
          backoff: { type: 'exponential', delay: 500 },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      });
    }
  }
  return jobs;
}

/**
 * Puts SLA timers on BullMQ. Scheduling runs after the ticket is written: should Redis refuse, the
 * ticket is still right and the boot-time reconcile schedules what is missing.
 */
export class SlaTimers {
  constructor(
    private readonly queue: Queue<SlaTimerJob>,
    private readonly onError: (error: unknown, number: string) => void,
  ) {}

  async schedule(ticket: Timed): Promise<number> {
    const jobs = timerJobs(ticket, Date.now());
    if (jobs.length === 0) return 0;
    try {
      await this.queue.addBulk(jobs);
      return jobs.length;
    } catch (error) {
      this.onError(error, ticket.number);
      return 0;
    }
  }
}

/**
 * After a restart, or after Redis lost its data: schedule every pending stage of every open ticket's
 * running clocks again. Job ids make this a no-op for jobs that are still there; a job that has run
 * and gone finds its stage fired and does nothing.
 */
export async function reconcileTimers(
  tickets: AsyncIterable<Timed> | Iterable<Timed>,
  timers: SlaTimers,
): Promise<{ tickets: number; jobs: number }> {
  let count = 0;
  let jobs = 0;
  for await (const ticket of tickets) {
    count++;
    jobs += await timers.schedule(ticket);
  }
  return { tickets: count, jobs };
}
