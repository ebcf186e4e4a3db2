import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { createMailIntake } from './intake-service.js';

/**
 * How a mail reached us: the SMTP transaction's envelope (listener) or the mailbox it was fetched
 * from (IMAP polling). The mail's own headers are read from the raw bytes.
 */
export interface MailEnvelope {
  /**
   * SMTP MAIL FROM; '' for bounces (null reverse-path). IMAP: the Return-Path, else '' — for IMAP,
   * '' counts as a null sender only when the mail's own Return-Path header is `<>`.
   */
  from: string;
  /** The accepted recipients (our mailboxes). */
  to: string[];
  via: 'smtp' | 'imap';
  remoteAddress?: string;
  receivedAt: Date;
}

/**
 * What became of one mail:
 * - `ticket`: it opened a new ticket (`ticketNumber`);
 * - `thread`: it was appended to the sender's own ticket (`ticketNumber`);
 * - `linked`: it opened a new ticket linked for staff review to the ticket it referred to (a
 *   stranger's reply, or a reply to an ended ticket); `ticketNumber` is the NEW ticket, `reason`
 *   says why (`not_ticket_citizen`, `ticket_ended`);
 * - `duplicate`: this Message-ID (or these raw bytes) was accepted before; `ticketNumber` and
 *   `reason` (= the first outcome's kind) repeat the first outcome;
 * - `ignored`: nothing was opened (`reason`: `bounce`, `own_address` …); the raw mail is kept.
 */
export type MailOutcome = {
  kind: 'ticket' | 'thread' | 'linked' | 'duplicate' | 'ignored';
  ticketNumber?: string;
  reason?: string;
};

/** The one entry point for inbound mail (SMTP listener and IMAP polling alike). */
export interface MailIntake {
  /**
   * Stores the raw mail durably FIRST — throws HUB_ERR_STORE_UNAVAILABLE (statusCode 503) when the
   * database does not take it, so the caller refuses (SMTP 451) or keeps it (IMAP: not marked
   * seen) — then processes it. A failure after storage (Redis away, a bug) throws
   * HUB_ERR_MAIL_DEFERRED (503): the mail is kept (status `failed`), and the caller must have it sent
   * again (SMTP 451; IMAP: leave it unseen) — the resend is found by its key and processed then.
   * Resolves only once the mail is settled: resolving means "done, you may forget it".
   */
  accept(raw: Buffer, envelope: MailEnvelope): Promise<MailOutcome>;
}

declare module 'fastify' {
  interface FastifyInstance {
    mailIntake: MailIntake;
  }
}

/** `app.mailIntake`, after the ticket core and notify plugins (it holds no resource of its own). */
export const mailIntakePlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    await Promise.resolve();
    app.decorate('mailIntake', createMailIntake(app, config));
  },
  { name: 'mail-intake', dependencies: ['hub-store', 'hub-redis', 'hub-ticket-core', 'hub-notify'] },
);
