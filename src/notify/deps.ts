import type { Redis } from 'ioredis';
import type { LockOptions } from '../redis/lock.js';
import type { Store } from '../store/store.js';
import type { DepartmentCache } from './department-cache.js';
import type { OutboxRelay } from './relay.js';
import type { ChannelAdapter, OutboundChannel } from './types.js';

/** What templates give the pipeline: one rendered message (the template set is reloadable). */
export interface MessageRenderer {
  /** Whether the event is sent on the channel at all. */
  has(event: string, channel: OutboundChannel): boolean;
  render(
    event: string,
    channel: OutboundChannel,
    locale: string,
    data: Record<string, unknown>,
  ): { subject?: string; body: string; html?: string };
}

export interface NotifySettings {
  timezone: string;
  publicUrl: string;
  mailDomain: string;
  /** Signs rating links. */
  secret: string;
  quietHours: { from: string; to: string } | undefined;
  throttleMs: number;
  supervisorEmails: readonly string[];
}

/** What the notification use cases need; built once by the notify plugin, passed explicitly. */
export interface NotifyDeps {
  store: Store;
  /** The hub's prefixed Redis client (locks, throttle windows). */
  redis: Redis;
  relay: OutboxRelay;
  departments: DepartmentCache;
  adapters: Record<OutboundChannel, ChannelAdapter>;
  templates: () => MessageRenderer;
  lock: LockOptions;
  settings: NotifySettings;
  log: { warn(data: object, message: string): void; info(data: object, message: string): void };
}
