import type { JobsOptions, Queue } from 'bullmq';
import { notifyQueueOf, type NotifyJob, type NotifyQueueName } from '../queues/names.js';
import type { Contact } from '../store/contacts.js';
import type { Store } from '../store/store.js';
import type { OutboxEntry, Ticket } from '../tickets/types.js';
import { DepartmentCache } from './department-cache.js';
import { plannedChannels } from './plan.js';
import type { OutboundChannel } from './types.js';

const IN_FLIGHT = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export interface RelaySettings {
  attempts: number;
  backoffMs: number;
  supervisorEmails: readonly string[];
}

/**
 * Moves outbox entries to the channel queues (DESIGN §4.3). The ticket write that adds entries is
 * preceded by a mark (`mark`), and followed by `relay`, which plans each entry's channels and adds one
 * job per channel with job id = entry id and data = ids only. Whatever fails after the write — this
 * process dying, Redis losing the jobs — the reconciler finds by the mark and relays again; adding a
 * job id that is still queued is a no-op, and a delivery already made is not made again.
 */
export class OutboxRelay {
  /** Departments as planning and the workers read them, cached (see DepartmentCache). */
  readonly departments: DepartmentCache;

  constructor(
    private readonly store: Store,
    private readonly queues: ReadonlyMap<NotifyQueueName, Queue<NotifyJob>>,
    private readonly settings: RelaySettings,
    /** Told when relaying after a write fails: the write stands, the reconciler relays later. */
    private readonly onError: (error: unknown, ticketNumber: string) => void = () => undefined,
  ) {
    this.departments = new DepartmentCache(store.departments);
  }

  /**
   * After the write: relay, and should that fail, leave it to the reconciler (the mark stays).
   * `contact`: a contact the caller has just created, so planning need not read it back.
   */
  async afterWrite(ticket: Ticket, entries: readonly OutboxEntry[], contact?: Contact): Promise<void> {
    if (entries.length === 0) return;
    try {
      await this.relay(ticket, entries, contact);
    } catch (error) {
      this.onError(error, ticket.number);
    }
  }

  async mark(ticketNumber: string, entryIds: readonly string[]): Promise<void> {
    await this.store.outboxMarks.mark(ticketNumber, entryIds);
  }

  /**
   * Which of these entries still have a job waiting, delayed or running on some channel queue (a few
   * Redis calls): the reconciler leaves those alone without reading the database.
   */
  async inFlight(entryIds: readonly string[]): Promise<Set<string>> {
    const queues = [...this.queues.values()];
    const busy = await Promise.all(
      entryIds.map(async (id) => {
        const states = await Promise.all(queues.map(async (queue) => queue.getJobState(id)));
        return states.some((state) => IN_FLIGHT.has(state)) ? id : undefined;
      }),
    );
    return new Set(busy.filter((id): id is string => id !== undefined));
  }

  /** The channels an entry goes out on now (the contact's preferences may have changed since). */
  async plan(
    ticket: Pick<Ticket, 'channel'>,
    entry: OutboxEntry,
    known?: Contact,
  ): Promise<OutboundChannel[]> {
    const [contact, department] = await Promise.all([
      entry.contactId === undefined
        ? undefined
        : known?.id === entry.contactId
          ? known
          : this.store.contacts.findById(entry.contactId),
      entry.department ? this.departments.get(entry.department) : undefined,
    ]);
    return plannedChannels(entry, ticket, {
      contact,
      department,
      supervisorEmails: this.settings.supervisorEmails,
    });
  }

  /** Right after the ticket write: the entries' first jobs, marked `fresh` (see TicketNotifyJob). */
  async relay(ticket: Ticket, entries: readonly OutboxEntry[], contact?: Contact): Promise<void> {
    const byQueue = new Map<NotifyQueueName, { name: string; data: NotifyJob; opts: JobsOptions }[]>();
    for (const entry of entries) {
      for (const channel of await this.plan(ticket, entry, contact)) {
        this.add(byQueue, channel, ticket.number, entry, 0, true);
      }
    }
    await this.flush(byQueue);
  }

  /** Queues one entry on given channels (the reconciler's re-queue, a fallback, an admin's retry). */
  async enqueue(
    ticketNumber: string,
    entry: Pick<OutboxEntry, 'id' | 'template'>,
    channels: readonly OutboundChannel[],
    delayMs = 0,
  ): Promise<void> {
    const byQueue = new Map<NotifyQueueName, { name: string; data: NotifyJob; opts: JobsOptions }[]>();
    for (const channel of channels) this.add(byQueue, channel, ticketNumber, entry, delayMs);
    await this.flush(byQueue);
  }

  /**
   * Queues an entry that has not settled again on one channel (the reconciler's re-queue, an admin's
   * retry of a dead letter), replacing a finished job of the same id first (`clearFinished`).
   */
  async requeue(
    ticketNumber: string,
    entry: Pick<OutboxEntry, 'id' | 'template'>,
    channel: OutboundChannel,
    delayMs = 0,
  ): Promise<void> {
    await this.clearFinished(channel, entry.id);
    await this.enqueue(ticketNumber, entry, [channel], delayMs);
  }

  /**
   * A finished job (completed or failed) keeps its id in the queue, and adding that id again is a
   * no-op: it goes first. A failed one is kept for the queue monitor until an admin retries its
   * dead letter; a completed one is a leftover — e.g. one whose Redis record was deleted while it
   * ran and came back in part, without its data — since a job is removed when it completes.
   */
  async clearFinished(channel: OutboundChannel, jobId: string): Promise<void> {
    const queue = this.queues.get(notifyQueueOf(channel));
    const state = await queue?.getJobState(jobId);
    if (state === 'completed' || state === 'failed') await queue?.remove(jobId);
  }

  /** Options every notification job gets: retries with exponential backoff and jitter. */
  jobOptions(jobId: string, delayMs = 0): JobsOptions {
    return {
      jobId,
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: this.settings.backoffMs, jitter: 0.5 },
      ...(delayMs > 0 ? { delay: delayMs } : {}),
      removeOnComplete: true,
      // Failed jobs stay a while for the queue monitor; the dead-letter list itself is in the store.
      removeOnFail: { count: 10_000 },
    };
  }

  private add(
    byQueue: Map<NotifyQueueName, { name: string; data: NotifyJob; opts: JobsOptions }[]>,
    channel: OutboundChannel,
    ticketNumber: string,
    entry: Pick<OutboxEntry, 'id' | 'template'>,
    delayMs = 0,
    fresh = false,
  ): void {
    const queue = notifyQueueOf(channel);
    const jobs = byQueue.get(queue) ?? [];
    jobs.push({
      name: entry.template,
      data: { ticketId: ticketNumber, outboxEntryId: entry.id, ...(fresh ? { fresh: true as const } : {}) },
      opts: this.jobOptions(entry.id, delayMs),
    });
    byQueue.set(queue, jobs);
  }

  private async flush(
    byQueue: Map<NotifyQueueName, { name: string; data: NotifyJob; opts: JobsOptions }[]>,
  ): Promise<void> {
    await Promise.all(
      [...byQueue].map(async ([name, jobs]) => {
        const queue = this.queues.get(name);
        if (!queue) throw new Error(`no queue ${name}`);
        await queue.addBulk(jobs);
      }),
    );
  }
}
