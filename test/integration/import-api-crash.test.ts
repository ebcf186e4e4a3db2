import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { IMPORT_LOCK_KEY } from '../../src/subsidies/import-lock.js';
import { runImport } from '../../src/subsidies/import-job-run.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { registerRows, SUBSIDY_HEADER, xlsx } from '../helpers/xlsx.js';

/**
 * "Nothing half-imported" when the process dies while it writes: the import runs in a real worker
 * process (`src/worker.ts`, as `npm run worker` starts it) against the hub's database and Redis;
 * the test kills it with SIGKILL in the middle of the write phase, looks at what is left, starts a
 * second worker and watches the same import complete the same rows — nothing twice.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ROWS = 1200;

interface View {
  id: string;
  status: string;
  outcome?: string;
  runs: number;
  writeStartedAt?: string;
  progress: { phase: string; done: number; total: number };
  counts: Record<string, { created: number; updated: number; unchanged: number }>;
  problemCount: number;
  error?: string;
}

describe('an all-or-nothing import whose worker is killed while writing', () => {
  let hub: TestHub;
  const workers: ChildProcess[] = [];

  /** A worker process on the hub's database (its embedded server, by URI), Redis prefix and secret. */
  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        MONGODB_URI: hub.app.store.uri,
        MONGODB_DB: hub.config.mongodbDb,
        DATA_DIR: hub.config.dataDir,
        HUB_SECRET: hub.config.secret,
        REDIS_URL: hub.config.redisUrl,
        REDIS_PREFIX: hub.config.redisPrefix,
        SMTP_PORT: '0',
        LOG_LEVEL: 'error',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    workers.push(child);
    return child;
  }

  async function view(id: string): Promise<View> {
    const response = await hub.request({ method: 'GET', url: `/api/v1/imports/${id}` });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<View>();
  }

  async function until(id: string, test: (v: View) => boolean, timeoutMs: number): Promise<View> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const current = await view(id);
      if (test(current)) return current;
      await sleep(50);
    }
    throw new Error(`import ${id}: condition not reached; last ${JSON.stringify(await view(id))}`);
  }

  before(async () => {
    // No worker in the test's process: the worker processes below run the import.
    hub = await startHub({ RUN_WORKERS: 'false' });
  });
  after(async () => {
    for (const child of workers) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }
    }
    await hub.close();
  });

  /** Queues an import with no worker running: the test drives its job's use-case itself. */
  async function queued(rows: number): Promise<string> {
    const response = await hub.request({
      method: 'POST',
      url: '/api/v1/imports?kind=subsidies',
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      payload: await xlsx(SUBSIDY_HEADER, registerRows(rows, 5000)),
    });
    assert.equal(response.statusCode, 202, response.body);
    const id = response.json<View>().id;
    // Only the use-case runs it here; the worker processes below must not find it.
    await hub.app.importQueue.remove(id);
    return id;
  }

  const deps = () => ({
    store: hub.app.store,
    redis: hub.app.redis,
    secret: hub.config.secret,
    timeZone: hub.config.timezone,
  });

  it("a job that finds another import's lock waits without writing; once the lock is free it runs", async () => {
    const id = await queued(3);
    await hub.app.redis.set(IMPORT_LOCK_KEY, 'imp-ffffffffffffffff', 'PX', 60_000);
    assert.equal(await runImport(deps(), id), 'busy');
    const waiting = await view(id);
    assert.deepEqual([waiting.status, waiting.runs], ['queued', 0]);
    assert.deepEqual(await hub.app.store.subsidies.counts(), { households: 0, payments: 0 });
    await hub.app.redis.del(IMPORT_LOCK_KEY);
    assert.equal(await runImport(deps(), id), 'done');
    assert.deepEqual(await hub.app.store.subsidies.counts(), { households: 3, payments: 3 });
    assert.equal((await view(id)).outcome, 'imported');
    // A repeated job (BullMQ delivers at least once) finds it finished.
    assert.equal(await runImport(deps(), id), 'finished');
    assert.equal(await hub.app.redis.get(IMPORT_LOCK_KEY), null);
  });

  it('an import that cannot go on is recorded as failed, audited, and frees the lock', async () => {
    const id = await queued(2);
    await hub.app.store.imports.deleteFile(id);
    assert.equal(await runImport(deps(), id), 'done');
    const failed = await view(id);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error, 'the uploaded file is no longer readable; upload it again');
    assert.equal(await hub.app.redis.get(IMPORT_LOCK_KEY), null);
    const audit = await hub.app.store.audit.model.find({ action: 'import_finished', fields: id }).lean();
    assert.deepEqual(
      audit.map((a) => a.fields),
      [[id, 'failed']],
    );
    assert.deepEqual(await hub.app.store.subsidies.counts(), { households: 3, payments: 3 });
    await hub.app.store.subsidies.model.deleteMany({});
    await hub.app.store.subsidies.payments.deleteMany({});
  });

  it('leaves a part written and marked running, and a new worker completes exactly the same rows', async () => {
    const file = await xlsx(SUBSIDY_HEADER, registerRows(ROWS));
    const first = startWorker();
    const response = await hub.request({
      method: 'POST',
      url: '/api/v1/imports?kind=subsidies&mode=all-or-nothing&name=big.xlsx',
      headers: { 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
      payload: file,
    });
    assert.equal(response.statusCode, 202, response.body);
    const id = response.json<View>().id;

    // Killed mid-write: some rows are stored, not all.
    await until(id, (v) => v.progress.phase === 'writing' && v.progress.done >= ROWS / 10, 40_000);
    first.kill('SIGKILL');
    await once(first, 'exit');
    const half = await hub.app.store.subsidies.counts();
    assert.ok(half.payments > 0 && half.payments < ROWS, JSON.stringify(half));
    const interrupted = await view(id);
    assert.equal(interrupted.status, 'running');
    assert.ok(interrupted.writeStartedAt, 'the commit point is recorded');
    assert.equal(interrupted.runs, 1);

    // Another worker picks the job up (BullMQ's stalled-job check) and completes it.
    startWorker();
    const done = await until(id, (v) => v.status === 'done' || v.status === 'failed', 50_000);
    assert.equal(done.status, 'done');
    assert.equal(done.outcome, 'imported');
    assert.equal(done.runs, 2);
    assert.equal(done.problemCount, 0);
    // What the import did, as planned at its commit point (the second run found part of it stored).
    assert.deepEqual(done.counts, {
      households: { created: ROWS, updated: 0, unchanged: 0 },
      payments: { created: ROWS, updated: 0, unchanged: 0 },
    });
    assert.deepEqual(await hub.app.store.subsidies.counts(), { households: ROWS, payments: ROWS });
    const finished = await hub.app.store.audit.model.find({ action: 'import_finished', fields: id }).lean();
    assert.equal(finished.length, 1);
    assert.equal(await hub.app.store.imports.sealedFile(id), undefined);
  });
});
