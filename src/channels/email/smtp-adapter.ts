import nodemailer from 'nodemailer';
import type { ChannelAdapter, OutboundMessage, SendResult } from '../../notify/types.js';
import { parseMailbox } from './address.js';
import { toProviderError } from './smtp-errors.js';

export interface SmtpAdapterOptions {
  /** SMTP_URL: `smtp://user:pass@host:587` or `smtps://…:465`. */
  url: string;
  /** MAIL_FROM: `noreply@hub.example` or `"12345 热线" <noreply@hub.example>`. */
  from: string;
  /** Open connections at most (SMTP_POOL_SIZE); default 5. */
  maxConnections?: number;
}

/**
 * A worker waits for every send: a silent server must fail the attempt in seconds (the queue
 * retries with backoff) rather than after nodemailer's defaults of two and ten minutes.
 */
const CONNECTION_TIMEOUT_MS = 15_000;
const SOCKET_TIMEOUT_MS = 60_000;

/**
 * Outbound mail over SMTP through one pool of connections. Every message threads onto its ticket
 * (In-Reply-To / References = the ticket's thread root) and keeps the Message-ID the caller gave,
 * so a retried send is the same message to the receiver, who can drop the twin. There is no
 * `findSent`: SMTP cannot say whether a server already holds a message.
 */
export class SmtpAdapter implements ChannelAdapter {
  readonly channel = 'email' as const;
  readonly provider = 'smtp';
  private readonly transport;
  private readonly from: string;
  private readonly domain: string;

  constructor(options: SmtpAdapterOptions) {
    this.from = options.from;
    this.domain = parseMailbox(options.from)?.address.split('@')[1] ?? 'hub.invalid';
    this.transport = nodemailer.createTransport({
      url: options.url,
      pool: true,
      maxConnections: options.maxConnections ?? 5,
      // One quick requeue covers a pooled connection the server dropped while idle; anything more
      // is the queue's job, which backs off and records every attempt.
      maxRequeues: 1,
      connectionTimeout: CONNECTION_TIMEOUT_MS,
      greetingTimeout: CONNECTION_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
    });
  }

  /** Sends one mail; throws a ProviderError (see smtp-errors.ts for the mapping of replies). */
  async send(message: OutboundMessage): Promise<SendResult> {
    // The caller always gives one; this fallback is still stable across retries of the delivery.
    const messageId = message.messageId ?? `<${message.deliveryId}@${this.domain}>`;
    try {
      await this.transport.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject ?? '',
        text: message.body,
        html: message.html,
        messageId,
        inReplyTo: message.threadId,
        references: message.threadId,
        headers: {
          // RFC 3834: an automatic message; well-behaved responders do not answer it.
          'Auto-Submitted': 'auto-generated',
          // Exchange/Outlook ignore Auto-Submitted; this stops their out-of-office replies.
          'X-Auto-Response-Suppress': 'All',
          ...(message.ticketNumber ? { 'X-Hub-Ticket': message.ticketNumber } : {}),
        },
      });
    } catch (error) {
      throw toProviderError(error);
    }
    return { providerId: messageId, status: 'sent' };
  }

  /** Closes idle connections now; one in the middle of a message finishes it first. */
  async close(): Promise<void> {
    this.transport.close();
  }
}
