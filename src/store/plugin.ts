import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { openStore, type Store } from './store.js';

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
  }
}

/** The database as a named plugin: opened on register, closed (with the embedded server) on close. */
export const storePlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const store = await openStore(config, {
      info: (message) => {
        app.log.info(message);
      },
      warn: (message) => {
        app.log.warn(message);
      },
    });
    app.decorate('store', store);
    app.addHook('onClose', async () => {
      await store.close();
    });
  },
  { name: 'hub-store' },
);
