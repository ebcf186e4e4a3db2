import type { FastifyBaseLogger } from 'fastify';
import fp from 'fastify-plugin';
import type { Store, StoreLogger } from './store.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

/**
 * The database as a named plugin: the store is opened before the app is built (openStore, see
 * src/app.ts for why), decorated here, and closed (with the embedded server) on close.
 */
export const storePlugin = fp<{ store: Store }>(
  async (app, { store }) => {
    app.decorate('store', store);
    app.addHook('onClose', async () => {
      await store.close();
    });
  },
  { name: 'hub-store' },
);

/** The store's messages in the process's log. */
export function storeLogger(log: FastifyBaseLogger): StoreLogger {
  return {
    info: (message) => {
      log.info(message);
    },
    warn: (message) => {
      log.warn(message);
    },
  };
}
