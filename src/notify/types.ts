/**
 * The notification pipeline's contracts. The core side (src/notify) plans, renders and records; the
 * adapters (src/channels/*) speak to providers and translate their words into these types. Nothing
 * here imports a vendor SDK.
 */

/** The outbound channels, one BullMQ queue each (src/queues/names.ts). */
export const OUTBOUND_CHANNELS = ['sms', 'voice', 'email', 'push'] as const;
export type OutboundChannel = (typeof OUTBOUND_CHANNELS)[number];

/** What an adapter is asked to send: rendered and addressed, with the ids providers dedupe on. */
export interface OutboundMessage {
  /**
   * `<outbox entry id>.<channel>` (or `<broadcast id>.<contact id>.<channel>`): stable across retries,
   * so a provider (SMTP Message-ID, Twilio status callback URL) sees the same key every time.
   */
  deliveryId: string;
  channel: OutboundChannel;
  /**
   * E.164 phone (sms, voice), email address (email), or a push target: `ticket:<number>` (the
   * citizen's status page), `department:<code>` or `supervisors` (staff pages).
   */
  to: string;
  ticketNumber?: string;
  language: 'zh-CN' | 'en';
  /** SMS text with its signature; push text; email text part; voice: the text to say. */
  body: string;
  /** Email only. */
  subject?: string;
  html?: string;
  /** Email only: our Message-ID for this message and the ticket's thread root (In-Reply-To / References). */
  messageId?: string;
  threadId?: string;
  /** Twilio: where it reports this message's or call's status (`/webhooks/twilio/status?d=…`). */
  statusCallbackUrl?: string;
  /** Push only: structured data for the pages (template name, audience, department). */
  data?: Record<string, string>;
}

/** How far a provider took the message when it answered. */
export interface SendResult {
  /** Twilio Message/Call SID, SMTP Message-ID, push sequence id, dev-outbox id. */
  providerId: string;
  status: 'sent' | 'delivered';
}

/**
 * What went wrong, in our words (each adapter maps its vendor's codes):
 * - `opt_out`: the recipient unsubscribed at the provider (Twilio 21610): mark the contact, never retry;
 * - `permanent`: this address will never work (Twilio 21211 / 21614 / 21408 / 21612, SMTP 5xx): no
 *   retry, try the fallback channel;
 * - `rate_limited`: slow down (HTTP 429, Twilio 20429): pause the queue, retry without using an attempt;
 * - `transient`: anything else (network, 5xx from the API, SMTP 4xx): retry with backoff.
 */
export type ProviderErrorKind = 'opt_out' | 'permanent' | 'rate_limited' | 'transient';

export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    /** The vendor's code as a string (`21610`, `550`, `ECONNREFUSED`). */
    readonly code: string | undefined,
    message: string,
    /** For `rate_limited`: how long the provider asked us to wait, when it said. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** One provider for one channel. Adapters hold their own connections and close them in `close`. */
export interface ChannelAdapter {
  readonly channel: OutboundChannel;
  /** `twilio`, `smtp`, `websocket`, `dev-outbox`. */
  readonly provider: string;
  /** Sends one message; throws {@link ProviderError} (anything else counts as transient). */
  send(message: OutboundMessage): Promise<SendResult>;
  /**
   * After a crash between "about to send" and "sent" was recorded: does the provider already hold
   * this message (sent at or after `since`)? Lets the retry record it instead of sending it twice.
   * Adapters that cannot tell leave this out (the retry then sends again; for email the unchanged
   * Message-ID lets receivers drop the twin).
   */
  findSent?(message: OutboundMessage, since: Date): Promise<SendResult | undefined>;
  close?(): Promise<void>;
}
