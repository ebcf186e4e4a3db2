import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import { createRedis } from '../redis/plugin.js';
import type { MessageTemplateRepository } from '../store/message-templates.js';
import {
  NotificationTemplates,
  type NotificationTemplateOptions,
} from './notifications/notification-templates.js';

/**
 * What the templates need from the configuration. `smsSignature` and `smsMaxParts` come from
 * SMS_SIGNATURE and SMS_MAX_PARTS once src/config.ts has them; `Config` fits this shape.
 */
export interface TemplatesConfig {
  smsSignature?: string;
  smsMaxParts?: number;
  publicUrl?: string;
  redisUrl: string;
  redisPrefix: string;
}

/** The compiled notification templates of this process, rebuilt when an admin changes one. */
export interface TemplateSet {
  current(): NotificationTemplates;
  /** Rebuild here from the store. */
  reload(): Promise<NotificationTemplates>;
  /** Rebuild here, and tell the hub's other processes to do the same. */
  changed(): Promise<NotificationTemplates>;
}

declare module 'fastify' {
  interface FastifyInstance {
    templates: TemplateSet;
  }
}

/** Pub/sub channels are not covered by ioredis' keyPrefix, so the prefix is added here. */
export function templatesChannel(config: Pick<TemplatesConfig, 'redisPrefix'>): string {
  return `${config.redisPrefix}:templates:changed`;
}

export function templateOptions(config: TemplatesConfig): NotificationTemplateOptions {
  return {
    smsSignature: config.smsSignature ?? '【12345】',
    smsMaxParts: config.smsMaxParts ?? 3,
    publicUrl: config.publicUrl,
  };
}

/** The built-ins with the stored overrides; a broken built-in throws (the hub must not start). */
export async function loadTemplates(
  repository: MessageTemplateRepository,
  options: NotificationTemplateOptions,
): Promise<NotificationTemplates> {
  return new NotificationTemplates(await repository.list(), options);
}

/**
 * Notification templates as a named plugin: compiled at boot with the overrides from the store, and
 * compiled again when any process of this hub announces a change on Redis (as routing does).
 */
export const templatesPlugin = fp<{ config: TemplatesConfig }>(
  async (app, { config }) => {
    const options = templateOptions(config);
    const build = async (): Promise<NotificationTemplates> => {
      const templates = await loadTemplates(app.store.messageTemplates, options);
      // Saved overrides were checked; one can still fail later (a lower SMS_MAX_PARTS): say so.
      for (const { id, problems } of templates.skipped) {
        app.log.warn({ template: id, problems }, 'template override not used; the built-in stands in');
      }
      return templates;
    };
    let current = await build();
    app.log.info({ templates: current.list().length }, 'notification templates compiled');

    const reload = async (): Promise<NotificationTemplates> => {
      current = await build();
      return current;
    };
    const subscriber = createRedis(config, 'templates');
    subscriber.on('error', (error) => {
      app.log.warn({ err: error }, 'templates subscription error');
    });
    await subscriber.connect();
    await subscriber.subscribe(templatesChannel(config));
    // Each process announces its changes with its own id and has rebuilt already: it skips its own.
    const self = randomUUID();
    subscriber.on('message', (_channel, from) => {
      if (from === self) return;
      reload().catch((error: unknown) => {
        app.log.error({ err: error }, 'notification templates not rebuilt');
      });
    });
    app.addHook('onClose', async () => {
      await subscriber.quit().catch(() => {
        subscriber.disconnect();
      });
    });

    app.decorate('templates', {
      current: () => current,
      reload,
      async changed() {
        const templates = await reload();
        await app.redis.publish(templatesChannel(config), self);
        return templates;
      },
    });
  },
  { name: 'hub-templates', dependencies: ['hub-store', 'hub-redis'] },
);
