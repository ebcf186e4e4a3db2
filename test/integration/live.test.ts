import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { command, issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';

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

async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
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

  it('refuses a socket without a valid token', async () => {
    await assert.rejects(hub.app.injectWS('/api/v1/live'));
    await assert.rejects(hub.app.injectWS('/api/v1/live?access_token=wrong-token-000000'));
  });
});
