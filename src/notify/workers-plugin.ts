import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { bullPrefix } from '../queues/plugin.js';
import {
  channelOfQueue,
  NOTIFY_QUEUE_NAMES,
  QueueName,
  type BroadcastJob,
  type NotifyJob,
  type NotifyQueueName,
} from '../queues/names.js';
import { withLock } from '../redis/lock.js';
import { deliverBroadcastRecipient, runBroadcast } from './broadcast.js';
import { deliverEntry } from './deliver-entry.js';
import { Deferred } from './record.js';
import { reconcileOutbox } from './reconcile.js';
import { RateLimited } from './send-once.js';

/**
 * The notification workers as a named plugin (in `npm run worker`, and in the HTTP process unless
 * RUN_WORKERS=false): one BullMQ worker per channel queue, each rate-limited as configured, thin —
 * each job is one call to a use case, whose thrown signals become BullMQ's (deferred → delayed,
 * provider rate limit → queue paused). Beside them, the outbox reconciler runs every
 * NOTIFY_RECONCILE_MS in one process of the hub at a time (a Redis lock), and once at start.
 */
export const notifyWorkers = fp<{ config: Config }>(
  async (app, { config }) => {
    const deps = app.notify;
    const connection = new Redis(config.redisUrl, {
      connectionName: 'hub:notify-workers',
      maxRetriesPerRequest: null,
    });
    connection.on('error', (error) => {
      app.log.warn({ err: error }, 'notification worker connection error');
    });
    const workers: Worker<NotifyJob, string>[] = [];
    for (const queue of NOTIFY_QUEUE_NAMES) workers.push(startWorker(queue));

    function startWorker(queue: NotifyQueueName): Worker<NotifyJob, string> {
      const channel = channelOfQueue(queue);
      const perSecond = channel === 'push' ? 0 : config.rateLimits[channel];
      const worker: Worker<NotifyJob, string> = new Worker<NotifyJob, string>(
        queue,
        async (job, token) => {
          try {
            return await run(job);
          } catch (error) {
            if (error instanceof Deferred) {
              await job.moveToDelayed(error.until.getTime(), token);
              throw new DelayedError();
            }
            if (error instanceof RateLimited) {
              await app.queues.get(queue)?.rateLimit(error.waitMs);
              throw Worker.RateLimitError();
            }
            throw error;
          }
        },
        {
          connection,
          prefix: bullPrefix(config),
          concurrency: config.notifyConcurrency,
          ...(perSecond > 0 ? { limiter: { max: perSecond, duration: 1000 } } : {}),
          // A send takes a second or two; a worker killed mid-send hands its jobs on within seconds.
          lockDuration: 10_000,
          stalledInterval: 5_000,
          maxStalledCount: 5,
        },
      );
      const run = async (job: Job<NotifyJob, string>): Promise<string> => {
        if (!isWellFormed(job.data)) {
          // A job whose Redis record was lost while it ran can come back in part, without its data:
          // failed, not completed, so the reconciler sees it and queues the entry afresh.
          throw new UnrecoverableError(`notification job ${String(job.id)} has no data`);
        }
        const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
        if ('broadcastId' in job.data) {
          return deliverBroadcastRecipient(deps, { channel, ...job.data, lastAttempt });
        }
        return deliverEntry(deps, {
          channel,
          ticketNumber: job.data.ticketId,
          entryId: job.data.outboxEntryId,
          lastAttempt,
          // The relay's own job on its first start: not retried, not stalled and re-run, not re-queued.
          fresh: job.data.fresh === true && job.attemptsStarted <= 1,
        });
      };
      worker.on('failed', (job, error) => {
        app.log.warn({ err: error, queue, job: job?.id }, 'notification attempt failed');
      });
      worker.on('error', (error) => {
        app.log.warn({ err: error, queue }, 'notification worker error');
      });
      return worker;
    }

    // Broadcasts: one job per notice; a worker killed mid-list hands it on, and it resumes at its cursor.
    const broadcaster = new Worker<BroadcastJob, string>(
      QueueName.Broadcasts,
      async (job) =>
        runBroadcast(deps, app.queues, job.data.broadcastId, async (done, total) => {
          await job.updateProgress({ queued: done, total });
        }),
      {
        connection,
        prefix: bullPrefix(config),
        concurrency: 1,
        lockDuration: 10_000,
        stalledInterval: 5_000,
        maxStalledCount: 5,
      },
    );
    broadcaster.on('error', (error) => {
      app.log.warn({ err: error }, 'broadcast worker error');
    });

    const reconcile = async (): Promise<void> => {
      const ran = await withLock(
        app.redis,
        'lock:notify-reconcile',
        { ttlMs: Math.max(config.notifyReconcileMs, 5_000), waitMs: 1 },
        () => reconcileOutbox(deps, config.notifyReconcileGraceMs),
      );
      if (ran && ran.value.tickets > 0) app.log.info(ran.value, 'outbox reconciled');
    };
    let running: Promise<void> | undefined;
    const tick = (): void => {
      // One round at a time; the round in flight is awaited on close.
      running ??= reconcile()
        .catch((error: unknown) => {
          app.log.warn({ err: error }, 'outbox reconcile failed; next round retries');
        })
        .finally(() => {
          running = undefined;
        });
    };
    tick();
    const timer = setInterval(tick, config.notifyReconcileMs);
    timer.unref();

    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running;
      await Promise.all([...workers, broadcaster].map(async (worker) => worker.close()));
      await connection.quit().catch(() => {
        connection.disconnect();
      });
    });
  },
  { name: 'hub-notify-workers', dependencies: ['hub-notify'] },
);

/** A job with what its kind needs (ids as strings): anything else cannot be delivered. */
function isWellFormed(data: NotifyJob | undefined): boolean {
  const fields = (data ?? {}) as Partial<Record<string, unknown>>;
  if (typeof fields.broadcastId === 'string') return typeof fields.contactId === 'string';
  return typeof fields.ticketId === 'string' && typeof fields.outboxEntryId === 'string';
}
