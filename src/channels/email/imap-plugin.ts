import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { ImapPoller } from './imap-poller.js';
import { parseImapUrl } from './imap-url.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Present only when IMAP_URL is set and this process runs the workers. */
    imapPoller?: ImapPoller;
  }
}

/** Messages per round at most: a round holds the mailbox's lock, so it stays short. */
const BATCH = 50;

/**
 * Optional IMAP polling of an existing mailbox (IMAP_URL, every IMAP_POLL_MS) as a background
 * worker: registered by app.ts only where the workers run. Starts once the hub is ready (the intake
 * must be there), stops on close after the mail in hand.
 */
export const imapPollerPlugin = fp<{ config: Config }>(
  async (app, { config }) => {
    const { imapUrl, imapPollMs, maxBytes, mailboxes } = config.mailInbound;
    if (!imapUrl) return;
    const account = parseImapUrl(imapUrl);
    const poller = new ImapPoller({
      account,
      pollMs: imapPollMs,
      cursors: app.store.imapCursors,
      intake: app.mailIntake,
      redis: app.redis,
      log: app.log.child({ channel: 'imap' }),
      // Mail fetched from a mailbox was sent to that mailbox's address.
      mailboxAddress: account.user.includes('@')
        ? account.user.toLowerCase()
        : (mailboxes[0] ?? account.user),
      maxBytes,
      batch: BATCH,
    });
    app.decorate('imapPoller', poller);
    app.addHook('onReady', (done) => {
      poller.start();
      done();
    });
    app.addHook('onClose', async () => {
      await poller.stop();
    });
  },
  { name: 'hub-imap-poller', dependencies: ['hub-store', 'hub-redis', 'mail-intake'] },
);
