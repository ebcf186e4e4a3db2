import { Queue } from 'bullmq';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';
import {
  NOTIFY_QUEUE_NAMES,
  QueueName,
  type BroadcastJob,
  type NotifyJob,
  type NotifyQueueName,
  type SlaTimerJob,
  type SubsidyCodeJob,
} from './names.js';

declare module 'fastify' {
  interface FastifyInstance {
    queues: Map<NotifyQueueName, Queue<NotifyJob>>;
    slaTimers: Queue<SlaTimerJob>;
    broadcasts: Queue<BroadcastJob>;
    subsidyCodes: Queue<SubsidyCodeJob>;
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
    const queues = new Map<NotifyQueueName, Queue<NotifyJob>>();
    for (const name of NOTIFY_QUEUE_NAMES) {
      queues.set(name, new Queue<NotifyJob>(name, { connection, prefix: bullPrefix(config) }));
    }
    const slaTimers = new Queue<SlaTimerJob>(QueueName.SlaTimers, { connection, prefix: bullPrefix(config) });
    app.decorate('queues', queues);
    const broadcasts = new Queue<BroadcastJob>(QueueName.Broadcasts, {
      connection,
      prefix: bullPrefix(config),
    });
    app.decorate('slaTimers', slaTimers);
    app.decorate('broadcasts', broadcasts);
    const subsidyCodes = new Queue<SubsidyCodeJob>(QueueName.SubsidyCodes, {
      connection,
      prefix: bullPrefix(config),
    });
    app.decorate('subsidyCodes', subsidyCodes);
    app.addHook('onClose', async () => {
      await Promise.all(
        [...queues.values(), slaTimers, broadcasts, subsidyCodes].map(async (queue) => queue.close()),
      );
      await connection.quit().catch(() => {
        connection.disconnect();
      });
    });
  },
  { name: 'hub-queues' },
);
