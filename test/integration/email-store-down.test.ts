import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { acceptMail } from '../../src/channels/email/accept-mail.js';
import type { MailDeps } from '../../src/channels/email/deps.js';
import { loadConfig } from '../../src/config.js';
import { startEmbeddedDb, type EmbeddedDb } from '../../src/store/embedded-db.js';
import { externalMongo, startHub, waitUntilReady, type TestHub } from '../helpers/hub.js';
import { mailClient } from '../helpers/mail-client.js';
import { freePort } from '../helpers/ports.js';

const DOMAIN = 'hub.example.gov.cn';
const BOX = `12345@${DOMAIN}`;
const fixture = (name: string): Buffer => readFileSync(new URL(`../fixtures/mail/${name}`, import.meta.url));

/**
 * Nothing accepted is lost (DESIGN §4.1): with the database away the listener answers 451 and keeps
 * nothing half-done, so the sender's retry lands once it is back; a mail stored but not processable
 * (Redis away) is refused the same way and processed from the store on the retry.
 */
describe(
  'inbound mail while the database or Redis is away',
  { skip: externalMongo ? 'needs the embedded database, which it stops' : false },
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-mail-down-'));
    const binary = loadConfig({ DATA_DIR: dir }).embeddedDbBinary;
    let dbPort = 0;
    let db: EmbeddedDb;
    let hub: TestHub;
    let smtpPort: number;
    let client: ReturnType<typeof mailClient>;

    before(async () => {
      dbPort = await freePort();
      smtpPort = await freePort();
      db = await startEmbeddedDb({ binary, dataDir: dir, port: dbPort });
      hub = await startHub({
        MONGODB_URI: db.uri,
        STORE_TIMEOUT_MS: '800',
        SMTP_PORT: String(smtpPort),
        SMTP_HOST: '127.0.0.1',
        MAIL_FROM: `noreply@${DOMAIN}`,
        RUN_WORKERS: 'false',
      });
      client = mailClient(smtpPort);
    });
    after(async () => {
      client.close();
      await hub.close();
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers 451 while the database is away, and takes the retry once it is back', async () => {
      const raw = fixture('gbk-complaint.eml');
      await db.stop();
      const refused = await client.sendRaw(raw, { from: 'zhangsan@example.cn', to: [BOX] });
      assert.deepEqual(refused, { ok: false, responseCode: 451, code: 'EMESSAGE' });

      db = await startEmbeddedDb({ binary, dataDir: dir, port: dbPort });
      await waitUntilReady(hub);
      assert.equal(await hub.app.store.inboundMails.model.countDocuments({}), 0, 'nothing was stored');
      assert.equal(await hub.app.store.tickets.count(), 0);

      const retried = await client.sendRaw(raw, { from: 'zhangsan@example.cn', to: [BOX] });
      assert.equal(retried.ok, true);
      const mail = await hub.app.store.inboundMails.findById('gbk-complaint-1@mail.example.cn');
      assert.equal(mail?.status, 'processed');
      assert.equal(await hub.app.store.tickets.count(), 1);
    });

    it('keeps a mail it cannot process (Redis away), refuses it, and processes the resend from the store', async () => {
      const deadRedis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      deadRedis.on('error', () => undefined);
      const deps: MailDeps = {
        store: hub.app.store,
        tickets: hub.app.tickets,
        redis: deadRedis,
        settings: {
          mailDomain: DOMAIN,
          mailboxes: hub.config.mailInbound.mailboxes,
          ownAddresses: new Set(hub.config.mailInbound.mailboxes),
          attachments: { maxBytes: 1_000_000, types: hub.config.mailInbound.attachmentTypes },
          ackWindowSeconds: 3600,
          lock: { ttlMs: 5_000, waitMs: 500 },
        },
        log: hub.app.log,
      };
      const raw = fixture('big5-body.eml');
      const envelope = {
        from: 'chen@example.com.tw',
        to: [BOX],
        via: 'smtp' as const,
        receivedAt: new Date(),
      };
      await assert.rejects(acceptMail(deps, raw, envelope), {
        code: 'HUB_ERR_MAIL_DEFERRED',
        statusCode: 503,
      });
      deadRedis.disconnect();
      const kept = await hub.app.store.inboundMails.findById('big5-1@mail.example.com.tw');
      assert.equal(kept?.status, 'received');
      assert.ok(kept.raw.equals(raw));
      const tickets = await hub.app.store.tickets.count();

      // The sender's retry (here: the same mail through the hub's own intake) finds it and processes it.
      const outcome = await hub.app.mailIntake.accept(raw, envelope);
      assert.equal(outcome.kind, 'ticket');
      assert.equal(await hub.app.store.tickets.count(), tickets + 1);
      const ticket = await hub.app.store.tickets.findByNumber(outcome.ticketNumber ?? '');
      assert.equal(ticket?.body, '請儘快處理中山路排水溝堵塞問題，謝謝。');
      assert.equal(
        (await hub.app.store.inboundMails.findById('big5-1@mail.example.com.tw'))?.status,
        'processed',
      );
    });
  },
);
