import { readFile } from 'node:fs/promises';
import fp from 'fastify-plugin';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { Config } from '../../config.js';
import type { MailEnvelope } from './mail-intake.js';
import { isOurMailbox } from './thread-token.js';

/** Recipients per transaction: more than any citizen needs, few enough to bound the work. */
const MAX_RECIPIENTS = 20;
/** On close, connections mid-transaction get this long to finish. */
const CLOSE_TIMEOUT_MS = 3_000;

/**
 * The inbound SMTP listener (DESIGN §5: `SMTP_PORT`, 0 = off) as a named plugin that closes itself.
 * A final destination, never a relay:
 * - RCPT: only MAIL_INBOUND mailboxes (and their plus addresses `local+TOKEN@domain`); anything else
 *   → 550 before any data is taken;
 * - no AUTH (nobody logs in to send to a public mailbox, and it is not advertised); STARTTLS only
 *   with SMTP_TLS_KEY/SMTP_TLS_CERT; SMTP_MAX_CONNECTIONS clients at once;
 * - SIZE = SMTP_MAX_BYTES, advertised and enforced on the DATA stream itself: bytes are counted as
 *   they arrive, nothing past the limit is buffered, and an oversize message gets 552 with nothing
 *   stored (DESIGN §4.5);
 * - 250 only after the mail intake has stored and processed the mail; the database away or the
 *   processing deferred → 451, so the sender retries (DESIGN §4.1).
 */
export const smtpListener = fp<{ config: Config }>(
  async (app, { config }) => {
    const inbound = config.mailInbound;
    if (inbound.port === 0) return;
    const tls = inbound.tls
      ? { key: await readFile(inbound.tls.keyFile), cert: await readFile(inbound.tls.certFile) }
      : undefined;
    const intake = app.mailIntake;
    const log = app.log.child({ channel: 'email' });
    const server = new SMTPServer({
      name: config.mailDomain,
      banner: 'citizen service mailbox',
      logger: false,
      secure: false,
      ...(tls ?? {}),
      authOptional: true,
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      size: inbound.maxBytes,
      maxClients: inbound.maxConnections,
      closeTimeout: CLOSE_TIMEOUT_MS,
      onRcptTo(address, session, callback) {
        if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) {
          callback(smtpError(452, '4.5.3 Too many recipients'));
        } else if (!isOurMailbox(address.address, inbound.mailboxes)) {
          callback(smtpError(550, '5.1.1 No such mailbox here (this server relays nothing)'));
        } else {
          callback();
        }
      },
      onData(stream, session, callback) {
        readLimited(stream, inbound.maxBytes).then(
          async (raw) => {
            if (raw === undefined) {
              log.info({ remote: session.remoteAddress }, 'mail refused: over SMTP_MAX_BYTES');
              callback(smtpError(552, `5.3.4 Message exceeds the maximum size of ${inbound.maxBytes} bytes`));
              return;
            }
            await intake.accept(raw, envelopeOf(session)).then(
              () => {
                callback(null, '2.0.0 Message accepted');
              },
              (error: unknown) => {
                log.warn({ err: error, remote: session.remoteAddress }, 'mail deferred (451)');
                callback(smtpError(451, '4.3.0 Temporarily unable to accept the message, try again later'));
              },
            );
          },
          (error: unknown) => {
            log.warn({ err: error }, 'mail data stream failed');
            callback(smtpError(451, '4.3.0 Temporarily unable to accept the message, try again later'));
          },
        );
      },
    });
    server.on('error', (error) => {
      log.warn({ err: error }, 'SMTP listener error');
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(inbound.port, inbound.host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    log.info(`SMTP listener on ${inbound.host}:${inbound.port} for ${inbound.mailboxes.join(', ')}`);
    app.addHook('onClose', async () => {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    });
  },
  { name: 'mail-smtp-listener', dependencies: ['mail-intake'] },
);

/**
 * The whole DATA stream, or undefined when it passed `maxBytes`: counted chunk by chunk, and once
 * over the limit nothing more is kept — the rest is read and dropped so the transaction can end
 * with the 552 answer (smtp-server's own `sizeExceeded` flag is checked as well).
 */
export async function readLimited(
  stream: SMTPServerDataStream,
  maxBytes: number,
): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let over = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (over) continue;
    if (bytes > maxBytes) {
      over = true;
      chunks.length = 0;
      continue;
    }
    chunks.push(chunk);
  }
  if (over || stream.sizeExceeded) return undefined;
  return Buffer.concat(chunks, bytes);
}

function envelopeOf(session: SMTPServerSession): MailEnvelope {
  const from = session.envelope.mailFrom;
  return {
    from: from ? from.address : '',
    to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
    via: 'smtp',
    remoteAddress: session.remoteAddress,
    receivedAt: new Date(),
  };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}
