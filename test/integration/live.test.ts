import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { command, issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { freePort } from '../helpers/ports.js';

interface LiveMessage {
  type?: string;
  number?: string;
  leadDepartment?: string;
  event?: { type: string };
}

/** Collects what a socket receives. */
function collect(socket: WebSocket): LiveMessage[] {
  const received: LiveMessage[] = [];
  socket.on('message', (data: Buffer) => received.push(JSON.parse(data.toString()) as LiveMessage));
  return received;
}

async function until(predicate: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('live ticket events over WebSocket', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub();
  });
  after(async () => {
    await hub.close();
  });

  it('pushes every stored event to staff, and to a department only its own tickets', async () => {
    const clerk = await issueToken(hub, 'department', 'JTJ');
    const admin = await hub.app.injectWS('/api/v1/live', {
      headers: { authorization: `Bearer ${hub.token}` },
    });
    const department = await hub.app.injectWS(`/api/v1/live?access_token=${clerk}`);
    const adminSeen = collect(admin);
    const departmentSeen = collect(department);

    const ours = await openTicket(hub);
    const theirs = await openTicket(hub);
    await command(hub, ours.number, 'dispatch', { department: 'JTJ' });
    await command(hub, theirs.number, 'dispatch', { department: 'ZJJ' });

    await until(() => adminSeen.filter((m) => m.event).length === 4, 'four events on the admin socket');
    assert.deepEqual(
      adminSeen.filter((m) => m.event).map((m) => [m.number, m.event?.type]),
      [
        [ours.number, 'received'],
        [theirs.number, 'received'],
        [ours.number, 'dispatched'],
        [theirs.number, 'dispatched'],
      ],
    );
    await until(() => departmentSeen.some((m) => m.event), 'the department event');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(
      departmentSeen.filter((m) => m.event).map((m) => [m.number, m.event?.type]),
      [[ours.number, 'dispatched']],
    );
    admin.terminate();
    department.terminate();
  });

  it('tells a department a ticket left it (transfer), without saying where it went', async () => {
    const [jtj, zjj] = await Promise.all([
      issueToken(hub, 'department', 'JTJ'),
      issueToken(hub, 'department', 'ZJJ'),
    ]);
    const before = await hub.app.injectWS(`/api/v1/live?access_token=${jtj}`);
    const after = await hub.app.injectWS(`/api/v1/live?access_token=${zjj}`);
    const beforeSeen = collect(before);
    const afterSeen = collect(after);
    const moved = await openTicket(hub);
    assert.equal((await command(hub, moved.number, 'dispatch', { department: 'JTJ' })).statusCode, 200);
    const transfer = await command(hub, moved.number, 'transfer', {
      department: 'ZJJ',
      reason: '属住建局职责',
    });
    assert.equal(transfer.statusCode, 200, transfer.body);

    await until(() => beforeSeen.some((m) => m.type === 'ticket_left'), 'the old department told');
    await until(() => afterSeen.some((m) => m.event?.type === 'transferred'), 'the new department told');
    const left = beforeSeen.filter((m) => m.number === moved.number);
    assert.deepEqual(
      left.map((m) => m.event?.type ?? m.type),
      ['dispatched', 'ticket_left'],
    );
    assert.deepEqual(Object.keys(left[1] ?? {}).sort(), ['at', 'number', 'type']);
    assert.equal(
      JSON.stringify(beforeSeen).includes('ZJJ'),
      false,
      'the old department does not learn where',
    );
    assert.deepEqual(
      afterSeen.filter((m) => m.number === moved.number).map((m) => m.event?.type),
      ['transferred'],
    );
    before.terminate();
    after.terminate();
  });

  it('refuses a socket without a valid token', async () => {
    await assert.rejects(hub.app.injectWS('/api/v1/live'));
    await assert.rejects(hub.app.injectWS('/api/v1/live?access_token=wrong-token-000000'));
  });
});

describe('request logs', () => {
  it('never contain the token a socket passed in its URL', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hub-logs-'));
    const token = `log-test-${randomBytes(12).toString('hex')}`;
    const port = await freePort();
    const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        PORT: String(port),
        EMBEDDED_DB_PORT: '0',
        REDIS_PREFIX: `hubtest-logs-${randomBytes(4).toString('hex')}`,
        HUB_API_TOKEN: token,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let logged = '';
    server.stdout.on('data', (chunk: Buffer) => {
      logged += chunk.toString();
    });
    try {
      await until(() => logged.includes('hub ready'), 'the server to start', 30_000);
      const socket = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live?access_token=${token}`);
      const hello = await new Promise<string>((resolve, reject) => {
        socket.once('message', (data: Buffer) => {
          resolve(data.toString());
        });
        socket.once('error', reject);
      });
      assert.match(hello, /"type":"hello"/);
      socket.close();
      await until(
        () => logged.includes('/api/v1/live?access_token=[redacted]'),
        'the request log line',
        5000,
      );
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
      rmSync(dataDir, { recursive: true, force: true });
    }
    assert.ok(!logged.includes(token), 'the token never reaches the log');
  });
});
