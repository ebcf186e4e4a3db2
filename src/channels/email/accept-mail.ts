import { createHash } from 'node:crypto';
import { HubErrors } from '../../errors.js';
import { withLock } from '../../redis/lock.js';
import { isStoreUnavailable } from '../../store/errors.js';
import type { InboundMail } from '../../store/inbound-mails.js';
import type { MailDeps } from './deps.js';
import { mailKey } from './mail-key.js';
import type { MailEnvelope, MailOutcome } from './mail-intake.js';
import { processMail } from './process-mail.js';

/**
 * One inbound mail, from the SMTP listener or IMAP polling (DESIGN §4.1, §4.2):
 * 1. the raw bytes are stored under the mail's key (Message-ID, or the SHA-256 of the bytes) — the
 *    database not answering → HUB_ERR_STORE_UNAVAILABLE, nothing accepted (SMTP 451);
 * 2. a key seen before whose mail was settled → `duplicate` with the first outcome;
 * 3. otherwise, holding the mail's lock, it is processed (process-mail.ts) and settled.
 * A failure after step 1 marks the mail `failed` and throws HUB_ERR_MAIL_DEFERRED (SMTP 451): the
 * sender retries for days, the retry finds the stored mail by its key and processes it again —
 * every step of processing is idempotent on that key, so nothing is done twice and nothing is lost.
 * We chose this over answering 250 and retrying from a queue: it needs no sweep of the mail store,
 * and the sender's retry is the durable retry schedule.
 */
export async function acceptMail(deps: MailDeps, raw: Buffer, envelope: MailEnvelope): Promise<MailOutcome> {
  const { key } = mailKey(raw);
  const received = await storeRaw(deps, key, raw, envelope);
  if (!received.stored) {
    const first = settledOutcome(received.mail);
    if (first) return first;
  }
  const ran = await withLock(deps.redis, lockKey(key), deps.settings.lock, async () => {
    if (!received.stored) {
      // Settled meanwhile by the twin we waited for?
      const now = await deps.store.inboundMails.findById(key);
      const first = now ? settledOutcome(now) : undefined;
      if (first) return first;
    }
    try {
      const done = await processMail(deps, received.mail);
      await deps.store.inboundMails.settle(key, done.status, done.outcome, done.fields);
      deps.log.info({ mail: key, via: envelope.via, ...done.outcome }, 'mail processed');
      return done.outcome;
    } catch (error) {
      deps.log.warn({ err: error, mail: key }, 'mail kept but not processed; the sender retries');
      await deps.store.inboundMails.fail(key, codeOf(error)).catch(() => undefined);
      throw Object.assign(new HubErrors.MailDeferred(shortKey(key)), { cause: error });
    }
  }).catch((error: unknown) => {
    if (error instanceof HubErrors.MailDeferred) throw error;
    // Redis away while locking: kept, not processed.
    throw Object.assign(new HubErrors.MailDeferred(shortKey(key)), { cause: error });
  });
  if (!ran) throw new HubErrors.MailDeferred(shortKey(key));
  return ran.value;
}

async function storeRaw(
  deps: MailDeps,
  key: string,
  raw: Buffer,
  envelope: MailEnvelope,
): Promise<{ stored: boolean; mail: InboundMail }> {
  try {
    return await deps.store.inboundMails.receive({
      id: key,
      raw,
      envelope: {
        from: envelope.from.replace(/\0/g, ''),
        to: envelope.to.map((a) => a.toLowerCase().replace(/\0/g, '')),
        via: envelope.via,
        remoteAddress: envelope.remoteAddress,
      },
      receivedAt: envelope.receivedAt,
    });
  } catch (error) {
    if (isStoreUnavailable(error)) throw new HubErrors.StoreUnavailable();
    throw error;
  }
}

/** The first outcome of a mail seen before, as a duplicate; undefined while it is not settled. */
function settledOutcome(mail: InboundMail): MailOutcome | undefined {
  if ((mail.status !== 'processed' && mail.status !== 'ignored') || !mail.outcome) return undefined;
  return { kind: 'duplicate', ticketNumber: mail.outcome.ticketNumber, reason: mail.outcome.kind };
}

function lockKey(key: string): string {
  return `lock:mail:${shortKey(key)}`;
}

/** Keys are Message-IDs of any length and character: Redis keys and messages get a hash of them. */
function shortKey(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 32);
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && code.startsWith('HUB_ERR_')) return code;
  return isStoreUnavailable(error) ? 'HUB_ERR_STORE_UNAVAILABLE' : 'HUB_ERR_INTERNAL';
}
