import { Worker } from 'bullmq';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Config } from '../../config.js';
import { QueueName, type SubsidyCodeJob } from '../../queues/names.js';
import { bullPrefix } from '../../queues/plugin.js';
import { sendSubsidyCode } from './subsidy-code-send.js';

/**
 * The `subsidy-codes` worker as a named plugin (registered where the other workers are: the HTTP
 * process unless RUN_WORKERS=false, and `npm run worker`). Thin: `send` → {@link sendSubsidyCode}
 * through the same SMS adapter as notifications (`app.notify`), at the SMS rate limit; `purge`
 * deletes the expired challenge.
 */
export const subsidyCodeWorker = fp<{ config: Config }>(
  async (app, { config }) => {
    const connection = new Redis(config.redisUrl, {
      connectionName: 'hub:subsidy-codes',
      maxRetriesPerRequest: null,
    });
    connection.on('error', (error) => {
      app.log.warn({ err: error }, 'subsidy code worker connection error');
    });
    const deps = {
      store: app.store,
      redis: app.redis,
      sms: app.notify.adapters.sms,
      secret: config.secret,
      signature: config.smsSignature,
      now: () => new Date(),
    };
    const perSecond = config.rateLimits.sms;
    const worker = new Worker<SubsidyCodeJob, string>(
      QueueName.SubsidyCodes,
      async (job) => {
        if (job.name === 'purge') {
          await app.store.otpChallenges.remove(job.data.challengeId);
          return 'purged';
        }
        return sendSubsidyCode(deps, job.data.challengeId);
      },
      {
        connection,
        prefix: bullPrefix(config),
        concurrency: config.notifyConcurrency,
        ...(perSecond > 0 ? { limiter: { max: perSecond, duration: 1000 } } : {}),
        lockDuration: 10_000,
        stalledInterval: 5_000,
        maxStalledCount: 5,
      },
    );
    worker.on('failed', (job, error) => {
      app.log.warn({ err: error, job: job?.id }, 'subsidy code SMS attempt failed');
    });
    worker.on('error', (error) => {
      app.log.warn({ err: error }, 'subsidy code worker error');
    });
    app.addHook('onClose', async () => {
      await worker.close();
      await connection.quit().catch(() => {
        connection.disconnect();
      });
    });
  },
  { name: 'hub-subsidy-code-worker', dependencies: ['hub-notify', 'hub-store', 'hub-redis'] },
);
