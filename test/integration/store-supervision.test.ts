import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { loadConfig } from '../../src/config.js';
import { superviseEmbeddedDb } from '../../src/store/embedded-db-supervisor.js';
import { startEmbeddedDb, type EmbeddedDb } from '../../src/store/embedded-db.js';
import { externalMongo, openTicket, startHub, waitUntilReady, type TestHub } from '../helpers/hub.js';
import { freePort } from '../helpers/ports.js';
import { startSlowProxy, type SlowProxy } from '../helpers/slow-proxy.js';

const binary = loadConfig({ DATA_DIR: tmpdir() }).embeddedDbBinary;
const needsEmbedded = {
  skip: externalMongo ? 'kills the embedded database, which MONGODB_URI replaces' : false,
};

/** The embedded server's pid, as its launcher records it under DATA_DIR/db. */
function embeddedPid(hub: TestHub): number {
  return Number(readFileSync(path.join(hub.config.dataDir, 'db', 'embedded-db.pid'), 'utf8'));
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function ticketRequest(hub: TestHub, key: string) {
  return hub.request({
    method: 'POST',
    url: '/api/v1/tickets',
    headers: { 'idempotency-key': key },
    payload: { kind: 'complaint', body: '路灯不亮已经一周', contact: { phone: '13800138000' } },
  });
}

describe('embedded database supervisor', needsEmbedded, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'hub-supervise-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('restarts a killed server on the same port, logs the death and the restart, and stops for good', async () => {
    const lines: string[] = [];
    let restarted: () => void = () => undefined;
    const restartedOnce = new Promise<void>((resolve) => {
      restarted = resolve;
    });
    const db = await superviseEmbeddedDb(
      { binary, dataDir: dir, port: 0, firstDelayMs: 50 },
      {
        info: (message) => {
          lines.push(`info ${message}`);
          if (message.includes('restarted')) restarted();
        },
        warn: (message) => lines.push(`warn ${message}`),
      },
    );
    const first = db.pid;
    assert.ok(first);
    process.kill(first, 'SIGKILL');
    await restartedOnce;

    assert.ok(db.pid && db.pid !== first, 'a new process runs');
    assert.equal(lines.length, 2, lines.join('\n'));
    assert.match(
      lines[0] ?? '',
      new RegExp(`^warn embedded database \\(pid ${first}\\) died with signal SIGKILL; restarting in 50 ms$`),
    );
    assert.match(
      lines[1] ?? '',
      new RegExp(
        `^info embedded database restarted \\(pid ${db.pid}\\) at ${db.uri.replace(/[./]/g, '\\$&')}$`,
      ),
    );

    const second = db.pid;
    await db.stop();
    assert.equal(isRunning(second), false);
    assert.equal(lines.length, 2, 'no restart after stop()');
  });
});

describe('store under a running hub', needsEmbedded, () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub();
  });
  after(async () => {
    // Should a step fail while the server is frozen, let it run so it can be stopped.
    process.kill(embeddedPid(hub), 'SIGCONT');
    await hub.close();
  });

  it('comes back by itself after the embedded database is killed (kill -9)', async () => {
    await openTicket(hub, {}, 'before-kill');
    const pid = embeddedPid(hub);
    process.kill(pid, 'SIGKILL');
    await waitUntilReady(hub, 20_000);
    assert.notEqual(embeddedPid(hub), pid);

    const created = await ticketRequest(hub, 'after-kill');
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(await hub.app.store.tickets.count(), 2, 'what was stored before the kill is still there');
  });

  it('answers 503 within STORE_TIMEOUT_MS while the database is frozen, and recovers when it runs again', async () => {
    const timeoutMs = hub.config.storeTimeoutMs;
    const slackMs = 1000;
    const pid = embeddedPid(hub);
    process.kill(pid, 'SIGSTOP');
    try {
      let started = Date.now();
      const intake = await ticketRequest(hub, 'while-frozen');
      const intakeMs = Date.now() - started;
      assert.equal(intake.statusCode, 503, intake.body);
      assert.equal(intake.json<{ code: string }>().code, 'HUB_ERR_STORE_UNAVAILABLE');
      assert.ok(intakeMs <= timeoutMs + slackMs, `intake answered after ${intakeMs} ms`);

      started = Date.now();
      const ready = await hub.request({ method: 'GET', url: '/readyz', token: null });
      const readyMs = Date.now() - started;
      assert.equal(ready.statusCode, 503);
      assert.deepEqual(ready.json(), { status: 'unavailable', database: 'unavailable', redis: 'ok' });
      assert.ok(readyMs <= timeoutMs + slackMs, `/readyz answered after ${readyMs} ms`);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await waitUntilReady(hub);
    const created = await ticketRequest(hub, 'after-thaw');
    assert.equal(created.statusCode, 201, created.body);
  });
});

describe('boot', () => {
  let db: EmbeddedDb | undefined;
  let proxy: SlowProxy | undefined;
  const dir = mkdtempSync(path.join(tmpdir(), 'hub-boot-'));
  after(async () => {
    await proxy?.close();
    await db?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'starts with the store behind a link that adds 300 ms to every round trip',
    { skip: needsEmbedded.skip },
    async (t: TestContext) => {
      db = await startEmbeddedDb({ binary, dataDir: path.join(dir, 'db'), port: 0 });
      proxy = await startSlowProxy({ host: '127.0.0.1', port: Number(new URL(db.uri).port) }, 300);
      const started = Date.now();
      const hub = await startHub({
        MONGODB_URI: `mongodb://127.0.0.1:${proxy.port}/`,
        STORE_TIMEOUT_MS: '3000',
      });
      try {
        const ticket = await openTicket(hub, {}, 'slow-link');
        assert.match(ticket.number, /^\d+$/);
        t.diagnostic(`booted and opened a ticket over the slow link in ${Date.now() - started} ms`);
      } finally {
        await hub.close();
      }
    },
  );

  it('exits non-zero within 15 s with one line on stderr when the store cannot be reached', async () => {
    const closedPort = await freePort();
    const dataDir = mkdtempSync(path.join(dir, 'unreachable-'));
    const run = await runServer({
      MONGODB_URI: `mongodb://127.0.0.1:${closedPort}/`,
      DATA_DIR: dataDir,
    });
    assert.ok(run.ms < 15_000, `exited after ${run.ms} ms`);
    assert.notEqual(run.code, 0);
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(
      lines[0] ?? '',
      new RegExp(
        `^the hub cannot start: the database at mongodb://127\\.0\\.0\\.1:${closedPort}/ did not answer within 3000 ms`,
      ),
    );
  });

  it(
    'stops the embedded database it started when the boot fails afterwards',
    { skip: needsEmbedded.skip },
    async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
      const port = (taken.address() as AddressInfo).port;
      const dataDir = mkdtempSync(path.join(dir, 'port-taken-'));
      try {
        const run = await runServer({ DATA_DIR: dataDir, PORT: String(port), EMBEDDED_DB_PORT: '0' });
        assert.notEqual(run.code, 0);
        assert.equal(
          run.stderr.trim(),
          `the hub cannot start: port ${port} is in use (PORT for the web pages and API, SMTP_PORT for mail; SMTP_PORT=0 turns mail off)`,
        );
        // The database was started (its pid file is written once it is ready) and stopped (file removed).
        assert.throws(() => readFileSync(path.join(dataDir, 'db', 'embedded-db.pid')), /ENOENT/);
      } finally {
        taken.close();
      }
    },
  );
});

/** Runs the HTTP entry as `npm start` would, until it exits (killed after 90 s: a busy machine loads it slowly). */
async function runServer(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOST: '127.0.0.1',
      PORT: '0',
      SMTP_PORT: '0',
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `hubtest-${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(killer);
  return { code, stderr, ms: Date.now() - started };
}
