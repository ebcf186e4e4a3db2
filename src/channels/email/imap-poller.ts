import type { FastifyBaseLogger } from 'fastify';
import { ImapFlow } from 'imapflow';
import type { Redis } from 'ioredis';
import { withLock } from '../../redis/lock.js';
import { pollMailbox, safeError, type ImapPollDeps, type PollResult } from './imap-poll.js';

export interface ImapPollerOptions extends Omit<ImapPollDeps, 'stopping' | 'log'> {
  log: FastifyBaseLogger;
  /** One round per this long; new mail announced by the server (IDLE, EXISTS) starts one sooner. */
  pollMs: number;
  /** A round runs under this lock, so two hub processes never read one mailbox at once. */
  redis: Redis;
  /** First reconnect delay and its cap (exponential, with jitter). */
  backoff?: { baseMs: number; capMs: number };
}

export interface ImapPollerStatus {
  mailbox: string;
  state: 'idle' | 'connecting' | 'connected' | 'waiting_to_reconnect' | 'stopped';
  /** Connections made (the first one included). */
  connections: number;
  /** Consecutive failed connection attempts or broken connections (0 once a round succeeds). */
  failures: number;
  rounds: number;
  /** Mails the intake took (new tickets, thread messages and duplicates alike). */
  accepted: number;
  /** Mails passed over: too large (left unseen for staff) or gone before they were fetched. */
  passed: number;
  /** Refusals by the intake (each retry counts). */
  refused: number;
  /** UIDs waiting on the cursor's retry list after the last round. */
  retrying: number;
  lastRoundAt?: Date;
  lastError?: string;
}

/** Reconnect delay after the n-th failure in a row: base·2ⁿ⁻¹, capped, half of it random (jitter). */
export function reconnectDelay(
  failures: number,
  baseMs: number,
  capMs: number,
  random = Math.random,
): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * Keeps one IMAP connection to the mailbox and polls it: a round every `pollMs` (or at once when the
 * server says new mail exists), never two at a time; a lost connection is made again after a growing,
 * jittered pause. Nothing it does rejects unhandled: every failure is logged and retried.
 */
export class ImapPoller {
  private readonly wakeup = new Wakeup();
  private stopRequested = false;
  private loop: Promise<void> | undefined;
  private client: ImapFlow | undefined;
  private accepting = false;
  private readonly info: ImapPollerStatus;

  constructor(private readonly options: ImapPollerOptions) {
    this.info = {
      mailbox: options.account.key,
      state: 'idle',
      connections: 0,
      failures: 0,
      rounds: 0,
      accepted: 0,
      passed: 0,
      refused: 0,
      retrying: 0,
    };
  }

  start(): void {
    if (this.loop || this.stopping()) return;
    this.loop = this.run().catch((error: unknown) => {
      this.options.log.error({ mailbox: this.info.mailbox, err: safeError(error) }, 'imap: poller stopped');
    });
  }

  /** Finishes the message in hand, logs out and resolves once nothing of the poller runs. */
  async stop(): Promise<void> {
    this.stopRequested = true;
    this.wakeup.wake();
    // Mid-IMAP (connecting, fetching) the connection is cut; a mail being accepted is let finish.
    if (!this.accepting) this.client?.close();
    await this.loop;
    this.info.state = 'stopped';
  }

  /** A method, not a field read: the flag changes while a round awaits. */
  private stopping(): boolean {
    return this.stopRequested;
  }

  status(): ImapPollerStatus {
    return { ...this.info };
  }

  private async run(): Promise<void> {
    const backoff = this.options.backoff ?? { baseMs: Math.min(this.options.pollMs, 1000), capMs: 60_000 };
    while (!this.stopping()) {
      await this.session();
      this.wakeup.clear();
      if (this.stopping()) break;
      this.info.failures += 1;
      this.info.state = 'waiting_to_reconnect';
      const delay = reconnectDelay(this.info.failures, backoff.baseMs, backoff.capMs);
      this.options.log.info(
        { mailbox: this.info.mailbox, failures: this.info.failures, delayMs: delay },
        'imap: reconnecting after a pause',
      );
      await this.wakeup.wait(delay);
    }
  }

  /** One connection from login to loss (or stop); never throws. */
  private async session(): Promise<void> {
    const { account, log } = this.options;
    const client = this.newClient();
    this.client = client;
    this.info.state = 'connecting';
    const wake = (): void => {
      this.wakeup.wake();
    };
    client.on('exists', wake);
    client.on('close', wake);
    try {
      await client.connect();
      await client.mailboxOpen(account.mailbox);
      this.info.connections += 1;
      this.info.state = 'connected';
      log.info(
        { mailbox: this.info.mailbox, uidValidity: Number(client.mailbox ? client.mailbox.uidValidity : 0) },
        'imap: connected',
      );
      while (!this.stopping() && client.usable) {
        const result = await this.round(client);
        await this.wakeup.wait(result?.more ? 0 : this.options.pollMs);
      }
      if (!this.stopping()) {
        this.info.lastError = 'connection closed';
        log.warn({ mailbox: this.info.mailbox }, 'imap: the server closed the connection');
      }
    } catch (error) {
      if (!this.stopping()) {
        this.info.lastError = describe(error);
        log.warn({ mailbox: this.info.mailbox, err: safeError(error) }, 'imap: connection or round failed');
      }
    } finally {
      this.client = undefined;
      client.off('exists', wake);
      client.off('close', wake);
      await logout(client);
    }
  }

  /**
   * One round under the mailbox's lock (skipped while another process holds it). A mail the intake
   * refuses waits on the cursor's retry list (imap-poll.ts); IMAP, Redis (the lock) or the store
   * (the cursor) failing throws, and the session reconnects after a pause.
   */
  private async round(client: ImapFlow): Promise<PollResult | undefined> {
    const deps: ImapPollDeps = {
      ...this.options,
      stopping: () => this.stopping(),
      onRefused: (error) => {
        this.info.lastError = describe(error);
      },
      intake: {
        accept: async (raw, envelope) => {
          this.accepting = true;
          try {
            return await this.options.intake.accept(raw, envelope);
          } finally {
            this.accepting = false;
          }
        },
      },
    };
    // A round stops taking new messages at half its lock's life, so the lock never expires under it.
    const lock = { ttlMs: Math.max(5 * 60_000, this.options.pollMs * 2), waitMs: 1 };
    deps.deadline = Date.now() + lock.ttlMs / 2;
    const ran = await withLock(this.options.redis, `lock:imap:${this.info.mailbox}`, lock, () =>
      pollMailbox(deps, client),
    );
    this.info.rounds += 1;
    this.info.lastRoundAt = new Date();
    if (!ran) return undefined;
    const result = ran.value;
    this.info.failures = 0;
    this.info.accepted += result.accepted;
    this.info.passed += result.passed;
    this.info.refused += result.refused;
    this.info.retrying = result.retrying;
    return result;
  }

  private newClient(): ImapFlow {
    const { account, log } = this.options;
    const client = new ImapFlow({
      host: account.host,
      port: account.port,
      secure: account.secure,
      auth: { user: account.user, pass: account.password },
      // ImapFlow's own chatter stays out; its warnings and errors reach our log.
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: (entry: unknown) => {
          log.debug({ mailbox: this.info.mailbox, imap: pick(entry) }, 'imap client warning');
        },
        error: (entry: unknown) => {
          log.debug({ mailbox: this.info.mailbox, imap: pick(entry) }, 'imap client error');
        },
      },
      connectionTimeout: 30_000,
      // IDLE a second after a round: the server then announces new mail (EXISTS) at once, and a round
      // starts without waiting for IMAP_POLL_MS.
      autoIdleDelay: 1000,
      // Servers drop an IDLE after 30 minutes or so: renew it well before.
      maxIdleTime: 5 * 60_000,
    });
    // Without a listener an emitted 'error' would crash the process; the session sees the close.
    client.on('error', (error: Error) => {
      log.warn({ mailbox: this.info.mailbox, err: safeError(error) }, 'imap: connection error');
    });
    return client;
  }
}

/** A pause that `wake()` cuts short; a wake with nobody waiting makes the next wait return at once. */
class Wakeup {
  private pending = false;
  private resolve: (() => void) | undefined;

  wait(ms: number): Promise<void> {
    if (this.pending || ms <= 0) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.resolve = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.resolve = done;
    });
  }

  wake(): void {
    if (this.resolve) this.resolve();
    else this.pending = true;
  }

  /** Forgets a wake nobody waited for (the new-mail signal of a connection that is gone). */
  clear(): void {
    this.pending = false;
  }
}

async function logout(client: ImapFlow): Promise<void> {
  if (!client.usable) {
    client.close();
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    client.logout().catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, 2000);
    }),
  ]);
  clearTimeout(timer);
  client.close();
}

function describe(error: unknown): string {
  const { name, code, message } = safeError(error);
  return [name, code, message]
    .filter((part) => typeof part === 'string' || typeof part === 'number')
    .join(': ');
}

/** ImapFlow log entries carry the message and error code; never pass along anything else. */
function pick(entry: unknown): Record<string, unknown> {
  if (!entry || typeof entry !== 'object') return {};
  const { msg, code, err } = entry as { msg?: unknown; code?: unknown; err?: unknown };
  return { msg, code, ...(err === undefined ? {} : { err: safeError(err) }) };
}
