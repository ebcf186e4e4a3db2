import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { QueueName, type ImportJobData } from '../queues/names.js';
import { bullPrefix } from '../queues/plugin.js';
import { failImport, runImport } from './import-job-run.js';

/** How long an import waits before trying again while another holds the lock. */
const BUSY_RETRY_MS = 5_000;

/**
 * The `imports` worker as a named plugin (registered where the other workers are: the HTTP process
 * unless RUN_WORKERS=false, and `npm run worker`). Thin: {@link runImport}; another import holding
 * the lock → the job waits and comes back; retries spent or an unknown import → {@link failImport}.
 * One import per process at a time (concurrency 1); the lock keeps it one per database.
 */
export const importWorker = fp<{ config: Config }>(
  async (app, { config }) => {
    const connection = new Redis(config.redisUrl, {
      connectionName: 'hub:imports',
      maxRetriesPerRequest: null,
    });
    connection.on('error', (error) => {
      app.log.warn({ err: error }, 'import worker connection error');
    });
    const deps = { store: app.store, redis: app.redis, secret: config.secret, timeZone: config.timezone };
    const worker = new Worker<ImportJobData, string>(
      QueueName.Imports,
      async (job, token) => {
        const outcome = await runImport(deps, job.data.importId, {
          progress: async (progress) => {
            await job.updateProgress(progress);
          },
        });
        if (outcome === 'unknown') throw new UnrecoverableError(`no import ${job.data.importId}`);
        if (outcome === 'busy') {
          await job.moveToDelayed(Date.now() + BUSY_RETRY_MS, token);
          throw new DelayedError();
        }
        return outcome;
      },
      {
        connection,
        prefix: bullPrefix(config),
        concurrency: 1,
        // A killed worker's import is handed to another process within ~20 s (stalled-job check).
        lockDuration: 15_000,
        stalledInterval: 5_000,
        maxStalledCount: 3,
      },
    );
    // Failures are recorded on the import once BullMQ gives up; awaited on close.
    const recording = new Set<Promise<void>>();
    worker.on('failed', (job, error) => {
      if (!job) return;
      app.log.warn({ err: error, job: job.id }, 'import attempt failed');
      const done = recordIfFinal(job, error)
        .catch((failure: unknown) => {
          app.log.warn({ err: failure, job: job.id }, 'could not record a failed import');
        })
        .finally(() => recording.delete(done));
      recording.add(done);
    });
    worker.on('error', (error) => {
      app.log.warn({ err: error }, 'import worker error');
    });

    async function recordIfFinal(job: Job<ImportJobData>, error: Error): Promise<void> {
      // Retried later ('delayed' / 'waiting'): not final yet.
      if ((await job.getState()) !== 'failed') return;
      const reason =
        error instanceof UnrecoverableError ? 'the import could not be run' : 'the import kept failing';
      await failImport(deps, job.data.importId, `${reason}; see the server log`);
    }

    app.addHook('onClose', async () => {
      await worker.close();
      await Promise.all(recording);
      await connection.quit().catch(() => {
        connection.disconnect();
      });
    });
  },
  { name: 'hub-import-worker', dependencies: ['hub-store', 'hub-redis'] },
);
