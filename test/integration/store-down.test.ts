import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { startEmbeddedDb, type EmbeddedDb } from '../../src/store/embedded-db.js';
import { externalMongo, openTicket, startHub, waitUntilReady, type TestHub } from '../helpers/hub.js';
import { freePort } from '../helpers/ports.js';

/**
 * The database goes away under a running hub: readiness says so, intake and commands answer 503
 * with nothing half-written, and everything works again when it comes back. Needs a database this
 * test can stop, so it runs on the embedded one only.
 */
describe(
  'database down',
  { skip: externalMongo ? 'needs the embedded database, which it stops' : false },
  () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hub-down-'));
    const binary = loadConfig({ DATA_DIR: dir }).embeddedDbBinary;
    let port = 0;
    let db: EmbeddedDb;
    let hub: TestHub;

    before(async () => {
      port = await freePort();
      db = await startEmbeddedDb({ binary, dataDir: dir, port });
      hub = await startHub({ MONGODB_URI: db.uri, STORE_TIMEOUT_MS: '800' });
    });
    after(async () => {
      await hub.close();
      await db.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('answers 503 while the database is away, writes nothing, and recovers', async () => {
      const before = await openTicket(hub, {}, 'before-outage');
      await db.stop();

      const ready = await hub.request({ method: 'GET', url: '/readyz', token: null });
      assert.equal(ready.statusCode, 503);
      assert.deepEqual(ready.json(), { status: 'unavailable', database: 'unavailable', redis: 'ok' });

      const intake = await hub.request({
        method: 'POST',
        url: '/api/v1/tickets',
        headers: { 'idempotency-key': 'during-outage' },
        payload: { kind: 'complaint', body: '停电期间提交', contact: { phone: '13800000001' } },
      });
      assert.equal(intake.statusCode, 503);
      assert.equal(intake.json<{ code: string }>().code, 'HUB_ERR_STORE_UNAVAILABLE');
      assert.ok(!intake.body.includes('Mongo'), 'no driver details leak to the client');

      const note = await hub.request({
        method: 'POST',
        url: `/api/v1/tickets/${before.number}/note`,
        payload: { text: '停电期间备注' },
      });
      assert.equal(note.statusCode, 503);

      // A mistyped number is refused before any lookup: 404, not 503, while the database is away.
      const typo = before.number.slice(0, -1) + String((Number(before.number.at(-1)) + 1) % 10);
      const lookup = await hub.request({ method: 'GET', url: `/api/v1/tickets/${typo}` });
      assert.equal(lookup.statusCode, 404);
      assert.equal(lookup.json<{ code: string }>().code, 'HUB_ERR_TICKET_NOT_FOUND');

      db = await startEmbeddedDb({ binary, dataDir: dir, port });
      await waitUntilReady(hub);

      assert.equal(await hub.app.store.tickets.count(), 1, 'no ticket was half-written');
      assert.equal(await hub.app.store.contacts.model.countDocuments({}), 1, 'no contact was half-written');
      const stored = await hub.app.store.tickets.findByNumber(before.number);
      assert.equal(stored?.version, 1);
      assert.equal(stored.events.length, 1);

      // The sender retries with the same key and now gets its ticket.
      const retry = await hub.request({
        method: 'POST',
        url: '/api/v1/tickets',
        headers: { 'idempotency-key': 'during-outage' },
        payload: { kind: 'complaint', body: '停电期间提交', contact: { phone: '13800000001' } },
      });
      assert.equal(retry.statusCode, 201);
      assert.equal(await hub.app.store.tickets.count(), 2);
    });
  },
);
