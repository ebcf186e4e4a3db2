import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { ticketNumberSequence } from '../../src/tickets/ticket-number.js';
import { openTicket, startHub, waitUntilReady, type TestHub } from '../helpers/hub.js';
import { freePort } from '../helpers/ports.js';

const haveRedisServer = spawnSync('redis-server', ['--version']).status === 0;

/**
 * The hub on a Redis of its own, which this test stops and starts again empty (as a Redis that keeps
 * nothing on disk comes back after a restart).
 */
describe('Redis restart', { skip: haveRedisServer ? false : 'redis-server is not installed' }, () => {
  let port = 0;
  let redis: ChildProcess;
  let hub: TestHub;

  before(async () => {
    port = await freePort();
    redis = await startRedis(port);
    hub = await startHub({ REDIS_URL: `redis://127.0.0.1:${port}` });
  });
  after(async () => {
    await hub.close();
    await stopRedis(redis);
  });

  it('answers 503 while Redis is down, writes nothing, and numbers carry on after it restarts empty', async () => {
    const first = await Promise.all([openTicket(hub), openTicket(hub), openTicket(hub)]);
    await stopRedis(redis);

    const ready = await hub.request({ method: 'GET', url: '/readyz', token: null });
    assert.equal(ready.statusCode, 503);
    assert.deepEqual(ready.json(), { status: 'unavailable', database: 'ok', redis: 'unavailable' });
    const refused = await hub.request({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: { 'idempotency-key': 'while-redis-is-down' },
      payload: { kind: 'complaint', body: 'Redis 停止期间提交' },
    });
    assert.equal(refused.statusCode, 503);
    assert.equal(refused.json<{ code: string }>().code, 'HUB_ERR_QUEUE_UNAVAILABLE');
    assert.equal(await hub.app.store.tickets.count(), 3, 'nothing written while Redis was down');

    redis = await startRedis(port);
    await waitUntilReady(hub);
    const second = await Promise.all([openTicket(hub), openTicket(hub), openTicket(hub)]);
    const sequences = [...first, ...second].map((t) => ticketNumberSequence(t.number)).sort((a, b) => a - b);
    assert.deepEqual(sequences, [1, 2, 3, 4, 5, 6], 'the counter was re-seeded from the database');
  });
});

async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => {
      reject(new Error(`redis-server exited with ${String(code)}`));
    });
  });
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
