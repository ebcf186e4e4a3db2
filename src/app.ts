import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { adminRoutes } from './api/admin-routes.js';
import { ErrorReply } from './api/schemas.js';
import { liveRoutes } from './api/live-routes.js';
import { ticketsRoutes } from './api/tickets-routes.js';
import { routingRoutes } from './api/routing-routes.js';
import { slaRoutes } from './api/sla-routes.js';
import { supervisionBoardRoutes } from './api/supervision-board-routes.js';
import { devOutboxRoutes } from './channels/dev-outbox/routes.js';
import { citizenPushRoutes } from './channels/push/citizen-routes.js';
import { smsKeywordsPlugin } from './channels/sms/keyword-table.js';
import { smsChannel } from './channels/sms/plugin.js';
import { webChannel } from './channels/web/plugin.js';
import { subsidyCodeWorker } from './channels/web/subsidy-code-worker.js';
import { importRoutes } from './api/import-routes.js';
import { directoryRoutes } from './api/directory-routes.js';
import { smsKeywordRoutes } from './api/sms-keyword-routes.js';
import { importQueuePlugin } from './subsidies/import-queue.js';
import { importWorker } from './subsidies/import-worker.js';
import { mailIntakePlugin } from './channels/email/mail-intake.js';
import { imapPollerPlugin } from './channels/email/imap-plugin.js';
import { smtpListener } from './channels/email/smtp-listener.js';
import { attachmentRoutes } from './channels/email/attachment-routes.js';
import { ivrWebhooks } from './channels/voice/ivr-webhooks.js';
import { liveCallsPlugin } from './channels/voice/live-calls-plugin.js';
import { ivrRoutes } from './api/ivr-routes.js';
import { callRoutes } from './api/call-routes.js';
import { callTransfersPlugin } from './channels/voice/transfer-plugin.js';
import { transferWebhooks } from './channels/voice/transfer-routes.js';
import { twilioStatusRoutes } from './channels/twilio/status-routes.js';
import { notificationRoutes } from './api/notification-routes.js';
import { templateRoutes } from './api/template-routes.js';
import { notifyPlugin, usesDevOutbox } from './notify/plugin.js';
import { notifyWorkers } from './notify/workers-plugin.js';
import { templatesPlugin } from './templates/plugin.js';
import type { Config } from './config.js';
import { authPlugin } from './http/auth-plugin.js';
import { staffPlugin } from './staff/plugin.js';
import { dashboardsPlugin } from './dashboards/plugin.js';
import { errorsPlugin } from './http/errors-plugin.js';
import { createFastify } from './http/create-fastify.js';
import { healthRoutes } from './http/health-routes.js';
import { metricsPlugin } from './http/metrics-plugin.js';
import { queuesPlugin } from './queues/plugin.js';
import { redisPlugin } from './redis/plugin.js';
import { storeLogger, storePlugin } from './store/plugin.js';
import { openStore, type Store } from './store/store.js';
import { ticketCorePlugin } from './tickets/plugin.js';
import { slaTimersWorker } from './tickets/timers-plugin.js';
import { routingPlugin } from './routing/plugin.js';

/**
 * The whole hub as one plugin: external plugins, then resources (store, Redis, queues), then the
 * ticket core, then routes. `server.ts` only configures and listens; tests register the same thing.
 */
export const hubApp: FastifyPluginAsync<{ config: Config; store: Store }> = async (
  app,
  { config, store },
) => {
  await app.register(errorsPlugin);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Citizen interaction hub',
        version: '0.1.0',
        description: 'Staff API, channels and health',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  app.addSchema(ErrorReply);
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  await app.register(storePlugin, { store });
  await app.register(redisPlugin, { config });
  await app.register(queuesPlugin, { config });
  await app.register(importQueuePlugin, { config });
  await app.register(routingPlugin, { config });
  await app.register(ticketCorePlugin, { config });
  await app.register(templatesPlugin, { config });
  // The hotline's own SMS keywords, read by the SMS channel and changed on the admin page.
  await app.register(smsKeywordsPlugin, { config });
  await app.register(notifyPlugin, { config });
  await app.register(mailIntakePlugin, { config });
  if (config.runWorkers) {
    await app.register(slaTimersWorker, { config });
    await app.register(notifyWorkers, { config });
    // Optional polling of an existing mailbox (IMAP_URL): a background worker like the others.
    if (config.mailInbound.imapUrl) await app.register(imapPollerPlugin, { config });
    await app.register(subsidyCodeWorker, { config });
    await app.register(importWorker, { config });
  }
  await app.register(staffPlugin, { config });
  await app.register(authPlugin, { config });
  await app.register(metricsPlugin);

  await app.register(healthRoutes);
  await app.register(smsChannel, { config });
  await app.register(smtpListener, { config });
  // The console's live calls: kept by the IVR and the call status callback (issue 7).
  await app.register(liveCallsPlugin, { config });
  await app.register(ivrWebhooks, { config });
  await app.register(callTransfersPlugin, { config });
  await app.register(transferWebhooks, { config });
  await app.register(twilioStatusRoutes, { config });
  await app.register(citizenPushRoutes, { config });
  await app.register(webChannel, { config });
  // Staff pages (issue 7): sign-in, the role's area, audit search, users; their own cookie/CSRF/CSP.
  await app.register(dashboardsPlugin, { config, prefix: '/staff' });
  // Development mode (DESIGN §5): what would have gone to an unconfigured provider, to look at.
  if (usesDevOutbox(config)) {
    await app.register(devOutboxRoutes, { outbox: app.store.devOutbox, timeZone: config.timezone });
  }
  await app.register(
    async (api) => {
      await api.register(ticketsRoutes);
      await api.register(attachmentRoutes);
      await api.register(adminRoutes);
      await api.register(routingRoutes);
      await api.register(slaRoutes);
      await api.register(supervisionBoardRoutes, { config });
      await api.register(templateRoutes);
      await api.register(notificationRoutes);
      await api.register(liveRoutes, { config });
      await api.register(ivrRoutes, { config });
      await api.register(callRoutes);
      await api.register(importRoutes, { config });
      await api.register(directoryRoutes);
      await api.register(smsKeywordRoutes, { config });
    },
    { prefix: '/api/v1' },
  );
};

/**
 * Registers the hub on an app from createFastify, with a store already opened (openStore). The store
 * is opened first, outside plugin registration: starting the embedded database and creating some 35
 * collections with their indexes is the long part of a boot (on a busy machine, or behind a slow
 * link to MongoDB, it outlasted Fastify's 10 s plugin timeout, which then left the database process
 * running). It is bounded by its own limits instead — the embedded server's start timeout and
 * STORE_TIMEOUT_MS per operation — and the indexes still exist before the first insert. What the
 * plugins still read and write at boot is bounded too (see bootPluginTimeoutMs). A failed
 * registration closes the app and the store.
 */
export async function registerHub(
  app: FastifyInstance,
  config: Config,
  store: Store,
): Promise<FastifyInstance> {
  try {
    // fastify-plugin: the hub's decorators (store, tickets …) stay visible on the root instance.
    await app.register(fp(hubApp, { name: 'hub' }), { config, store });
  } catch (error) {
    await app.close().catch(() => undefined);
    await store.close();
    throw error;
  }
  return app;
}

/** A configured Fastify instance with the hub registered, not yet listening. */
export async function buildApp(config: Config): Promise<FastifyInstance> {
  const app = createFastify(config);
  const store = await openStore(config, storeLogger(app.log));
  return registerHub(app, config, store);
}
