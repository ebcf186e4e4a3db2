import { DelayedError, Worker } from 'bullmq';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { bullPrefix } from '../queues/plugin.js';
import { QueueName, type SlaTimerJob } from '../queues/names.js';
import { fireSlaStage } from './fire-sla-stage.js';
import { reconcileTimers } from './sla-timers.js';

/**
 * The SLA timer worker as a named plugin (in `npm run worker`, and in the HTTP process unless
 * RUN_WORKERS=false). On start it reconciles: every pending stage of every live clock is scheduled
 * again, so timers survive a restart and a Redis that lost its data. Thin: each job is one call to
 * the ticket core, which decides whether the stage still fires.
 */
export const slaTimersWorker = fp<{ config: Config }>(
  async (app, { config }) => {
    // In the background: a scan of every open ticket must not hold up the start (with some 11,000 open
    // tickets on the embedded database it outlasted Fastify's plugin timeout). Awaited on close.
    const reconciling = reconcileTimers(app.store.tickets.withLiveClocks(), app.tickets.deps.timers).then(
      (reconciled) => {
        app.log.info(reconciled, 'SLA timers reconciled');
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'SLA timers not reconciled; the next start tries again');
      },
    );

    // A worker blocks on its connection: its own, with no retry limit (BullMQ requires it).
    const connection = new Redis(config.redisUrl, {
      connectionName: 'hub:sla-worker',
      maxRetriesPerRequest: null,
    });
    connection.on('error', (error) => {
      app.log.warn({ err: error }, 'SLA worker connection error');
    });
    const worker = new Worker<SlaTimerJob, string>(
      QueueName.SlaTimers,
      async (job, token) => {
        const result = await fireSlaStage(app.tickets.deps, job.data);
        if (typeof result === 'string') return result;
        // Early (a clock moved without a new version cannot happen, but a clock skew can): wait.
        await job.moveToDelayed(result.notBefore.getTime(), token);
        throw new DelayedError();
      },
      {
        connection,
        prefix: bullPrefix(config),
        concurrency: 4,
        // Timer jobs take milliseconds: a worker killed mid-job hands its job on within seconds.
        lockDuration: 5_000,
        stalledInterval: 5_000,
      },
    );
    worker.on('failed', (job, error) => {
      app.log.warn({ err: error, job: job?.id }, 'SLA timer failed');
    });
    worker.on('error', (error) => {
      app.log.warn({ err: error }, 'SLA worker error');
    });
    app.addHook('onClose', async () => {
      await reconciling;
      await worker.close();
      await connection.quit().catch(() => {
        connection.disconnect();
      });
    });
  },
  { name: 'hub-sla-timers', dependencies: ['hub-ticket-core'] },
);
