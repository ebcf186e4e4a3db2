import type { ChannelAdapter, OutboundMessage, SendResult } from '../../notify/types.js';
import { FIND_SENT, type TwilioClient } from '../twilio/client.js';
import { toProviderError } from '../twilio/errors.js';

/** Sends from one of our numbers, or lets a Messaging Service pick the sender from its pool. */
export type TwilioSmsAdapterOptions =
  | { client: TwilioClient; from: string; messagingServiceSid?: undefined }
  | { client: TwilioClient; messagingServiceSid: string; from?: undefined };

/**
 * SMS through Twilio's Messages API. The client is shared and closed by its owner
 * (`closeTwilioClient`), so this adapter has no `close`.
 */
export class TwilioSmsAdapter implements ChannelAdapter {
  readonly channel = 'sms' as const;
  readonly provider = 'twilio';
  readonly #options: TwilioSmsAdapterOptions;

  constructor(options: TwilioSmsAdapterOptions) {
    this.#options = options;
  }

  /**
   * Twilio answers `queued` (or `accepted` through a Messaging Service): it holds the message,
   * which is our `sent`; delivery comes later through the status callback.
   */
  async send(message: OutboundMessage): Promise<SendResult> {
    try {
      const created = await this.#options.client.messages.create({
        to: message.to,
        body: message.body,
        ...this.#sender(),
        ...(message.statusCallbackUrl === undefined ? {} : { statusCallback: message.statusCallbackUrl }),
      });
      return { providerId: created.sid, status: 'sent' };
    } catch (err) {
      throw toProviderError(err);
    }
  }

  /** The message Twilio holds to this number, from us, with our exact body, created since `since` (− 60 s). */
  async findSent(message: OutboundMessage, since: Date): Promise<SendResult | undefined> {
    const { from, messagingServiceSid } = this.#options;
    const notBefore = since.getTime() - FIND_SENT.slackMs;
    try {
      // From is filtered on Twilio's side when we send from a number; a Messaging Service picks the
      // number itself, so there we match on the service instead.
      const recent = await this.#options.client.messages.list({
        to: message.to,
        ...(from === undefined ? {} : { from }),
        limit: FIND_SENT.limit,
      });
      const found = recent.find(
        (m) =>
          m.body === message.body &&
          m.dateCreated.getTime() >= notBefore &&
          (messagingServiceSid === undefined || m.messagingServiceSid === messagingServiceSid),
      );
      return found === undefined ? undefined : { providerId: found.sid, status: 'sent' };
    } catch (err) {
      throw toProviderError(err);
    }
  }

  #sender(): { from: string } | { messagingServiceSid: string } {
    const { from, messagingServiceSid } = this.#options;
    return from === undefined ? { messagingServiceSid } : { from };
  }
}
