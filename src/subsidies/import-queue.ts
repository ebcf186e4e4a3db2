import { Queue } from 'bullmq';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { QueueName, type ImportJobData } from '../queues/names.js';
import { bullPrefix } from '../queues/plugin.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Producer of the `imports` queue (one job per register import, job id = import id). */
    importQueue: Queue<ImportJobData>;
  }
}

/** The `imports` queue's producer as a named plugin, closed with the app. */
export const importQueuePlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    // BullMQ refuses ioredis' keyPrefix and wants its own connection.
    const connection = new Redis(config.redisUrl, {
      connectionName: 'hub:import-queue',
      maxRetriesPerRequest: 1,
    });
    connection.on('error', (error) => {
      app.log.warn({ err: error }, 'import queue connection error');
    });
    const queue = new Queue<ImportJobData>(QueueName.Imports, { connection, prefix: bullPrefix(config) });
    app.decorate('importQueue', queue);
    app.addHook('onClose', async () => {
      await queue.close();
      await connection.quit().catch(() => {
        connection.disconnect();
      });
    });
  },
  { name: 'hub-import-queue' },
);
