import type { Redis } from 'ioredis';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../../notify/types.js';
import { ProviderError } from '../../notify/types.js';

/** What a page's socket receives for a notification. */
export interface PushNotice {
  type: 'notification';
  id: string;
  /** `ticket:<number>`, `department:<code>` or `supervisors`. */
  to: string;
  ticket?: string;
  body: string;
  data?: Record<string, string>;
  at: string;
}

/** Pub/sub channels are not covered by ioredis' keyPrefix, so the prefix is added here. */
export function pushChannel(redisPrefix: string): string {
  return `${redisPrefix}:live:notifications`;
}

/**
 * Websocket push: the notice is published on Redis, and every hub process forwards it to the sockets
 * it holds that may see it (staff pages by department and role, the citizen's status page by ticket).
 * "Sent" means handed to the hubs; a page that is not open simply misses it — the ticket timeline and
 * the citizen's other channels keep the record.
 */
export class WebsocketPushAdapter implements ChannelAdapter {
  readonly channel = 'push' as const;
  readonly provider = 'websocket';

  constructor(
    private readonly redis: Redis,
    private readonly channelName: string,
  ) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    const notice: PushNotice = {
      type: 'notification',
      id: message.deliveryId,
      to: message.to,
      ticket: message.ticketNumber,
      body: message.body,
      data: message.data,
      at: new Date().toISOString(),
    };
    try {
      await this.redis.publish(this.channelName, JSON.stringify(notice));
    } catch (error) {
      throw new ProviderError('transient', undefined, `push not published: ${String(error)}`);
    }
    return { providerId: message.deliveryId, status: 'sent' };
  }
}

/** Whether a staff member's page may receive a notice (the same department rule as every read). */
export function staffMayReceive(actor: { role?: string; department?: string }, to: string): boolean {
  if (to === 'supervisors') return actor.role === 'supervisor' || actor.role === 'admin';
  if (to.startsWith('department:')) {
    return actor.role === 'department' && actor.department === to.slice('department:'.length);
  }
  return false;
}
