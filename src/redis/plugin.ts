import fp from 'fastify-plugin';
import { Redis } from 'ioredis';
import type { Config } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Our own keys, under `${REDIS_PREFIX}:`. Commands fail at once while Redis is away. */
    redis: Redis;
  }
}

export function createRedis(config: Pick<Config, 'redisUrl' | 'redisPrefix'>, name: string): Redis {
  return new Redis(config.redisUrl, {
    keyPrefix: `${config.redisPrefix}:`,
    connectionName: `hub:${name}`,
    lazyConnect: true,
    // No offline queue: while Redis is down a command must fail now (→ 503), not hang.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
}

/** The Redis connection as a named plugin: connected on register, quit on close. */
export const redisPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const redis = createRedis(config, 'main');
    redis.on('error', (error) => {
      app.log.warn({ err: error }, 'redis connection error');
    });
    await redis.connect();
    app.decorate('redis', redis);
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => {
        redis.disconnect();
      });
    });
  },
  { name: 'hub-redis' },
);
