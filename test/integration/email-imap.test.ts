import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import iconv from 'iconv-lite';
import {
  ImapPoller,
  type ImapPollerOptions,
  type ImapPollerStatus,
} from '../../src/channels/email/imap-poller.js';
import { parseImapUrl } from '../../src/channels/email/imap-url.js';
import { loadConfig } from '../../src/config.js';
import { startEmbeddedDb, type EmbeddedDb } from '../../src/store/embedded-db.js';
import type { Ticket } from '../../src/tickets/types.js';
import { Dovecot } from '../helpers/dovecot.js';
import { externalMongo, startHub, waitUntilReady, type TestHub } from '../helpers/hub.js';
import { freePort } from '../helpers/ports.js';

/** A non-ASCII mailbox: its name travels percent-encoded in IMAP_URL and modified-UTF-7 to the server. */
const MAILBOX = '市民信箱';
const POLL_MS = 200;

interface TestMail {
  n: number;
  from: string;
  subject: string;
  body: string;
  gbk?: boolean;
  bytes?: number;
}

/** A citizen's mail as a mail server would have stored it: with the Return-Path the MTA added. */
function rawMail({ n, from, subject, body, gbk, bytes }: TestMail): Buffer {
  const charset = gbk ? 'GBK' : 'UTF-8';
  const encode = (text: string): Buffer => (gbk ? iconv.encode(text, 'gbk') : Buffer.from(text, 'utf8'));
  const padding = bytes ? `\r\n${'x'.repeat(bytes)}` : '';
  const lines = [
    `Return-Path: <${from}>`,
    `From: =?${charset}?B?${encode('市民').toString('base64')}?= <${from}>`,
    'To: 12345@hub.test',
    `Subject: =?${charset}?B?${encode(subject).toString('base64')}?=`,
    `Message-ID: <imap-${n}@citizen.test>`,
    'Date: Sat, 21 Nov 2026 09:00:00 +0800',
    'MIME-Version: 1.0',
    `Content-Type: text/plain; charset=${charset}`,
    'Content-Transfer-Encoding: base64',
    '',
    encode(body + padding)
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n'),
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

const MAILS: TestMail[] = [
  { n: 1, from: 'zhangsan@citizen.test', subject: '路灯不亮', body: '幸福路12号门口的路灯已经坏了一周。' },
  {
    n: 2,
    from: 'lisi@citizen.test',
    subject: '小区夜间施工噪音扰民',
    body: '每晚十一点后仍在施工。',
    gbk: true,
  },
  { n: 3, from: 'wangwu@citizen.test', subject: '咨询社保卡补办', body: '社保卡丢了，怎么补办？' },
  { n: 4, from: 'zhaoliu@citizen.test', subject: '垃圾清运不及时', body: '和平街垃圾三天没人清运。' },
  { n: 5, from: 'sunqi@citizen.test', subject: '公交站牌破损', body: '人民广场站站牌破损。' },
  { n: 6, from: 'zhouba@citizen.test', subject: '井盖缺失', body: '建设路与解放路口井盖缺失，很危险。' },
  { n: 7, from: 'wujiu@citizen.test', subject: '停水未通知', body: '今天停水没有提前通知。' },
  { n: 8, from: 'zhengshi@citizen.test', subject: '附件过大', body: '很大的邮件', bytes: 12_000 },
  { n: 9, from: 'chen@citizen.test', subject: '树木倒伏', body: '台风后树木倒伏挡路。' },
  { n: 10, from: 'lin@citizen.test', subject: '广场舞音量过大', body: '晚上九点后广场舞音响仍很大。' },
  { n: 11, from: 'he@citizen.test', subject: '路面塌陷', body: '东风路有一处路面塌陷。' },
  { n: 12, from: 'xu@citizen.test', subject: '路口信号灯故障', body: '中山路口信号灯一直是红灯。' },
];

const mail = (n: number): Buffer => {
  const found = MAILS.find((m) => m.n === n);
  assert.ok(found);
  return rawMail(found);
};

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * IMAP polling end to end: a real Dovecot (test/helpers/dovecot.ts) holds the mailbox, the hub polls
 * it every 200 ms through the real mail intake; tickets, raw mails and the cursor are read back from
 * the store, flags from the server.
 */
describe('IMAP polling of an existing mailbox', () => {
  let dovecot: Dovecot;
  let hub: TestHub;
  let poller: ImapPoller;

  const emailTickets = async (): Promise<Ticket[]> =>
    (await hub.app.store.tickets.page({ list: 'all' }, { limit: 100 })).items.filter(
      (t) => t.channel === 'email',
    );
  const subjects = async (): Promise<string[]> =>
    (await emailTickets()).map((t) => t.subject ?? '').sort((a, b) => a.localeCompare(b, 'zh'));
  const expectedSubjects = (...ns: number[]): string[] =>
    ns.map((n) => MAILS.find((m) => m.n === n)?.subject ?? '').sort((a, b) => a.localeCompare(b, 'zh'));
  const cursor = async () =>
    hub.app.store.imapCursors.find(parseImapUrl(hub.config.mailInbound.imapUrl ?? '').key);
  const inboundCount = async (): Promise<number> => hub.app.store.inboundMails.model.countDocuments({});
  const untilTickets = async (count: number): Promise<Ticket[]> =>
    waitFor(`${count} email tickets`, async () => {
      const tickets = await emailTickets();
      return tickets.length >= count ? tickets : undefined;
    });
  /** Lets the poller run `n` more rounds (each one a chance to take something twice). */
  const moreRounds = async (n: number): Promise<ImapPollerStatus> => {
    const start = poller.status().rounds;
    return waitFor(`${n} more rounds`, async () => {
      const status = poller.status();
      return status.rounds >= start + n ? status : undefined;
    });
  };

  /** What app.ts gives the poller it registers, for a poller of the test's own. */
  const pollerOptions = (): ImapPollerOptions => ({
    account: parseImapUrl(hub.config.mailInbound.imapUrl ?? ''),
    pollMs: POLL_MS,
    cursors: hub.app.store.imapCursors,
    intake: hub.app.mailIntake,
    redis: hub.app.redis,
    log: hub.app.log,
    mailboxAddress: '12345@hub.test',
    maxBytes: hub.config.mailInbound.maxBytes,
    batch: 50,
  });

  before(async () => {
    dovecot = await Dovecot.start();
    await dovecot.append(MAILBOX);
    hub = await startHub({
      IMAP_URL: dovecot.url(MAILBOX),
      IMAP_POLL_MS: String(POLL_MS),
      MAIL_INBOUND: '12345@hub.test',
      MAIL_FROM: '"12345热线" <noreply@hub.test>',
      SMTP_MAX_BYTES: '8192',
      // How long the intake waits for a mail's lock before it defers the mail (the retry test).
      TICKET_LOCK_WAIT_MS: '300',
    });
    assert.ok(hub.app.imapPoller, 'the poller is registered when IMAP_URL is set');
    poller = hub.app.imapPoller;
  });

  after(async () => {
    await poller.stop();
    await hub.close();
    await dovecot.close();
  });

  it('(a) takes three mails (one in GBK) as three tickets, each once, and stores the cursor', async () => {
    assert.deepEqual(await dovecot.append(MAILBOX, mail(1), mail(2), mail(3)), [1, 2, 3]);
    await untilTickets(3);
    const status = await moreRounds(5);

    assert.deepEqual(await subjects(), expectedSubjects(1, 2, 3));
    const gbk = (await emailTickets()).find((t) => t.source.idempotencyKey === 'imap-2@citizen.test');
    assert.ok(gbk, 'the GBK mail is keyed by its Message-ID');
    assert.equal(gbk.subject, '小区夜间施工噪音扰民');
    assert.equal(gbk.body, '每晚十一点后仍在施工。');
    assert.equal(status.accepted, 3);
    assert.equal(status.passed, 0);
    assert.equal(await inboundCount(), 3);
    const stored = await hub.app.store.inboundMails.findById('imap-1@citizen.test');
    assert.deepEqual(stored?.envelope, {
      from: 'zhangsan@citizen.test',
      to: ['12345@hub.test'],
      via: 'imap',
    });

    const box = await dovecot.mailboxStatus(MAILBOX);
    const saved = await cursor();
    assert.ok(saved);
    assert.equal(saved.key, `imap://12345@hub.test@127.0.0.1:${dovecot.port}/${MAILBOX}`);
    assert.deepEqual(
      { uidValidity: saved.uidValidity, lastUid: saved.lastUid, resets: saved.resets, retry: saved.retry },
      { uidValidity: box.uidValidity, lastUid: 3, resets: 0, retry: [] },
    );
    assert.equal(JSON.stringify(saved).includes(dovecot.password), false, 'no password in the cursor');
    assert.deepEqual(await dovecot.flagged(MAILBOX, '\\Seen'), [1, 2, 3]);
    assert.equal(box.messages, 3, 'nothing is deleted');
  });

  it('(b) polls again without taking anything twice', async () => {
    const before = await cursor();
    const status = await moreRounds(10);
    assert.equal(status.accepted, 3);
    assert.equal((await emailTickets()).length, 3);
    assert.equal(await inboundCount(), 3);
    assert.deepEqual(await cursor(), before);
  });

  it('(c) picks up a new mail once', async () => {
    assert.deepEqual(await dovecot.append(MAILBOX, mail(4)), [4]);
    await untilTickets(4);
    const status = await moreRounds(5);
    assert.equal(status.accepted, 4);
    assert.deepEqual(await subjects(), expectedSubjects(1, 2, 3, 4));
    assert.equal((await cursor())?.lastUid, 4);
    assert.deepEqual(await dovecot.flagged(MAILBOX, '\\Seen'), [1, 2, 3, 4]);
  });

  it('(d) a restarted poller goes on from the stored cursor, re-reading nothing', async () => {
    await poller.stop();
    assert.equal(poller.status().state, 'stopped');
    // Mail arriving while no poller runs; the mailbox's \Seen flags are not what it goes by.
    await dovecot.append(MAILBOX, mail(5));
    await dovecot.withClient(async (client) => {
      const lock = await client.getMailboxLock(MAILBOX);
      try {
        await client.messageFlagsRemove('1:*', ['\\Seen'], { uid: true });
      } finally {
        lock.release();
      }
    });

    poller = new ImapPoller(pollerOptions());
    poller.start();
    await untilTickets(5);
    const status = await moreRounds(5);
    assert.equal(status.accepted, 1, 'only the new mail went to the intake');
    assert.deepEqual(await subjects(), expectedSubjects(1, 2, 3, 4, 5));
    assert.equal(await inboundCount(), 5);
    assert.equal((await cursor())?.lastUid, 5);
    assert.deepEqual(await dovecot.flagged(MAILBOX, '\\Seen'), [5]);
  });

  it('(e) reconnects with growing pauses after the server went away, and takes what came meanwhile', async () => {
    const connectionsBefore = poller.status().connections;
    await dovecot.stop();
    await waitFor('the poller to notice', async () => (poller.status().failures >= 1 ? true : undefined));
    const downFrom = Date.now();
    // Delivered into the Maildir while the IMAP server is down, as the MTA would.
    dovecot.deliver(MAILBOX, mail(6));
    await sleep(2500);
    const down = poller.status();
    // Pauses of 100–200, 200–400, 400–800, 800–1600 ms: at most 5 attempts in 2.5 s (fixed 200 ms pauses would make ~12).
    assert.ok(down.failures >= 2 && down.failures <= 6, `failures while down: ${down.failures}`);
    assert.ok(['waiting_to_reconnect', 'connecting'].includes(down.state), down.state);
    assert.ok(down.lastError, 'the last error is shown');

    await dovecot.start();
    await untilTickets(6);
    const up = await moreRounds(3);
    assert.equal(up.connections, connectionsBefore + 1);
    assert.equal(up.failures, 0);
    assert.equal(up.accepted, 2);
    assert.deepEqual(await subjects(), expectedSubjects(1, 2, 3, 4, 5, 6));
    assert.equal((await cursor())?.lastUid, 6);
    assert.ok(Date.now() - downFrom < 15_000);
  });

  it('(f) reads a mailbox whose UIDVALIDITY changed again, and the Message-ID dedupe keeps one ticket each', async () => {
    const was = await cursor();
    assert.ok(was);
    const ticketsBefore = new Set((await emailTickets()).map((t) => t.number));
    // The mailbox deleted and made again (a restore, a migration): same mails, new UIDs, new UIDVALIDITY.
    await dovecot.withClient(async (client) => {
      await client.mailboxDelete(MAILBOX);
      await client.mailboxCreate(MAILBOX);
    });
    await dovecot.append(MAILBOX, mail(1), mail(2), mail(3), mail(4), mail(5), mail(6), mail(7));
    const box = await dovecot.mailboxStatus(MAILBOX);
    assert.notEqual(box.uidValidity, was.uidValidity);

    await untilTickets(7);
    await waitFor('the cursor to reach UID 7', async () =>
      (await cursor())?.lastUid === 7 ? true : undefined,
    );
    await moreRounds(5);
    assert.deepEqual(await subjects(), expectedSubjects(1, 2, 3, 4, 5, 6, 7));
    const now = await emailTickets();
    assert.deepEqual(
      now.filter((t) => !ticketsBefore.has(t.number)).map((t) => t.subject),
      ['停水未通知'],
    );
    assert.equal(await inboundCount(), 7);
    const saved = await cursor();
    assert.deepEqual(
      {
        uidValidity: saved?.uidValidity,
        lastUid: saved?.lastUid,
        resets: saved?.resets,
        retry: saved?.retry,
      },
      { uidValidity: box.uidValidity, lastUid: 7, resets: 1, retry: [] },
    );
    assert.deepEqual(await dovecot.flagged(MAILBOX, '\\Seen'), [1, 2, 3, 4, 5, 6, 7]);
  });

  it('leaves a mail over SMTP_MAX_BYTES unread in the mailbox and goes on with the next', async () => {
    const before = poller.status();
    assert.deepEqual(await dovecot.append(MAILBOX, mail(8), mail(9)), [8, 9]);
    await untilTickets(8);
    const status = await moreRounds(3);
    assert.equal(status.passed, before.passed + 1);
    assert.equal(status.accepted, before.accepted + 1);
    assert.deepEqual(await subjects(), expectedSubjects(1, 2, 3, 4, 5, 6, 7, 9));
    assert.equal(await hub.app.store.inboundMails.findById('imap-8@citizen.test'), undefined);
    assert.equal((await cursor())?.lastUid, 9);
    const seen = await dovecot.flagged(MAILBOX, '\\Seen');
    assert.equal(seen.includes(8), false, 'the large mail stays unseen for staff');
    assert.equal(seen.includes(9), true);
  });

  it('retries a mail the intake refused without holding up the mails after it', async () => {
    // Another hub process busy with mail 10 (its lock held): the intake defers it (HUB_ERR_MAIL_DEFERRED).
    const lock = `lock:mail:${createHash('sha256').update('imap-10@citizen.test').digest('hex').slice(0, 32)}`;
    await hub.app.redis.set(lock, 'another-process', 'PX', 60_000);
    const before = poller.status();
    assert.deepEqual(await dovecot.append(MAILBOX, mail(10), mail(11)), [10, 11]);
    await untilTickets(9);
    const held = await waitFor('mail 10 on the retry list', async () => {
      const saved = await cursor();
      return saved?.lastUid === 11 && saved.retry.length === 1 ? saved : undefined;
    });
    assert.deepEqual(held.retry, [10]);
    assert.deepEqual(await subjects(), expectedSubjects(1, 2, 3, 4, 5, 6, 7, 9, 11));
    assert.equal(
      (await dovecot.flagged(MAILBOX, '\\Seen')).includes(10),
      false,
      'a refused mail stays unseen',
    );
    // The round's counts are updated when it ends, after the cursor was saved.
    const refusedNow = await waitFor('the refusal counted', async () => {
      const status = poller.status();
      return status.retrying === 1 ? status : undefined;
    });
    assert.ok(refusedNow.refused > before.refused);

    await hub.app.redis.del(lock);
    await untilTickets(10);
    const settled = await waitFor('the retry list emptied', async () => {
      const saved = await cursor();
      return saved?.retry.length === 0 ? saved : undefined;
    });
    const status = await moreRounds(3);
    assert.equal(settled.lastUid, 11);
    assert.deepEqual(await subjects(), expectedSubjects(1, 2, 3, 4, 5, 6, 7, 9, 10, 11));
    assert.equal(status.accepted, before.accepted + 2);
    assert.equal(status.retrying, 0);
    assert.deepEqual(await dovecot.flagged(MAILBOX, '\\Seen'), [1, 2, 3, 4, 5, 6, 7, 9, 10, 11]);
  });

  it('takes new mail at once when the server announces it (IDLE), long before the next poll', async () => {
    await poller.stop();
    poller = new ImapPoller({ ...pollerOptions(), pollMs: 60_000 });
    poller.start();
    await waitFor('a first round', async () => (poller.status().rounds >= 1 ? true : undefined));
    // The client goes IDLE a second after the round; the next timed round is a minute away.
    await sleep(1500);
    const appendedAt = Date.now();
    await dovecot.append(MAILBOX, mail(12));
    // The round's counts are updated when it ends, just after the ticket is made.
    await waitFor('the announced round', async () => (poller.status().accepted === 1 ? true : undefined));
    assert.ok(Date.now() - appendedAt < 10_000, 'taken on the server’s word, not the minute poll');
    assert.equal(poller.status().rounds, 2);
    assert.deepEqual(await subjects(), expectedSubjects(1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12));
  });
});

/**
 * Nothing is lost while the database is away: the poller cannot read its cursor or store the mail,
 * so it leaves the mail untouched (not \Seen, cursor where it was) and takes it once the database
 * is back.
 */
describe(
  'IMAP polling while the database is away',
  { skip: externalMongo ? 'needs the embedded database, which it stops' : false },
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-imap-down-'));
    const binary = loadConfig({ DATA_DIR: dir }).embeddedDbBinary;
    let dbPort = 0;
    let db: EmbeddedDb;
    let dovecot: Dovecot;
    let hub: TestHub;

    before(async () => {
      dbPort = await freePort();
      db = await startEmbeddedDb({ binary, dataDir: dir, port: dbPort });
      dovecot = await Dovecot.start();
      hub = await startHub({
        MONGODB_URI: db.uri,
        STORE_TIMEOUT_MS: '800',
        IMAP_URL: dovecot.url(),
        IMAP_POLL_MS: String(POLL_MS),
        MAIL_INBOUND: '12345@hub.test',
      });
    });
    after(async () => {
      await hub.close();
      await dovecot.close();
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('leaves the mail unseen and the cursor unmoved, and takes the mail once the database is back', async () => {
      const poller = hub.app.imapPoller;
      assert.ok(poller);
      await waitFor('a first round', async () => (poller.status().rounds > 0 ? true : undefined));
      await db.stop();
      assert.deepEqual(await dovecot.append('INBOX', mail(1)), [1]);
      await waitFor('failed rounds', async () => (poller.status().failures >= 2 ? true : undefined));
      assert.deepEqual(await dovecot.flagged('INBOX', '\\Seen'), []);
      assert.equal(poller.status().accepted, 0);

      db = await startEmbeddedDb({ binary, dataDir: dir, port: dbPort });
      await waitUntilReady(hub);
      // The round's count is updated when the round ends, after the ticket exists.
      await waitFor('the mail taken', async () => (poller.status().accepted === 1 ? true : undefined));
      assert.equal(await hub.app.store.tickets.count(), 1);
      const status = poller.status();
      assert.equal(status.accepted, 1);
      assert.equal(status.failures, 0);
      const key = parseImapUrl(dovecot.url()).key;
      assert.equal(key, `imap://12345@hub.test@127.0.0.1:${dovecot.port}/INBOX`);
      assert.equal((await hub.app.store.imapCursors.find(key))?.lastUid, 1);
      assert.deepEqual(await dovecot.flagged('INBOX', '\\Seen'), [1]);
      assert.equal((await hub.app.store.inboundMails.findById('imap-1@citizen.test'))?.status, 'processed');
    });
  },
);
