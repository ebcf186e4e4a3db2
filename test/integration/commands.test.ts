import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { command, issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';

interface TicketJson {
  number: string;
  status: string;
  version: number;
  leadDepartment?: string;
  events: { type: string; visibility: string; actor: { id: string }; data?: Record<string, unknown> }[];
  outbox: { template: string; audience: string; department?: string }[];
  allowedCommands: string[];
  returnCount: number;
}

describe('ticket commands', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub();
  });
  after(async () => {
    await hub.close();
  });

  it('50 concurrent commands on one ticket: 50 events, version consistent', async () => {
    const ticket = await openTicket(hub);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => command(hub, ticket.number, 'note', { text: `并发备注 ${i}` })),
    );
    assert.deepEqual(new Set(responses.map((r) => r.statusCode)), new Set([200]));
    const stored = await hub.app.store.tickets.findByNumber(ticket.number);
    assert.ok(stored);
    const notes = stored.events.filter((e) => e.type === 'noted');
    assert.equal(notes.length, 50);
    assert.equal(new Set(notes.map((e) => e.data?.text)).size, 50, 'every note kept');
    assert.equal(stored.events.length, 51);
    assert.equal(stored.version, 51);
    // Each answer saw a different version: the writes were serialised, none overwrote another.
    const versions = responses.map((r) => r.json<TicketJson>().version).sort((a, b) => a - b);
    assert.deepEqual(
      versions,
      Array.from({ length: 50 }, (_, i) => i + 2),
    );
  });

  it('concurrent state changes: exactly one sign wins, the others get 409 with the allowed commands', async () => {
    const ticket = await openTicket(hub);
    assert.equal((await command(hub, ticket.number, 'dispatch', { department: 'CGJ' })).statusCode, 200);
    const clerk = await issueToken(hub, 'department', 'CGJ');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => command(hub, ticket.number, 'sign', {}, clerk)),
    );
    const codes = responses.map((r) => r.statusCode).sort();
    assert.deepEqual(codes, [200, ...Array<number>(9).fill(409)]);
    const conflict = responses
      .find((r) => r.statusCode === 409)
      ?.json<{
        code: string;
        details: { status: string; allowed: string[] };
      }>();
    assert.ok(conflict);
    assert.equal(conflict.code, 'HUB_ERR_COMMAND_NOT_ALLOWED');
    assert.equal(conflict.details.status, 'signed');
    assert.deepEqual(conflict.details.allowed, [
      'transfer',
      'start',
      'ask',
      'reply',
      'return',
      'cancel',
      'note',
      'co_sign',
      'co_answer',
      'pause_clock',
      'resume_clock',
      'request_extension',
      'approve_extension',
      'deny_extension',
      'supervise',
    ]);
  });

  it('runs the whole life of a ticket, with events and outbox entries where the citizen must hear', async () => {
    const ticket = await openTicket(hub, { kind: 'help', body: '独居老人家中断水' });
    const clerk = await issueToken(hub, 'department', 'ZJJ');
    const steps: [string, Record<string, unknown>, string, string | undefined][] = [
      ['dispatch', { department: 'ZJJ' }, 'dispatched', undefined],
      ['sign', {}, 'signed', clerk],
      ['start', {}, 'in_progress', clerk],
      ['ask', { text: '请提供具体门牌号' }, 'waiting_citizen', clerk],
      ['resume', { text: '市民已补充：3号楼2单元' }, 'in_progress', clerk],
      ['reply', { text: '已联系供水公司恢复供水' }, 'replied', clerk],
      ['resolve', {}, 'closed', undefined],
      ['reopen', { reason: '市民反映仍未恢复' }, 'reopened', undefined],
      ['dispatch', { department: 'ZJJ' }, 'dispatched', undefined],
    ];
    let last: TicketJson | undefined;
    for (const [name, payload, status, token] of steps) {
      const response = await command(hub, ticket.number, name, payload, token);
      assert.equal(response.statusCode, 200, `${name}: ${response.body}`);
      last = response.json<TicketJson>();
      assert.equal(last.status, status, name);
    }
    assert.ok(last);
    assert.deepEqual(
      last.events.map((e) => e.type),
      [
        'received',
        'dispatched',
        'signed',
        'started',
        'asked_citizen',
        'resumed',
        'replied',
        'resolved',
        'reopened',
        'dispatched',
      ],
    );
    assert.equal(last.version, steps.length + 1);
    assert.deepEqual(
      last.outbox.filter((o) => o.audience === 'citizen').map((o) => o.template),
      ['received', 'dispatched', 'signed', 'asked_citizen', 'replied', 'resolved', 'reopened', 'dispatched'],
    );
    assert.deepEqual(
      last.outbox.filter((o) => o.audience === 'department').map((o) => o.department),
      ['ZJJ', 'ZJJ'],
    );
    const internal = last.events.filter((e) => e.visibility === 'internal').map((e) => e.type);
    assert.deepEqual(internal, ['started', 'resumed']);
  });

  it('return (退单) with reason and basis goes to review; the hotline refuses or re-dispatches', async () => {
    const ticket = await openTicket(hub);
    await command(hub, ticket.number, 'dispatch', { department: 'STJ' });
    const clerk = await issueToken(hub, 'department', 'STJ');
    const missingBasis = await command(hub, ticket.number, 'return', { reason: '不属于本部门职责' }, clerk);
    assert.equal(missingBasis.statusCode, 400);
    assert.equal(missingBasis.json<{ code: string }>().code, 'HUB_ERR_VALIDATION');

    const returned = await command(
      hub,
      ticket.number,
      'return',
      { reason: '不属于本部门职责', basis: '三定方案第5条' },
      clerk,
    );
    assert.equal(returned.json<TicketJson>().status, 'return_review');
    assert.equal(returned.json<TicketJson>().returnCount, 1);
    const refused = await command(hub, ticket.number, 'refuse_return', {
      reason: '属于环境噪声，归生态环境局',
    });
    const back = refused.json<TicketJson>();
    assert.equal(back.status, 'dispatched');
    assert.equal(back.leadDepartment, 'STJ');

    await command(hub, ticket.number, 'return', { reason: '仍不属于', basis: '噪声来源为施工工地' }, clerk);
    const moved = (
      await command(hub, ticket.number, 'transfer', { department: 'ZJJ', reason: '施工噪声归住建局' })
    ).json<TicketJson>();
    assert.equal(moved.status, 'dispatched');
    assert.equal(moved.leadDepartment, 'ZJJ');
    assert.equal(moved.returnCount, 2);
    // The old department no longer sees it.
    const gone = await hub.request({ method: 'GET', url: `/api/v1/tickets/${ticket.number}`, token: clerk });
    assert.equal(gone.statusCode, 404);
  });

  it('refuses unknown departments, unknown merge targets and commands of the wrong role', async () => {
    const ticket = await openTicket(hub);
    const unknown = await command(hub, ticket.number, 'dispatch', { department: 'NOPE' });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json<{ code: string }>().code, 'HUB_ERR_DEPARTMENT_NOT_FOUND');

    const badMerge = await command(hub, ticket.number, 'merge', { into: ticket.number });
    assert.equal(badMerge.json<{ code: string }>().code, 'HUB_ERR_TICKET_NOT_FOUND');

    const operator = await issueToken(hub, 'operator');
    await command(hub, ticket.number, 'dispatch', { department: 'JTJ' }, operator);
    const operatorSign = await command(hub, ticket.number, 'sign', {}, operator);
    assert.equal(operatorSign.statusCode, 403);
    assert.equal(operatorSign.json<{ code: string }>().code, 'HUB_ERR_FORBIDDEN');

    const stored = await hub.app.store.tickets.findByNumber(ticket.number);
    assert.equal(stored?.status, 'dispatched');
    assert.equal(stored.version, 2, 'refused commands changed nothing');
  });

  it('merges a duplicate into an existing ticket and then allows only notes', async () => {
    const original = await openTicket(hub, { body: '某路段井盖缺失' });
    const duplicate = await openTicket(hub, { body: '某路段井盖丢了' });
    const merged = (await command(hub, duplicate.number, 'merge', { into: original.number })).json<
      TicketJson & {
        mergedInto: string;
      }
    >();
    assert.equal(merged.status, 'merged');
    assert.equal(merged.mergedInto, original.number);
    assert.deepEqual(merged.allowedCommands, ['note']);
    const after = await command(hub, duplicate.number, 'cancel', { reason: 'x' });
    assert.equal(after.statusCode, 409);
  });

  it('co-departments see the ticket and add notes, but cannot run the lead department’s commands', async () => {
    const ticket = await openTicket(hub);
    await command(hub, ticket.number, 'dispatch', { department: 'NYJ', coDepartments: ['MZJ', 'NYJ'] });
    const co = await issueToken(hub, 'department', 'MZJ');
    const view = await hub.request({ method: 'GET', url: `/api/v1/tickets/${ticket.number}`, token: co });
    assert.equal(view.statusCode, 200);
    assert.deepEqual(
      view.json<{ coDepartments: { department: string }[] }>().coDepartments.map((c) => c.department),
      ['MZJ'],
    );
    assert.equal(
      (await command(hub, ticket.number, 'note', { text: '民政局意见：符合低保条件' }, co)).statusCode,
      200,
    );
    assert.equal((await command(hub, ticket.number, 'sign', {}, co)).statusCode, 403);
  });
});
