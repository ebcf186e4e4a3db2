import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.js';
import { acceptMail } from './accept-mail.js';
import { parseMailbox } from './address.js';
import type { MailDeps } from './deps.js';
import type { MailIntake } from './mail-intake.js';

const ACK_WINDOW_SECONDS = 3600;

/** Wires the mail intake to the store, Redis and the ticket core (see mail-intake.ts). */
export function createMailIntake(app: FastifyInstance, config: Config): MailIntake {
  const mailboxes = config.mailInbound.mailboxes;
  const own = new Set(mailboxes);
  // Our notices' sender (MAIL_FROM, when mail goes out by SMTP): a notice bounced back is no ticket.
  const sender = config.smtp ? parseMailbox(config.smtp.from)?.address.toLowerCase() : undefined;
  if (sender) own.add(sender);
  const deps: MailDeps = {
    store: app.store,
    tickets: app.tickets,
    redis: app.redis,
    settings: {
      mailDomain: config.mailDomain,
      mailboxes,
      ownAddresses: own,
      attachments: {
        maxBytes: config.mailInbound.attachmentMaxBytes,
        types: config.mailInbound.attachmentTypes,
      },
      ackWindowSeconds: ACK_WINDOW_SECONDS,
      // Processing one mail takes a ticket's lock at most once: the mail's lock outlives that wait.
      lock: {
        ttlMs: config.ticketLockMs + config.ticketLockWaitMs + 30_000,
        waitMs: config.ticketLockWaitMs,
      },
    },
    log: app.log,
  };
  return { accept: async (raw, envelope) => acceptMail(deps, raw, envelope) };
}
