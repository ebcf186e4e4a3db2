import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { LiveCalls } from './live-calls.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The hotline's live calls (Redis list + pub/sub), kept by the IVR and the status callback. */
    liveCalls: LiveCalls;
  }
}

/** Pub/sub channels are not covered by ioredis' keyPrefix, so the prefix is added here. */
export function liveCallsChannel(config: Pick<Config, 'redisPrefix'>): string {
  return `${config.redisPrefix}:live:calls`;
}

/** `app.liveCalls`, before the voice webhooks that keep it and the console that reads it. */
export const liveCallsPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    await Promise.resolve();
    app.decorate(
      'liveCalls',
      new LiveCalls(app.redis, app.store.calls, liveCallsChannel(config), (error, callSid) => {
        app.log.warn({ err: error, call: callSid }, 'live call list not updated');
      }),
    );
  },
  { name: 'hub-live-calls', dependencies: ['hub-store', 'hub-redis'] },
);
