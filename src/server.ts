import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config.js';
import { createFastify } from './http/create-fastify.js';
import { storeLogger } from './store/plugin.js';
import { openStore, type Store } from './store/store.js';

/** HTTP entry: configure, listen, close everything on SIGINT/SIGTERM. Nothing else lives here. */
const config = loadConfig();
const app = createFastify(config);
let store: Store | undefined;
let registered = false;
try {
  // The store first, before loading the hub's modules (seconds on a busy machine): a database that
  // cannot be reached fails the start after STORE_TIMEOUT_MS, not after the whole app has loaded.
  store = await openStore(config, storeLogger(app.log));
  const { registerHub } = await import('./app.js');
  await registerHub(app, config, store);
  registered = true;
  await app.listen({ host: config.host, port: config.port });
} catch (error) {
  // A port taken (HTTP or SMTP_PORT), the database not starting …: one clear line, then out. A
  // failed openStore or registerHub has closed what it opened (the embedded database among it); a
  // failed listen closes here. The details (the embedded database's own messages) are in the log above.
  console.error(`the hub cannot start: ${whyNotStarted(error)}`);
  if (registered) await app.close().catch(() => undefined);
  else await store?.close().catch(() => undefined);
  process.exit(1);
}
const started = app;

closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
  if (err) started.log.error({ err }, 'closing after an error');
  else started.log.info(`closing on ${signal ?? 'request'}`);
  await started.close();
});

started.log.info(
  `hub ready: ${config.publicUrl}/ (API ${config.publicUrl}/api/v1, docs ${config.publicUrl}/docs, health ${config.publicUrl}/readyz)`,
);

function whyNotStarted(error: unknown): string {
  const { code, port } = error as { code?: string; port?: number };
  if (code === 'EADDRINUSE') {
    return `port ${String(port)} is in use (PORT for the web pages and API, SMTP_PORT for mail; SMTP_PORT=0 turns mail off)`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
