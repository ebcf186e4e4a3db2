import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { command, issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';

interface ApiTicket {
  number: string;
  mergedInto?: string;
  events: { type: string; data?: Record<string, unknown> }[];
}

/**
 * Issue 7: a clerk of one department never sees another department's ticket, "not even its number".
 * A ticket's timeline can name other tickets (a stranger's mail quoting someone's number → `linked`,
 * a merge → `into`); the staff API shows those numbers only to whoever may see that other ticket.
 */
describe('ticket references in the staff API', () => {
  let hub: TestHub;
  let theirs: string;
  let ours: string;
  let merged: string;
  let mzj: string;
  let cgj: string;

  async function get(number: string, token: string): Promise<ApiTicket> {
    const response = await hub.request({ method: 'GET', url: `/api/v1/tickets/${number}`, token });
    assert.equal(response.statusCode, 200, response.body);
    return response.json<ApiTicket>();
  }

  before(async () => {
    hub = await startHub();
    mzj = await issueToken(hub, 'department', 'MZJ');
    cgj = await issueToken(hub, 'department', 'CGJ');
    theirs = (await openTicket(hub, { body: '低保申请进度一直没有消息' })).number;
    assert.equal((await command(hub, theirs, 'dispatch', { department: 'MZJ' })).statusCode, 200);
    // A message quoting MZJ's ticket, as a stranger's mail does: a new ticket with a `linked` event.
    const linked = await hub.app.tickets.intake(
      {
        channel: 'email',
        idempotencyKey: 'email:<stranger@example.org>',
        sender: { email: 'stranger@example.org' },
        text: '路灯坏了，和那张工单是一回事',
        links: [{ ticket: theirs, reason: 'quoted_by_stranger' }],
      },
      { kind: 'system', id: 'email' },
    );
    ours = linked.ticket.number;
    assert.equal((await command(hub, ours, 'dispatch', { department: 'CGJ' })).statusCode, 200);
    // A CGJ ticket merged into MZJ's.
    merged = (await openTicket(hub, { body: '低保的事情再问一次' })).number;
    assert.equal((await command(hub, merged, 'dispatch', { department: 'CGJ' })).statusCode, 200);
    assert.equal((await command(hub, merged, 'merge', { into: theirs })).statusCode, 200);
  });
  after(async () => {
    await hub.close();
  });

  it('the hotline sees every number a timeline names', async () => {
    const linked = await get(ours, hub.token);
    assert.deepEqual(linked.events.find((e) => e.type === 'linked')?.data, {
      ticket: theirs,
      reason: 'quoted_by_stranger',
    });
    const wasMerged = await get(merged, hub.token);
    assert.equal(wasMerged.mergedInto, theirs);
    assert.equal(wasMerged.events.find((e) => e.type === 'merged')?.data?.into, theirs);
  });

  it('a department sees its own ticket without the numbers of another department’s tickets', async () => {
    const linked = await get(ours, cgj);
    assert.deepEqual(linked.events.find((e) => e.type === 'linked')?.data, { reason: 'quoted_by_stranger' });
    const wasMerged = await get(merged, cgj);
    assert.equal(wasMerged.mergedInto, undefined);
    assert.ok(wasMerged.events.some((e) => e.type === 'merged'));
    for (const view of [linked, wasMerged]) {
      assert.equal(JSON.stringify(view).includes(theirs), false, `${theirs} appears nowhere`);
    }
    // The department that holds the other ticket may see the reference.
    const mine = await get(theirs, mzj);
    assert.equal(mine.number, theirs);
  });
});
