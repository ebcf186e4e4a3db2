import type { ChannelAdapter, OutboundChannel, OutboundMessage, SendResult } from '../../notify/types.js';
import type { DevOutboxRepository } from '../../store/dev-outbox.js';

/** What the adapter needs of the store: keep a message, find it again. */
export type DevOutbox = Pick<DevOutboxRepository, 'add' | 'findById'>;

/**
 * The provider of a channel that has no real one configured (DESIGN §5): the message is kept in the
 * development outbox, shown at `/dev/outbox`, and counts as delivered. Its id is the delivery id,
 * so a retried send keeps the first copy and `findSent` can always tell.
 */
export class DevOutboxAdapter implements ChannelAdapter {
  readonly provider = 'dev-outbox';

  constructor(
    readonly channel: OutboundChannel,
    private readonly outbox: DevOutbox,
  ) {}

  async send(message: OutboundMessage): Promise<SendResult> {
    await this.outbox.add({
      id: message.deliveryId,
      channel: this.channel,
      to: message.to,
      subject: message.subject,
      body: message.body,
      html: message.html,
      ticketNumber: message.ticketNumber,
      at: new Date(),
    });
    return delivered(message.deliveryId);
  }

  async findSent(message: OutboundMessage, since: Date): Promise<SendResult | undefined> {
    const kept = await this.outbox.findById(message.deliveryId);
    return kept && kept.at >= since ? delivered(kept.id) : undefined;
  }
}

function delivered(deliveryId: string): SendResult {
  return { providerId: `dev-${deliveryId}`, status: 'delivered' };
}
