import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { createRedis } from '../../redis/plugin.js';
import type { StoredSmsKeyword } from '../../store/sms-keywords.js';
import type { CustomKeyword } from './keywords.js';

/** The enabled custom SMS keywords of this process; `changed()` after an admin edit reloads them everywhere. */
export interface SmsKeywordTable {
  /** What the parser reads messages with (it passes over those outside their validity dates). */
  current(): readonly CustomKeyword[];
  /** Reload here from the store, and tell the hub's other processes to do the same. */
  changed(): Promise<readonly CustomKeyword[]>;
}

declare module 'fastify' {
  interface FastifyInstance {
    smsKeywords: SmsKeywordTable;
  }
}

/** Pub/sub channels are not covered by ioredis' keyPrefix, so the prefix is added here. */
export function smsKeywordsChannel(config: Pick<Config, 'redisPrefix'>): string {
  return `${config.redisPrefix}:sms-keywords:changed`;
}

/** A stored keyword as the parser takes it. */
export function toCustomKeyword(stored: StoredSmsKeyword): CustomKeyword {
  const { id, initials, words, kind, category, reply, validFrom, validTo } = stored;
  return { id, initials, words, kind, category, reply, validFrom, validTo };
}

/**
 * The custom keyword table as a named plugin: loaded at boot, and loaded again when any process of
 * this hub announces a change on Redis (as routing and the templates do). A message is read with
 * the table as it is when the message comes; the table is small (a hotline has tens of keywords).
 */
export const smsKeywordsPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const load = async () => (await app.store.smsKeywords.listActive()).map(toCustomKeyword);
    let current: readonly CustomKeyword[] = await load();
    const reload = async () => {
      current = await load();
      return current;
    };
    const subscriber = createRedis(config, 'sms-keywords');
    subscriber.on('error', (error) => {
      app.log.warn({ err: error }, 'sms keywords subscription error');
    });
    await subscriber.connect();
    await subscriber.subscribe(smsKeywordsChannel(config));
    // Each process announces its changes with its own id and has reloaded already: it skips its own.
    const self = randomUUID();
    subscriber.on('message', (_channel, from) => {
      if (from === self) return;
      reload().catch((error: unknown) => {
        app.log.error({ err: error }, 'sms keywords not reloaded');
      });
    });
    app.addHook('onClose', async () => {
      await subscriber.quit().catch(() => {
        subscriber.disconnect();
      });
    });

    app.decorate('smsKeywords', {
      current: () => current,
      async changed() {
        const table = await reload();
        await app.redis.publish(smsKeywordsChannel(config), self);
        return table;
      },
    });
  },
  { name: 'hub-sms-keywords', dependencies: ['hub-store', 'hub-redis'] },
);
