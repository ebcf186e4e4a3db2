import type { Redis } from 'ioredis';
import type { Store } from '../../store/store.js';
import type { TicketCore } from '../../tickets/plugin.js';
import type { AttachmentPolicy } from './mail-attachments.js';

/** What inbound mail needs; built once by the mail-intake plugin, passed explicitly. */
export interface MailDeps {
  store: Pick<Store, 'inboundMails' | 'attachments' | 'tickets' | 'contacts' | 'deliveries'>;
  tickets: Pick<TicketCore, 'intake' | 'addCitizenMessage'>;
  /** Our own keys (ioredis keyPrefix = REDIS_PREFIX). */
  redis: Redis;
  settings: MailSettings;
  log: { warn(object: object, message: string): void; info(object: object, message: string): void };
}

export interface MailSettings {
  /** The domain of our Message-IDs (MAIL_FROM's). */
  mailDomain: string;
  /** MAIL_INBOUND, lower case. */
  mailboxes: readonly string[];
  /** Mail from these is ours coming back (the mailboxes and MAIL_FROM): never a ticket. */
  ownAddresses: ReadonlySet<string>;
  attachments: AttachmentPolicy;
  /** At most one automatic acknowledgement per sender within this many seconds. */
  ackWindowSeconds: number;
  /** One processor per mail at a time (a resend racing the first delivery, SMTP and IMAP). */
  lock: { ttlMs: number; waitMs: number };
}
