import closeWithGrace from 'close-with-grace';
import Fastify from 'fastify';
import { bootPluginTimeoutMs } from './http/create-fastify.js';
import { loadConfig } from './config.js';
import { queuesPlugin } from './queues/plugin.js';
import { redisPlugin } from './redis/plugin.js';
import { routingPlugin } from './routing/plugin.js';
import { storeLogger, storePlugin } from './store/plugin.js';
import { openStore } from './store/store.js';
import { ticketCorePlugin } from './tickets/plugin.js';
import { slaTimersWorker } from './tickets/timers-plugin.js';
import { notifyPlugin } from './notify/plugin.js';
import { notifyWorkers } from './notify/workers-plugin.js';
import { subsidyCodeWorker } from './channels/web/subsidy-code-worker.js';
import { importWorker } from './subsidies/import-worker.js';
import { mailIntakePlugin } from './channels/email/mail-intake.js';
import { imapPollerPlugin } from './channels/email/imap-plugin.js';
import { templatesPlugin } from './templates/plugin.js';

/**
 * BullMQ worker entry: the same resource plugins as the HTTP app (store, Redis, queues, routing, the
 * ticket core) in a Fastify instance that never listens, so every resource opens and closes the same
 * way. It runs the SLA timers, the notification workers and the outbox reconciler.
 */
const config = loadConfig();
if (!config.mongodbUri) {
  // Two processes must not run the embedded database on one DATA_DIR.
  console.error('worker: set MONGODB_URI (the embedded database belongs to the HTTP process)');
  process.exit(2);
}
const app = Fastify({ logger: { level: config.logLevel }, pluginTimeout: bootPluginTimeoutMs(config) });
// Opened before any plugin, outside Fastify's plugin timeout (src/app.ts, buildApp, says why).
const store = await openStore(config, storeLogger(app.log)).catch((error: unknown) => {
  console.error(`worker: cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
await app.register(storePlugin, { store });
await app.register(redisPlugin, { config });
await app.register(queuesPlugin, { config });
await app.register(routingPlugin, { config });
await app.register(ticketCorePlugin, { config });
await app.register(templatesPlugin, { config });
await app.register(notifyPlugin, { config });
await app.register(slaTimersWorker, { config });
await app.register(notifyWorkers, { config });
await app.register(subsidyCodeWorker, { config });
await app.register(importWorker, { config });
// IMAP polling (IMAP_URL) is a background worker too; a Redis lock per mailbox keeps it to one process.
if (config.mailInbound.imapUrl) {
  await app.register(mailIntakePlugin, { config });
  await app.register(imapPollerPlugin, { config });
}
await app.ready();
app.log.info('worker ready');

closeWithGrace({ delay: 10_000 }, async ({ err }) => {
  if (err) app.log.error({ err }, 'closing after an error');
  await app.close();
});
