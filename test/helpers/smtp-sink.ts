import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/** One message the sink accepted, as the receiving side sees it. */
export interface SinkMessage {
  envelope: { from: string; to: string[] };
  /** The message as it came over the wire. */
  raw: string;
  /** Lower-case header name → raw value (unfolded, not decoded); the first one of a repeated header. */
  headers: Map<string, string>;
  /** Decoded by mailparser (encoded-words undone). */
  subject: string | undefined;
  text: string | undefined;
  html: string | undefined;
  messageId: string | undefined;
  /** The SMTP session (TCP connection) it came on. */
  sessionId: string;
}

export interface FailOptions {
  /** Refuse the recipient (`RCPT TO`) or the message after its data; default `rcpt`. */
  at?: 'rcpt' | 'data';
  /** The reply text after the code. */
  text?: string;
}

interface Failure {
  code: number;
  at: 'rcpt' | 'data';
  text: string;
}

/**
 * A real SMTP server on 127.0.0.1 (random port, no AUTH, no TLS) that records what it receives and
 * answers as a test tells it to. Close the clients (the adapter's pool) before closing the sink.
 */
export class SmtpSink {
  readonly messages: SinkMessage[] = [];
  /** TCP connections opened so far. */
  connections = 0;
  private readonly server: SMTPServer;
  private readonly failures = new Map<string, Failure[]>();
  private waiters: { count: number; wake: () => void }[] = [];

  constructor() {
    this.server = new SMTPServer({
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      logger: false,
      // Pending connections are cut after this once close() is called, so teardown never hangs.
      closeTimeout: 1000,
      onConnect: (_session, callback) => {
        this.connections += 1;
        callback();
      },
      onRcptTo: (address, _session, callback) => {
        callback(this.takeFailure(address.address, 'rcpt'));
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => {
            callback();
          },
          (error: unknown) => {
            callback(error instanceof Error ? error : new Error(String(error)));
          },
        );
      },
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        resolve();
      });
    });
    return this;
  }

  get port(): number {
    return (this.server.server.address() as AddressInfo).port;
  }

  /** For the adapter: `smtp://127.0.0.1:<port>`. */
  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next message to `address` is refused with `code` (4xx or 5xx); queue several by calling again. */
  failNext(address: string, code: number, options: FailOptions = {}): void {
    const key = address.toLowerCase();
    const queue = this.failures.get(key) ?? [];
    queue.push({
      code,
      at: options.at ?? 'rcpt',
      text: options.text ?? (code < 500 ? 'Try again later' : 'No such user'),
    });
    this.failures.set(key, queue);
  }

  /** Resolves once `count` messages have arrived; rejects after `timeoutMs`. */
  async waitFor(count: number, timeoutMs = 5000): Promise<SinkMessage[]> {
    if (this.messages.length >= count) return this.messages;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        new Promise<void>((resolve) => {
          this.waiters.push({ count, wake: resolve });
        }),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => {
            reject(
              new Error(`smtp sink: ${this.messages.length} of ${count} messages after ${timeoutMs} ms`),
            );
          }, timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
    return this.messages;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private takeFailure(address: string, at: Failure['at']): Error | null {
    const queue = this.failures.get(address.toLowerCase());
    const index = queue?.findIndex((f) => f.at === at) ?? -1;
    const failure = index >= 0 ? queue?.splice(index, 1)[0] : undefined;
    if (!failure) return null;
    return Object.assign(new Error(failure.text), { responseCode: failure.code });
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const to = session.envelope.rcptTo.map((r) => r.address);
    for (const address of to) {
      const failure = this.takeFailure(address, 'data');
      if (failure) throw failure;
    }
    const raw = Buffer.concat(chunks);
    const parsed = await simpleParser(raw, {
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipTextLinks: true,
    });
    const headers = new Map<string, string>();
    for (const { key, line } of parsed.headerLines) {
      if (!headers.has(key))
        headers.set(
          key,
          line
            .slice(line.indexOf(':') + 1)
            .replace(/\r?\n(?=[ \t])/g, '')
            .trim(),
        );
    }
    const mailFrom = session.envelope.mailFrom;
    this.messages.push({
      envelope: { from: mailFrom ? mailFrom.address : '', to },
      raw: raw.toString('utf8'),
      headers,
      subject: parsed.subject,
      text: parsed.text,
      html: parsed.html === false ? undefined : parsed.html,
      messageId: parsed.messageId,
      sessionId: session.id,
    });
    const ready = this.waiters.filter((w) => this.messages.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.messages.length < w.count);
    for (const waiter of ready) waiter.wake();
  }
}

/** A started sink; close it in `after`. */
export async function startSmtpSink(): Promise<SmtpSink> {
  return new SmtpSink().start();
}
