import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ImapFlow } from 'imapflow';
import { freePort } from './ports.js';

export const DOVECOT_BINARY = '/usr/sbin/dovecot';

export interface DovecotOptions {
  /** The mail account's name; an address by default, as a hosted mailbox would be. */
  user?: string;
  password?: string;
}

/**
 * A real Dovecot IMAP server (Debian's dovecot-imapd 2.3) for one test file: its own config, runtime,
 * state, log and maildirs in a temp dir, one passwd-file user, plaintext IMAP on 127.0.0.1 at a
 * free port, no TLS. `stop()` and `start()` take it down and up on the same port (mail is kept);
 * `close()` stops it and removes everything.
 */
export class Dovecot {
  readonly host = '127.0.0.1';
  readonly user: string;
  readonly password: string;
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private reaper: (() => void) | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    options: DovecotOptions,
  ) {
    this.user = options.user ?? '12345@hub.test';
    // Characters a URL must encode, so IMAP_URL's decoding is exercised (none a passwd-file forbids).
    this.password = options.password ?? `p@ss/w#rd?${randomBytes(4).toString('hex')}`;
  }

  static async start(options: DovecotOptions = {}): Promise<Dovecot> {
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-dovecot-'));
    const dovecot = new Dovecot(dir, await freePort(), options);
    try {
      dovecot.writeConfig();
      await dovecot.start();
    } catch (error) {
      await dovecot.close();
      throw error;
    }
    return dovecot;
  }

  /** `imap://user:password@127.0.0.1:port/<mailbox>`, credentials and mailbox percent-encoded. */
  url(mailbox?: string): string {
    const auth = `${encodeURIComponent(this.user)}:${encodeURIComponent(this.password)}`;
    const tail = mailbox === undefined ? '' : `/${encodeURIComponent(mailbox)}`;
    return `imap://${auth}@${this.host}:${this.port}${tail}`;
  }

  get configFile(): string {
    return path.join(this.dir, 'dovecot.conf');
  }

  /** Starts the server (again) and resolves once it greets on its port. */
  async start(): Promise<void> {
    if (this.child) throw new Error('dovecot is already running');
    // Its own process group: stopping it takes down every process of the instance, the logged-in
    // imap processes included (the master alone leaves them serving their clients).
    const child = spawn(DOVECOT_BINARY, ['-F', '-c', this.configFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        resolve();
      });
    });
    child.once('error', (error) => {
      output += String(error);
    });
    this.child = child;
    // A test process that dies without closing us must not leave a server behind.
    this.reaper = () => {
      signalGroup(child, 'SIGKILL');
    };
    process.once('exit', this.reaper);
    const deadline = Date.now() + 10_000;
    while (!(await this.greets())) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        await this.stop();
        throw new Error(`dovecot did not start: ${output}\n${this.log()}`);
      }
      await sleep(50);
    }
  }

  /**
   * Stops every process of the instance as a crash or a restart would: SIGTERM to the process group,
   * SIGKILL to whatever is left after 5 s. Open connections drop; the port is free when this resolves.
   */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (this.reaper) process.off('exit', this.reaper);
    signalGroup(child, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (signalGroup(child, 0)) {
      if (Date.now() > deadline) signalGroup(child, 'SIGKILL');
      await sleep(20);
    }
    await this.exited;
    while (await this.accepts()) await sleep(50);
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** The server's own log (login failures, errors), for a failing test's message. */
  log(): string {
    try {
      return readFileSync(path.join(this.dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  }

  /** A client logged in as the test user; the caller logs out. */
  async client(): Promise<ImapFlow> {
    const client = new ImapFlow({
      host: this.host,
      port: this.port,
      secure: false,
      doSTARTTLS: false,
      auth: { user: this.user, pass: this.password },
      logger: false,
      disableAutoIdle: true,
    });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  /** Runs `work` with a logged-in client, logging out afterwards. */
  async withClient<T>(work: (client: ImapFlow) => Promise<T>): Promise<T> {
    const client = await this.client();
    try {
      return await work(client);
    } catch (error) {
      // ImapFlow says only "Command failed": name the command and the server's answer.
      const { executedCommand, response } = error as { executedCommand?: string; response?: string };
      if (response) throw new Error(`IMAP ${executedCommand ?? ''} → ${response}`, { cause: error });
      throw error;
    } finally {
      await client.logout().catch(() => {
        client.close();
      });
    }
  }

  /** Puts messages into a mailbox (created if missing) by IMAP APPEND, as a mail server would deliver. */
  async append(mailbox: string, ...messages: (string | Buffer)[]): Promise<number[]> {
    const uids: number[] = [];
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.withClient(async (client) => {
          await ensureMailbox(client, mailbox);
          for (const message of messages.slice(uids.length)) {
            const result = await client.append(mailbox, message);
            if (!result || result.uid === undefined) throw new Error('APPEND returned no UID');
            uids.push(result.uid);
          }
        });
        return uids;
      } catch (error) {
        // Right after a mailbox is deleted and made again, Dovecot may refuse an APPEND for a moment
        // ("Mailbox was deleted under us") while another session still had the old one open.
        if (attempt >= 10 || !/deleted under us/i.test(String(error))) throw error;
        await sleep(100);
      }
    }
  }

  /**
   * Delivers a message straight into the mailbox's Maildir, as a local delivery agent would — also
   * while the server is down; Dovecot gives it a UID when it next looks. The mailbox must exist.
   */
  deliver(mailbox: string, message: string | Buffer): void {
    const folder = path.join(this.dir, 'mail', this.user, 'Maildir');
    const box = mailbox.toUpperCase() === 'INBOX' ? folder : path.join(folder, `.${modifiedUtf7(mailbox)}`);
    const name = `${Date.now()}.P${process.pid}R${randomBytes(6).toString('hex')}.hub-test`;
    const { uid, gid } = mailOwner();
    const temp = path.join(box, 'tmp', name);
    writeFileSync(temp, message, { mode: 0o600 });
    chownSync(temp, uid, gid);
    renameSync(temp, path.join(box, 'new', name));
  }

  /** The mailbox's UIDVALIDITY, UIDNEXT and message count. */
  async mailboxStatus(mailbox: string): Promise<{ uidValidity: number; uidNext: number; messages: number }> {
    return this.withClient(async (client) => {
      const status = await client.status(mailbox, { uidValidity: true, uidNext: true, messages: true });
      if (!status) throw new Error(`no STATUS for ${mailbox}`);
      return {
        uidValidity: Number(status.uidValidity),
        uidNext: status.uidNext ?? 0,
        messages: status.messages ?? 0,
      };
    });
  }

  /** The UIDs of the mailbox's messages carrying a flag (`\Seen` …). */
  async flagged(mailbox: string, flag: string): Promise<number[]> {
    return this.withClient(async (client) => {
      const lock = await client.getMailboxLock(mailbox);
      try {
        const messages = await client.fetchAll('1:*', { uid: true, flags: true });
        return messages.filter((m) => m.flags?.has(flag)).map((m) => m.uid);
      } finally {
        lock.release();
      }
    });
  }

  private writeConfig(): void {
    const { dir } = this;
    mkdirSync(path.join(dir, 'run'), { recursive: true });
    mkdirSync(path.join(dir, 'state'), { recursive: true });
    // Dovecot's auth process runs as its unprivileged user: it must reach the throwaway passwd-file.
    chmodSync(dir, 0o711);
    writeFileSync(path.join(dir, 'users'), `${this.user}:{PLAIN}${this.password}\n`, { mode: 0o644 });
    // Dovecot refuses to access mail as root: as root (here), the mail belongs to the system's `mail`
    // user; otherwise to the current user. Its login and auth processes run as the package's own
    // unprivileged users (dovenull, dovecot). No system-wide file (/etc/dovecot, /run/dovecot) is used.
    const { uid, gid } = mailOwner();
    mkdirSync(path.join(dir, 'mail'), { recursive: true });
    chownSync(path.join(dir, 'mail'), uid, gid);
    const config = `
protocols = imap
listen = ${this.host}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
info_log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = ${uid}
first_valid_gid = ${gid}
mail_uid = ${uid}
mail_gid = ${gid}
mail_location = maildir:${dir}/mail/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = ${this.host}
    port = ${this.port}
  }
  inet_listener imaps {
    port = 0
  }
}
`;
    writeFileSync(this.configFile, config);
  }

  /** Whether something answers an IMAP greeting (`* OK`) on the port. */
  private greets(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: this.host, port: this.port });
      const done = (ok: boolean): void => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(1000, () => {
        done(false);
      });
      socket.once('data', (data) => {
        done(data.toString('latin1').startsWith('* OK'));
      });
      socket.once('error', () => {
        done(false);
      });
    });
  }

  /** Whether the port accepts a TCP connection at all. */
  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: this.host, port: this.port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        resolve(false);
      });
    });
  }
}

export async function ensureMailbox(client: ImapFlow, mailbox: string): Promise<void> {
  if (mailbox.toUpperCase() === 'INBOX') return;
  const list = await client.list();
  if (!list.some((entry) => entry.path === mailbox)) await client.mailboxCreate(mailbox);
}

/** Who owns the test mail: the `mail` system user when we are root, else ourselves. */
function mailOwner(): { uid: number; gid: number } {
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  if (uid !== 0) return { uid, gid };
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find((fields) => fields[0] === 'mail');
  if (!entry) throw new Error('no `mail` user in /etc/passwd to own the test mailboxes');
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

/** IMAP's modified UTF-7 (RFC 3501 §5.1.3), which Dovecot's Maildir++ folder names are written in. */
function modifiedUtf7(name: string): string {
  return name.replace(/&|[^\x20-\x7e]+/g, (chunk) => {
    if (chunk === '&') return '&-';
    const utf16 = Buffer.from(chunk, 'utf16le').swap16();
    return `&${utf16.toString('base64').replace(/=+$/, '').replace(/\//g, ',')}-`;
  });
}

/** Sends a signal to the child's whole process group; false once none of its processes is left. */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals | 0): boolean {
  if (child.pid === undefined) return false;
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    return false;
  }
}
