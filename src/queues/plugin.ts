import { Queue } from 'bullmq';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { QUEUE_NAMES, type NotifyJob, type QueueName } from './names.js';

declare module 'fastify' {
  interface FastifyInstance {
    queues: Map<QueueName, Queue<NotifyJob>>;
  }
}

/** BullMQ keys live under `${REDIS_PREFIX}:bull`, apart from ours and from other hubs on the Redis. */
export function bullPrefix(config: Pick<Config, 'redisPrefix'>): string {
  return `${config.redisPrefix}:bull`;
}

/** The outbound queues as a named plugin (producers and depth metrics); closed on app close. */
export const queuesPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    // BullMQ refuses ioredis' keyPrefix and wants its own connection.
    const connection = new Redis(config.redisUrl, { connectionName: 'hub:queues', maxRetriesPerRequest: 1 });
    connection.on('error', (error) => {
      app.log.warn({ err: error }, 'queue connection error');
    });
    const queues = new Map<QueueName, Queue<NotifyJob>>();
    for (const name of QUEUE_NAMES) {
      queues.set(name, new Queue<NotifyJob>(name, { connection, prefix: bullPrefix(config) }));
    }
    app.decorate('queues', queues);
    app.addHook('onClose', async () => {
      await Promise.all([...queues.values()].map(async (queue) => queue.close()));
      await connection.quit().catch(() => {
        connection.disconnect();
      });
    });
  },
  { name: 'hub-queues' },
);
