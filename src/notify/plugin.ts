import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DevOutboxAdapter } from '../channels/dev-outbox/adapter.js';
import { SmtpAdapter } from '../channels/email/smtp-adapter.js';
import { pushChannel, WebsocketPushAdapter } from '../channels/push/websocket-adapter.js';
import { TwilioSmsAdapter } from '../channels/sms/twilio-sms-adapter.js';
import { closeTwilioClient, createTwilioClient } from '../channels/twilio/client.js';
import { TwilioVoiceAdapter } from '../channels/voice/twilio-voice-adapter.js';
import type { Config } from '../config.js';
import type { NotificationData } from '../templates/notifications/data.js';
import { isNotificationEvent } from '../templates/notifications/events.js';
import type { NotifyDeps } from './deps.js';
import type { ChannelAdapter, OutboundChannel } from './types.js';

declare module 'fastify' {
  interface FastifyInstance {
    notify: NotifyDeps;
  }
}

/**
 * The notification pipeline's resources as a named plugin: one adapter per channel — Twilio for SMS
 * and calls and SMTP for mail when configured (DESIGN §5), the development outbox otherwise, and
 * websocket push — the templates, and the relay the ticket core already holds. Adapters close with
 * the app. The workers that use them are a plugin of their own (workers-plugin.ts).
 */
export const notifyPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const adapters = buildAdapters(app, config);
    const deps: NotifyDeps = {
      store: app.store,
      redis: app.redis,
      relay: app.tickets.deps.outbox,
      departments: app.tickets.deps.outbox.departments,
      adapters: adapters.byChannel,
      templates: () => {
        const templates = app.templates.current();
        return {
          has: (event, channel) => isNotificationEvent(event) && templates.has(event, channel),
          render: (event, channel, locale, data) => {
            if (!isNotificationEvent(event)) throw new Error(`no template for ${event}`);
            return templates.render(event, channel, locale, data as unknown as NotificationData);
          },
        };
      },
      lock: { ttlMs: config.ticketLockMs, waitMs: config.ticketLockWaitMs },
      settings: {
        timezone: config.timezone,
        publicUrl: config.publicUrl,
        mailDomain: config.mailDomain,
        secret: config.secret,
        quietHours: config.quietHours,
        throttleMs: config.notifyThrottleMs,
        supervisorEmails: config.supervisorEmails,
      },
      log: {
        warn: (data, message) => {
          app.log.warn(data, message);
        },
        info: (data, message) => {
          app.log.info(data, message);
        },
      },
    };
    app.decorate('notify', deps);
    app.log.info(
      Object.fromEntries(Object.entries(adapters.byChannel).map(([c, a]) => [c, a.provider])),
      'notification providers',
    );
    app.addHook('onClose', adapters.close);
  },
  { name: 'hub-notify', dependencies: ['hub-store', 'hub-redis', 'hub-ticket-core', 'hub-templates'] },
);

/** Whether some channel sends into the development outbox (then `/dev/outbox` is served). */
export function usesDevOutbox(config: Pick<Config, 'twilio' | 'smtp'>): boolean {
  return !config.twilio || !config.smtp;
}

function buildAdapters(
  app: FastifyInstance,
  config: Config,
): { byChannel: Record<OutboundChannel, ChannelAdapter>; close: () => Promise<void> } {
  const dev = (channel: OutboundChannel): ChannelAdapter =>
    new DevOutboxAdapter(channel, app.store.devOutbox);
  const closers: (() => Promise<void> | void)[] = [];
  let sms = dev('sms');
  let voice = dev('voice');
  if (config.twilio) {
    const client = createTwilioClient(config.twilio);
    closers.push(() => {
      closeTwilioClient(client);
    });
    sms = new TwilioSmsAdapter({ client, from: config.twilio.from });
    voice = new TwilioVoiceAdapter({
      client,
      from: config.twilio.from,
      voices: { 'zh-CN': config.twilioVoice },
    });
  }
  let email = dev('email');
  if (config.smtp) {
    const smtp = new SmtpAdapter({
      url: config.smtp.url,
      from: config.smtp.from,
      maxConnections: config.smtp.poolSize,
    });
    closers.push(() => smtp.close());
    email = smtp;
  }
  const push = new WebsocketPushAdapter(app.redis, pushChannel(config.redisPrefix));
  return {
    byChannel: { sms, voice, email, push },
    close: async () => {
      for (const close of closers) await close();
    },
  };
}
