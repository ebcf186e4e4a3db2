import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { WebSocket } from 'ws';
import { residentIdCheckChar } from '../../src/privacy/resident-id.js';
import { DEMO_RULES } from '../../src/seed-data.js';
import { formatApplicationNumber } from '../../src/subsidies/application-number.js';
import { FakeTwilio } from '../helpers/fake-twilio.js';
import { openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { AUTH_TOKEN, IVR_ENV } from '../helpers/ivr-caller.js';
import { textOf, twimlVerbs, type XmlElement } from '../helpers/twiml.js';
import { makeStaffUser, sessionCookie, signIn } from '../helpers/staff.js';
import { hiddenValue, unescapeHtml, type WebVisitor } from '../helpers/web-form.js';

const CALLER = '13800138000';
const CALLER_E164 = '+8613800138000';
const MASKED = '138****8000';

interface LiveCallMessage {
  type?: string;
  callSid?: string;
  state?: string;
}

async function until(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 3000,
): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function collect(socket: WebSocket): LiveCallMessage[] {
  const seen: LiveCallMessage[] = [];
  socket.on('message', (data: Buffer) => seen.push(JSON.parse(data.toString()) as LiveCallMessage));
  return seen;
}

/** The simulated call's CallSid on the simulator page. */
function callSidOn(html: string): string {
  const sid = /id='call-log' data-call-sid='(CA[0-9a-f]{32})'/.exec(html)?.[1];
  assert.ok(sid, 'a call on the simulator page');
  return sid;
}

/** The calls table's row of a call: its state class, or undefined when it is not listed. */
function listedState(html: string, callSid: string): string | undefined {
  return new RegExp(`<tr data-call-sid='${callSid}' class='call-([a-z-]+)'>`).exec(html)?.[1];
}

/** A key press (or another act) on the call of a simulator page. */
function act(visitor: WebVisitor, html: string, what: string, fields: Record<string, string> = {}) {
  const call = hiddenValue(html, 'call');
  assert.ok(call, 'the call state on the page');
  return visitor.post('/staff/simulator/call', { act: what, call: unescapeHtml(call), ...fields });
}

/**
 * The operator console (issue 7 point 2) through its pages, signed in: live calls from a simulated
 * call, the caller's history (masked, audited), a ticket opened during the call with the routing
 * preview and linked to it, transfer without Twilio, the directory (查号) and dispatch from triage.
 */
describe('operator console', () => {
  let hub: TestHub;
  let operator: WebVisitor;

  before(async () => {
    hub = await startHub({ ...IVR_ENV });
    // The demo routing rules (what `npm run seed` loads): the preview and intake route by them.
    for (const rule of DEMO_RULES)
      await hub.app.store.rules.create({ ...rule, updatedAt: new Date(), updatedBy: 'seed' });
    await hub.app.routingService.changed();
    await makeStaffUser(hub, 'op', 'operator');
    operator = await signIn(hub, 'op', 'op-pass-0123');
    // A page of the signed-in session: its forms' CSRF token (the sign-in page's is void now).
    await operator.get('/staff/simulator');
  });
  after(async () => {
    await hub.close();
  });

  it('lists a simulated call live, then an operator opens a ticket for it with the routing preview', async () => {
    const socket = await hub.app.injectWS('/api/v1/live', { headers: sessionCookie(operator) });
    const seen = collect(socket);

    const placed = await operator.post('/staff/simulator/call', { act: 'start', from: CALLER });
    assert.equal(placed.statusCode, 200);
    const callSid = callSidOn(placed.body);
    await until(
      () => seen.some((m) => m.callSid === callSid && m.state === 'in-progress'),
      'the call pushed',
    );
    const listed = await operator.get('/staff/console');
    assert.equal(listed.statusCode, 200);
    assert.equal(listedState(listed.body, callSid), 'in-progress');
    assert.ok(listed.body.includes(`<td class='nowrap'>${MASKED}</td>`));
    assert.ok(!listed.body.includes(CALLER), 'the caller number is masked in the list');

    // 4: to the operators — the call waits in the queue, pushed and listed as queued.
    const queued = await act(operator, placed.body, 'keys', { digits: '4' });
    assert.ok(queued.body.includes('正在为您转接人工服务，请稍候。'));
    await until(() => seen.some((m) => m.callSid === callSid && m.state === 'queued'), 'queued pushed');
    assert.equal(listedState((await operator.get('/staff/console/calls')).body, callSid), 'queued');

    const page = await operator.get(`/staff/console/calls/${callSid}`);
    assert.equal(page.statusCode, 200);
    assert.ok(page.body.includes(`<span id='call-caller'>${MASKED}</span>`));
    assert.ok(page.body.includes(`<p class='hint' id='preview-empty'>`));

    // The preview as htmx asks for it on every change: nothing is stored.
    const before = await hub.app.store.tickets.count();
    const form = {
      key: hiddenValue(page.body, 'key') ?? '',
      kind: 'complaint',
      category: '',
      priority: '',
      place: '130102',
    };
    const preview = await operator.post(`/staff/console/calls/${callSid}/preview`, {
      ...form,
      text: '单位拖欠工资三个月了',
    });
    assert.equal(preview.statusCode, 200);
    assert.ok(
      preview.body.includes(
        `<p class='route-to' id='preview-lead' data-department='RSJ'>主办部门：市人力资源和社会保障局 (RSJ)</p>`,
      ),
    );
    assert.ok(preview.body.includes('命中规则：社保、养老金、工资拖欠 → 人社局（social-insurance 第 1 版）'));
    const triage = await operator.post(`/staff/console/calls/${callSid}/preview`, {
      ...form,
      text: '随便问问',
    });
    assert.ok(triage.body.includes(`id='preview-triage'`));
    assert.equal(await hub.app.store.tickets.count(), before);

    // Without script: the preview button posts the whole form and the page comes back with it.
    await operator.get(`/staff/console/calls/${callSid}`);
    const noScript = await operator.post(`/staff/console/calls/${callSid}/ticket`, {
      ...form,
      intent: 'preview',
      text: '单位拖欠工资三个月了',
    });
    assert.equal(noScript.statusCode, 200);
    assert.ok(noScript.body.includes(`data-department='RSJ'`));
    assert.ok(noScript.body.includes('>单位拖欠工资三个月了</textarea>'));
    assert.equal(await hub.app.store.tickets.count(), before);

    const created = await operator.post(`/staff/console/calls/${callSid}/ticket`, {
      ...form,
      intent: 'create',
      text: '单位拖欠工资三个月了',
    });
    assert.equal(created.statusCode, 303);
    const number = /\?opened=(\d+)$/.exec(created.headers.location ?? '')?.[1];
    assert.ok(number, String(created.headers.location));
    const ticket = await hub.app.store.tickets.findByNumber(number);
    assert.ok(ticket);
    assert.equal(ticket.channel, 'hotline');
    assert.equal(ticket.kind, 'complaint');
    assert.equal(ticket.status, 'dispatched');
    assert.equal(ticket.leadDepartment, 'RSJ');
    assert.deepEqual(ticket.location, { districtCode: '130102' });
    assert.equal(ticket.contactId, hub.app.store.contacts.idFor({ phone: CALLER_E164 }));
    assert.equal(ticket.events[0]?.actor.id, 'user:op');
    assert.deepEqual(await hub.app.store.calls.ticketsOf(callSid), [number]);

    // The same form sent again (a double click): the first ticket, no second one.
    await operator.get(`/staff/console/calls/${callSid}`);
    const again = await operator.post(`/staff/console/calls/${callSid}/ticket`, {
      ...form,
      intent: 'create',
      text: '单位拖欠工资三个月了',
    });
    assert.equal(again.headers.location, `/staff/console/calls/${callSid}?opened=${number}&again=1`);
    assert.equal(await hub.app.store.tickets.count(), before + 1);

    const shown = await operator.get(`/staff/console/calls/${callSid}?opened=${number}`);
    assert.ok(shown.body.includes(`已建立工单 ${number} 并关联本通话。`));
    assert.ok(shown.body.includes(`<ul id='linked-tickets'><li>${number}</li></ul>`));

    // Transfer without Twilio: refused in words, nothing moves.
    const transfer = await operator.post(`/staff/console/calls/${callSid}/transfer`, {
      mode: 'blind',
      department: 'RSJ',
      ticket: number,
    });
    assert.equal(transfer.statusCode, 409);
    assert.ok(
      transfer.body.includes(
        `id='transfer-problem'>未配置 Twilio 电话平台（开发模式），无法转接真实通话。请配置 TWILIO_ACCOUNT_SID、TWILIO_AUTH_TOKEN 和 TWILIO_FROM。</p>`,
      ),
    );
    const path = await hub.app.store.calls.eventsOf(callSid);
    assert.equal(path.filter((e) => e.type.startsWith('transfer')).length, 0);

    // The caller hangs up: the call leaves the list, live.
    await act(operator, queued.body, 'hangup');
    await until(() => seen.some((m) => m.callSid === callSid && m.state === 'ended'), 'ended pushed');
    assert.equal(listedState((await operator.get('/staff/console')).body, callSid), undefined);
    socket.terminate();
  });

  it('shows the caller’s tickets, applications and subsidy households masked, and audits the view', async () => {
    const phone = '13900139001';
    await openTicket(hub, { contact: { phone }, body: `路灯不亮，回电${phone}或邮件 li@example.com` });
    const application = formatApplicationNumber('261120', 7);
    await hub.app.store.applications.insert({
      number: application,
      queryCode: '123456',
      item: '城乡居民基本养老保险待遇申领',
      applicantName: '王小明',
      applicantPhone: `+86${phone}`,
      department: 'RSJ',
      steps: [{ name: '受理', at: new Date('2026-11-20T02:00:00Z') }],
      status: 'reviewing',
      acceptedAt: new Date('2026-11-20T02:00:00Z'),
      promisedDate: '2026-12-01',
      updatedAt: new Date('2026-11-20T02:00:00Z'),
    });
    const first17 = '13012319580312101';
    const idNumber = first17 + residentIdCheckChar(first17);
    const household = await hub.app.store.subsidies.upsertHousehold({
      idNumber,
      headName: '李大山',
      phones: [phone],
      township: '正定镇',
      village: '东村',
    });
    await hub.app.store.subsidies.insertPayment({
      householdId: household.id,
      year: 2026,
      type: 'grain',
      batch: '1',
      amountFen: 123450,
      status: 'paid',
      paidDate: '2026-05-20',
      source: 'test',
    });

    const placed = await operator.post('/staff/simulator/call', { act: 'start', from: phone });
    const callSid = callSidOn(placed.body);
    const auditBefore = await hub.app.store.audit.model.countDocuments({ action: 'console_caller_history' });
    const page = await operator.get(`/staff/console/calls/${callSid}`);
    assert.equal(page.statusCode, 200);
    const html = page.body;
    const table = (id: string) =>
      new RegExp(`<table class='list' id='${id}'>([\\s\\S]*?)</table>`).exec(html)?.[1] ?? '';
    assert.ok(table('history-tickets').includes('路灯不亮，回电***或邮件 ***'), table('history-tickets'));
    assert.ok(table('history-applications').includes(`<td class='nowrap'>${application}</td>`));
    assert.ok(table('history-applications').includes('<td>王*明</td>'));
    assert.ok(table('history-applications').includes('<td>审查中</td>'));
    assert.ok(table('history-households').includes('<td>李*山</td>'));
    assert.ok(
      table('history-households').includes(`<td class='nowrap'>130123********${idNumber.slice(-4)}</td>`),
    );
    assert.ok(table('history-households').includes('2026 粮食直补 ¥1234.50 已发放 2026-05-20'));
    for (const secret of [phone, '王小明', '李大山', idNumber, 'li@example.com']) {
      assert.ok(!html.includes(secret), `${secret} is not on the page`);
    }

    const entries = await hub.app.store.audit.model
      .find({ action: 'console_caller_history', detail: callSid }, { _id: 0, at: 0, ip: 0 })
      .lean();
    assert.equal(
      await hub.app.store.audit.model.countDocuments({ action: 'console_caller_history' }),
      auditBefore + 1,
    );
    assert.deepEqual(JSON.parse(JSON.stringify(entries)), [
      {
        actor: { kind: 'staff', id: 'user:op', role: 'operator' },
        action: 'console_caller_history',
        contactId: hub.app.store.contacts.idFor({ phone: `+86${phone}` }),
        fields: ['tickets', 'applications', 'subsidy_households'],
        detail: callSid,
      },
    ]);
  });

  it('a withheld number has no history and no audit entry', async () => {
    const placed = await operator.post('/staff/simulator/call', { act: 'start', from: '13700137000' });
    const callSid = callSidOn(placed.body);
    // Rewrite the record as a withheld call would be stored (no `from`): the simulator always sends one.
    await hub.app.store.calls.model.updateOne({ _id: callSid }, { $unset: { from: '' } });
    const count = await hub.app.store.audit.model.countDocuments({ detail: callSid });
    const page = await operator.get(`/staff/console/calls/${callSid}`);
    assert.ok(page.body.includes(`<p class='hint' id='history-withheld'>来电未显示号码，无法查询历史。</p>`));
    assert.equal(await hub.app.store.audit.model.countDocuments({ detail: callSid }), count);
  });

  it('dispatches from the triage queue; a second dispatch and a missing department are refused in words', async () => {
    const waiting = await openTicket(hub, { kind: 'consultation', body: '想了解一下周末图书馆开放时间' });
    assert.equal(waiting.status, 'received');
    const page = await operator.get('/staff/console');
    assert.ok(page.body.includes(`<tr id='triage-${waiting.number}'>`));

    const forged = await operator.post(
      `/staff/console/triage/${waiting.number}/dispatch`,
      { department: 'JYJ' },
      { csrf: null },
    );
    assert.equal(forged.statusCode, 403);
    assert.equal((await hub.app.store.tickets.findByNumber(waiting.number))?.status, 'received');
    const english = await operator.get('/staff/console?lang=en');
    assert.ok(english.body.includes("<h2 id='triage-title'>Triage queue (manual dispatch)"));
    await operator.get('/staff/console?lang=zh-CN');

    const none = await operator.post(`/staff/console/triage/${waiting.number}/dispatch`, { department: '' });
    assert.equal(none.statusCode, 400);
    assert.ok(none.body.includes(`id='console-problem'>请选择一个在用的部门。</p>`));
    const unknown = await operator.post(`/staff/console/triage/${waiting.number}/dispatch`, {
      department: 'NOPE',
    });
    assert.equal(unknown.statusCode, 400);
    assert.equal((await hub.app.store.tickets.findByNumber(waiting.number))?.status, 'received');

    const done = await operator.post(`/staff/console/triage/${waiting.number}/dispatch`, {
      department: 'JYJ',
    });
    assert.equal(done.statusCode, 303);
    assert.equal(done.headers.location, `/staff/console?dispatched=${waiting.number}&to=JYJ#triage`);
    const ticket = await hub.app.store.tickets.findByNumber(waiting.number);
    assert.ok(ticket);
    assert.equal(ticket.status, 'dispatched');
    assert.equal(ticket.leadDepartment, 'JYJ');
    assert.equal(ticket.events.at(-1)?.actor.id, 'user:op');
    const after = await operator.get(`/staff/console?dispatched=${waiting.number}&to=JYJ`);
    assert.ok(after.body.includes(`id='console-done'>工单 ${waiting.number} 已派往 市教育局。</p>`));
    assert.ok(!after.body.includes(`<tr id='triage-${waiting.number}'>`));

    const twice = await operator.post(`/staff/console/triage/${waiting.number}/dispatch`, {
      department: 'MZJ',
    });
    assert.equal(twice.statusCode, 409);
    assert.ok(twice.body.includes(`工单 ${waiting.number} 已不在待分派状态（可能已被他人派单）。`));
    assert.equal((await hub.app.store.tickets.findByNumber(waiting.number))?.leadDepartment, 'JYJ');
  });

  it('finds departments by name, pinyin initials, code and phone (查号)', async () => {
    const codes = async (q: string) => {
      const page = await operator.get(`/staff/console/directory?q=${encodeURIComponent(q)}`);
      assert.equal(page.statusCode, 200);
      return [...page.body.matchAll(/<tr data-code='([A-Za-z0-9_-]+)'>/g)].map((m) => m[1]);
    };
    assert.deepEqual(await codes('民政局'), ['MZJ']);
    assert.deepEqual(await codes('mzj'), ['MZJ']);
    assert.deepEqual(await codes('ＭＺＪ'), ['MZJ']);
    assert.deepEqual(await codes('rlzy'), ['RSJ']);
    assert.deepEqual(await codes('caq'), ['D130102']);
    assert.deepEqual(await codes('zaq'), ['D130102']);
    assert.deepEqual(await codes('RSJ'), ['RSJ']);
    assert.deepEqual(await codes('86681002'), ['MZJ']);
    assert.deepEqual(await codes('Civil Affairs'), ['MZJ']);
    assert.equal((await codes('')).length, 16);
    const none = await operator.get('/staff/console/directory?q=%E6%97%A0%E6%AD%A4%E9%83%A8%E9%97%A8');
    assert.ok(none.body.includes(`<p class='hint' id='directory-none'>没有找到“无此部门”。</p>`));
    const mzj = await operator.get('/staff/console/directory?q=mzj');
    assert.ok(mzj.body.includes(`<div class='nowrap phone'>0311-86681002</div>`));
    assert.ok(mzj.body.includes('09:00–12:00, 13:30–17:30'));
  });

  it('is for operators and admins: a clerk and a supervisor get 403, and a clerk’s socket no calls', async () => {
    await makeStaffUser(hub, 'clerk', 'clerk', 'JTJ');
    await makeStaffUser(hub, 'super', 'supervisor');
    await makeStaffUser(hub, 'boss', 'admin');
    const clerk = await signIn(hub, 'clerk', 'clerk-pass-0123', '198.51.100.21');
    for (const url of ['/staff/console', '/staff/console/calls', '/staff/console/directory?q=mzj']) {
      const page = await clerk.get(url);
      assert.equal(page.statusCode, 403, url);
      assert.ok(page.body.includes('您的角色无权访问此页面。'), url);
    }
    const waiting = await openTicket(hub, { kind: 'consultation', body: '问个事情' });
    const dispatch = await clerk.post(`/staff/console/triage/${waiting.number}/dispatch`, {
      department: 'JTJ',
    });
    assert.equal(dispatch.statusCode, 403);
    assert.equal((await hub.app.store.tickets.findByNumber(waiting.number))?.status, 'received');
    const supervisor = await signIn(hub, 'super', 'super-pass-0123', '198.51.100.22');
    assert.equal((await supervisor.get('/staff/console')).statusCode, 403);
    const admin = await signIn(hub, 'boss', 'boss-pass-0123', '198.51.100.23');
    assert.equal((await admin.get('/staff/console')).statusCode, 200);

    const clerkSocket = await hub.app.injectWS('/api/v1/live', { headers: sessionCookie(clerk) });
    const opSocket = await hub.app.injectWS('/api/v1/live', { headers: sessionCookie(operator) });
    const clerkSeen = collect(clerkSocket);
    const opSeen = collect(opSocket);
    const placed = await operator.post('/staff/simulator/call', { act: 'start', from: '13600136000' });
    const callSid = callSidOn(placed.body);
    await until(() => opSeen.some((m) => m.callSid === callSid), 'the operator’s socket');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(
      clerkSeen.filter((m) => m.type === 'call'),
      [],
    );
    clerkSocket.terminate();
    opSocket.terminate();
  });
});

/** With Twilio configured (the fake): the console's transfer form moves a live call, warm here. */
describe('operator console transfers with Twilio', () => {
  const accountSid = `AC${'8'.repeat(32)}`;
  const hotline = '+8631112345';
  let hub: TestHub;
  let fake: FakeTwilio;
  let operator: WebVisitor;

  before(async () => {
    fake = new FakeTwilio({ accountSid, authToken: AUTH_TOKEN });
    await fake.start();
    hub = await startHub({
      ...IVR_ENV,
      TWILIO_ACCOUNT_SID: accountSid,
      TWILIO_FROM: hotline,
      TWILIO_API_URL: fake.url,
    });
    await makeStaffUser(hub, 'op', 'operator');
    operator = await signIn(hub, 'op', 'op-pass-0123');
    await operator.get('/staff/simulator');
  });
  after(async () => {
    await hub.close();
    await fake.close();
  });

  it('warm: the caller goes into a conference and the department is called into it; an ended call is refused', async () => {
    const placed = await operator.post('/staff/simulator/call', { act: 'start', from: CALLER });
    const callSid = callSidOn(placed.body);
    fake.live.add({ sid: callSid, from: CALLER_E164, to: hotline });
    await operator.get(`/staff/console/calls/${callSid}`);
    const moved = await operator.post(`/staff/console/calls/${callSid}/transfer`, {
      mode: 'warm',
      department: 'MZJ',
      ticket: '',
    });
    assert.equal(moved.statusCode, 303);
    assert.equal(moved.headers.location, `/staff/console/calls/${callSid}?transferred=warm&to=MZJ`);
    const [say, dial] = twimlVerbs(fake.live.live.get(callSid)?.updates.at(-1)?.twiml ?? '');
    assert.equal(say && textOf(say), '正在为您转接市民政局，请稍候。');
    const room = dial?.children.find((c): c is XmlElement => typeof c !== 'string');
    assert.equal(room && textOf(room), `transfer-${callSid}`);
    assert.deepEqual(
      fake.live.participants.map((p) => [p.conference, p.to, p.label]),
      [[`transfer-${callSid}`, '+8631186681002', 'department']],
    );
    const shown = await operator.get(moved.headers.location ?? '');
    assert.ok(shown.body.includes(`id='call-done'>已呼叫 市民政局 加入三方通话。</p>`));

    // The caller hangs up: the page says so and a transfer is refused in words.
    await act(operator, placed.body, 'hangup');
    const ended = await operator.get(`/staff/console/calls/${callSid}`);
    assert.ok(ended.body.includes(`<p class='shell' id='call-ended'>这通电话已结束（completed）。`));
    const late = await operator.post(`/staff/console/calls/${callSid}/transfer`, {
      mode: 'blind',
      department: 'MZJ',
    });
    assert.equal(late.statusCode, 409);
    assert.ok(late.body.includes(`id='transfer-problem'>这通电话已经结束，无法转接。</p>`));
  });
});
