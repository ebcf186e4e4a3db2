import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { createRedis } from '../redis/plugin.js';
import type { Store } from '../store/store.js';
import { CN_HOLIDAYS } from './holidays-cn.js';
import { DEFAULT_SLA_POLICIES } from './sla-policy.js';
import { buildTables, type RoutingTables } from './tables.js';

/** The live routing tables of this process; `changed()` after an admin edit rebuilds them everywhere. */
export interface RoutingService {
  tables(): RoutingTables;
  /** Rebuild here from the store, and tell the hub's other processes to do the same. */
  changed(): Promise<RoutingTables>;
}

declare module 'fastify' {
  interface FastifyInstance {
    routingService: RoutingService;
  }
}

/** Rules, policies, calendar and departments read from the store into one immutable set of tables. */
export async function loadTables(
  store: Store,
  config: Pick<Config, 'timezone' | 'officeHours'>,
): Promise<RoutingTables> {
  const [rules, policies, years, departments] = await Promise.all([
    store.rules.list(),
    store.slaPolicies.list(),
    store.calendar.list(),
    store.departments.list(),
  ]);
  return buildTables({
    rules,
    policies,
    years,
    departments: new Map(departments.map((d) => [d.code, d])),
    timeZone: config.timezone,
    officeHours: config.officeHours,
  });
}

/** Pub/sub channels are not covered by ioredis' keyPrefix, so the prefix is added here. */
export function routingChannel(config: Pick<Config, 'redisPrefix'>): string {
  return `${config.redisPrefix}:routing:changed`;
}

/**
 * Routing as a named plugin: ships the default calendar and SLA policies into an empty store, builds
 * the tables, and rebuilds them when any process of this hub announces a change on Redis.
 */
export const routingPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const now = new Date();
    await app.store.calendar.insertMissing(CN_HOLIDAYS, now);
    await app.store.slaPolicies.insertMissing(DEFAULT_SLA_POLICIES, now);
    let current = await loadTables(app.store, config);
    app.log.info(
      { rules: current.compiled.rules.length, buildMs: Math.round(current.buildMs) },
      'routing tables built',
    );

    const reload = async (): Promise<RoutingTables> => {
      current = await loadTables(app.store, config);
      return current;
    };
    const subscriber = createRedis(config, 'routing');
    subscriber.on('error', (error) => {
      app.log.warn({ err: error }, 'routing subscription error');
    });
    await subscriber.connect();
    await subscriber.subscribe(routingChannel(config));
    // Each process announces its changes with its own id and has rebuilt already: it skips its own.
    const self = randomUUID();
    subscriber.on('message', (_channel, from) => {
      if (from === self) return;
      reload().catch((error: unknown) => {
        app.log.error({ err: error }, 'routing tables not rebuilt');
      });
    });
    app.addHook('onClose', async () => {
      await subscriber.quit().catch(() => {
        subscriber.disconnect();
      });
    });

    app.decorate('routingService', {
      tables: () => current,
      async changed() {
        const tables = await reload();
        await app.redis.publish(routingChannel(config), self);
        return tables;
      },
    });
  },
  { name: 'hub-routing', dependencies: ['hub-store', 'hub-redis'] },
);
