import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startHub, type TestHub } from '../helpers/hub.js';
import { makeStaffUser, signIn } from '../helpers/staff.js';
import { hiddenValue, unescapeHtml, type WebVisitor } from '../helpers/web-form.js';

const SIGNATURE = '【12345】';
const HELP =
  `${SIGNATURE}短信服务：CX+工单号或办件号 查进度；BT 查补贴；TS/ZX/JY/QZ+内容 投诉/咨询/建议/求助；` +
  'PJ+1/2/3 评价（满意/基本满意/不满意）；TD 退订。';
const WELCOME = '您好，欢迎致电12345政务服务便民热线。';
const MAIN_MENU =
  '查询工单或办件进度请按1；查询惠农补贴请按2；留言请按3；人工服务请按4；查询部门电话请按5；重听请按0。';

async function until(predicate: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
    if (await predicate()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The lines of the simulated call as the page shows them, in order (IVR, caller, system). */
function callLog(html: string): string[] {
  const log = /<ol class='said' id='call-log'[^>]*>([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
  return [...log.matchAll(/<li class='(ivr|caller|system)'>([\s\S]*?)<\/li>/g)].map(
    ([, who, text]) =>
      `${who ?? ''}: ${unescapeHtml((text ?? '').replace(/<span class='sr'>[^<]*<\/span>/, ''))}`,
  );
}

function callSidOn(html: string): string {
  const sid = /id='call-log' data-call-sid='(CA[0-9a-f]{32})'/.exec(html)?.[1];
  assert.ok(sid, 'a call on the page');
  return sid;
}

/**
 * The channel simulator (issue 7 point 6) through its page, signed in: an SMS answered as the SMS
 * webhook answers it, a call through the IVR with keys, a mail that becomes a ticket, the outbox;
 * and no simulator at all once Twilio and SMTP are both configured.
 */
describe('channel simulator', () => {
  let hub: TestHub;
  let tester: WebVisitor;

  before(async () => {
    hub = await startHub({ QUIET_HOURS: '', NOTIFY_THROTTLE_MS: '0' });
    await makeStaffUser(hub, 'clerk', 'clerk', 'MZJ');
    tester = await signIn(hub, 'clerk', 'clerk-pass-0123');
    await tester.get('/staff/simulator');
  });
  after(async () => {
    await hub.close();
  });

  /** Acts on the call of the last simulator page. */
  const act = (html: string, what: string, fields: Record<string, string> = {}) =>
    tester.post('/staff/simulator/call', {
      act: what,
      call: unescapeHtml(hiddenValue(html, 'call') ?? ''),
      ...fields,
    });

  it('sends an SMS as a citizen: BZ gets the usage answer, signed like Twilio, nothing opened', async () => {
    const tickets = await hub.app.store.tickets.count();
    const page = await tester.post('/staff/simulator/sms', { from: '13700137001', text: 'BZ' });
    assert.equal(page.statusCode, 200);
    const result = /<div id='sms-result' role='status'>([\s\S]*?)<\/div>/.exec(page.body)?.[1] ?? '';
    assert.ok(result.includes('已发送“BZ”（137****7001），系统回复（HTTP 200）：'), result);
    const answers = [...result.matchAll(/<p class='answer'>([^<]*)<\/p>/g)].map((m) =>
      unescapeHtml(m[1] ?? ''),
    );
    assert.deepEqual(answers, [HELP]);
    assert.equal(await hub.app.store.tickets.count(), tickets);

    const bad = await tester.post('/staff/simulator/sms', { from: 'not a phone', text: 'BZ' });
    assert.equal(bad.statusCode, 400);
    assert.ok(bad.body.includes(`<span class='error' id='sms-from-error'>请输入有效的电话号码。</span>`));
  });

  it('places a call: the menu is said, keys move it on, the directory dials, a voicemail becomes a ticket', async () => {
    const placed = await tester.post('/staff/simulator/call', { act: 'start', from: '13700137002' });
    assert.equal(placed.statusCode, 200);
    const callSid = callSidOn(placed.body);
    assert.deepEqual(callLog(placed.body), ['system: 拨打 12345', `ivr: ${WELCOME}`, `ivr: ${MAIN_MENU}`]);
    const record = await hub.app.store.calls.find(callSid);
    assert.ok(record);
    assert.equal(record.from, '+8613700137002');
    assert.equal(record.status, 'in-progress');
    const listed = async () =>
      (await hub.app.liveCalls.list()).filter((c) => c.call.callSid === callSid).map((c) => c.state);
    assert.deepEqual(await listed(), ['in-progress']);

    const directory = await act(placed.body, 'keys', { digits: '5' });
    const lines = callLog(directory.body);
    assert.equal(lines[3], 'caller: 5');
    assert.ok(lines[4]?.startsWith('ivr: 市城市管理综合行政执法局请按1；长安区人民政府请按2；'), lines[4]);
    assert.equal(lines[5], 'ivr: 下一页请按9，重听请按0，返回主菜单请按星号键。');

    const entry = await act(directory.body, 'keys', { digits: '1' });
    assert.ok(callLog(entry.body).at(-1)?.startsWith('ivr: 市城市管理综合行政执法局的电话是：'));
    const dialling = await act(entry.body, 'keys', { digits: '1' });
    assert.deepEqual(callLog(dialling.body).slice(-2), [
      'ivr: 正在为您转接市城市管理综合行政执法局，请稍候。',
      'system: 正在转接 +8631186681006',
    ]);
    const missed = await act(dialling.body, 'dial-no-answer');
    assert.deepEqual(callLog(missed.body).slice(-3), [
      'system: 部门无人接听',
      'ivr: 转接未成功，请稍后再拨。',
      `ivr: ${MAIN_MENU}`,
    ]);

    const message = await act(missed.body, 'keys', { digits: '3' });
    assert.deepEqual(callLog(message.body).slice(-2), [
      'ivr: 请在提示音后留言，留言完毕请按井号键。',
      'system: 正在录音……',
    ]);
    const left = await act(message.body, 'record');
    assert.deepEqual(callLog(left.body).slice(-2), [
      'ivr: 您的留言已收到，我们会尽快处理。感谢您的来电，再见。',
      'system: 通话结束',
    ]);
    assert.ok(!left.body.includes(`id='call-form'`), 'no more keys on an ended call');
    const ended = await hub.app.store.calls.find(callSid);
    assert.equal(ended?.status, 'completed');
    assert.deepEqual(await listed(), []);
    const [voicemail] = await hub.app.store.calls.ticketsOf(callSid);
    assert.ok(voicemail, 'the voicemail made a ticket');
    const ticket = await hub.app.store.tickets.findByNumber(voicemail);
    assert.ok(ticket);
    assert.equal(ticket.channel, 'ivr');
    assert.equal(ticket.body, '电话留言（录音12秒），请收听录音。');
    assert.deepEqual(
      (await hub.app.store.calls.eventsOf(callSid)).map((e) => e.type),
      [
        'entered',
        'key',
        'directory_lookup',
        'dial',
        'dial_result',
        'key',
        'message_left',
        'recording',
        'ticket_linked',
      ],
    );
  });

  it('waits in the operator queue hearing the wait message, and hangs up', async () => {
    const placed = await tester.post('/staff/simulator/call', { act: 'start', from: '13700137003' });
    const callSid = callSidOn(placed.body);
    const queued = await act(placed.body, 'keys', { digits: '4' });
    assert.deepEqual(callLog(queued.body).slice(-3), [
      'ivr: 正在为您转接人工服务，请稍候。',
      'system: 进入人工排队（hotline-operators），话务台已显示这通来电。',
      'ivr: 座席正忙，您当前排在第1位，请耐心等候。',
    ]);
    const listed = async () =>
      (await hub.app.liveCalls.list()).filter((c) => c.call.callSid === callSid).map((c) => c.state);
    assert.deepEqual(await listed(), ['queued']);
    const waited = await act(queued.body, 'wait');
    assert.equal(callLog(waited.body).at(-1), 'ivr: 座席正忙，您当前排在第1位，请耐心等候。');
    const gone = await act(waited.body, 'hangup');
    assert.deepEqual(callLog(gone.body).slice(-2), ['system: 来电人挂断', 'system: 通话结束']);
    assert.equal((await hub.app.store.calls.find(callSid))?.status, 'completed');
    assert.deepEqual(await listed(), []);
    const path = await hub.app.store.calls.eventsOf(callSid);
    assert.deepEqual(path.at(-1), {
      callSid,
      type: 'queue_result',
      node: 'main',
      detail: 'hangup',
      at: path.at(-1)?.at,
    });
  });

  it('refuses a call state that points anywhere but the voice webhooks, and keys that are not keys', async () => {
    const placed = await tester.post('/staff/simulator/call', { act: 'start', from: '13700137004' });
    const state = JSON.parse(unescapeHtml(hiddenValue(placed.body, 'call') ?? '')) as {
      pending: { action: string };
    };
    state.pending.action = `${hub.config.publicUrl}/webhooks/twilio/sms`;
    const tampered = await tester.post('/staff/simulator/call', {
      act: 'keys',
      digits: '1',
      call: JSON.stringify(state),
    });
    assert.equal(tampered.statusCode, 400);
    assert.ok(tampered.body.includes(`id='call-problem'>模拟通话的状态无法读取，请重新拨打。</p>`));
    const letters = await act(placed.body, 'keys', { digits: 'abc' });
    assert.equal(letters.statusCode, 400);
    assert.ok(letters.body.includes(`id='call-problem'>请输入 1–20 位数字、* 或 #。</p>`));
    assert.deepEqual(
      (await hub.app.store.calls.eventsOf(callSidOn(placed.body))).map((e) => e.type),
      ['entered'],
    );
  });

  it('sends an email that becomes a ticket, whose receipt shows in the development outbox', async () => {
    const page = await tester.post('/staff/simulator/email', {
      from: 'Zhang.San@Example.com',
      name: '张三',
      to: hub.config.mailInbound.mailboxes[0] ?? '',
      subject: '小区路灯不亮',
      text: '长安区建北街道某小区路灯坏了一个月。',
    });
    assert.equal(page.statusCode, 200);
    const number = /id='mail-outcome'>邮件已受理，新建工单 (\d+)。<\/p>/.exec(page.body)?.[1];
    assert.ok(number, 'the outcome names the new ticket');
    const ticket = await hub.app.store.tickets.findByNumber(number);
    assert.ok(ticket);
    assert.equal(ticket.channel, 'email');
    assert.equal(ticket.subject, '小区路灯不亮');
    assert.ok(ticket.body.includes('长安区建北街道某小区路灯坏了一个月。'), ticket.body);
    assert.equal(ticket.contactId, hub.app.store.contacts.idFor({ email: 'zhang.san@example.com' }));

    await until(
      async () => (await tester.get('/staff/simulator')).body.includes(` · 工单 ${number}</span>`),
      'the receipt',
    );
    const outbox =
      /<ol class='said' id='outbox-items'>([\s\S]*?)<\/ol>/.exec(tester.last?.body ?? '')?.[1] ?? '';
    assert.ok(outbox.includes(`email · z********@example.com · 工单 ${number}</span>`), outbox);

    const bad = await tester.post('/staff/simulator/email', {
      from: 'nobody',
      to: 'x@y.z',
      subject: '',
      text: '',
    });
    assert.equal(bad.statusCode, 400);
    for (const id of ['mail-from-error', 'mail-to-error', 'mail-subject-error', 'mail-text-error'])
      assert.ok(bad.body.includes(`id='${id}'`), id);
  });

  it('is there for any signed-in staff member, and not for a stranger', async () => {
    const stranger = await hub.app.inject({ method: 'GET', url: '/staff/simulator' });
    assert.equal(stranger.statusCode, 303);
    assert.equal(stranger.headers.location, '/staff/login?next=%2Fstaff%2Fsimulator');
  });
});

describe('channel simulator with Twilio and SMTP configured', () => {
  let hub: TestHub;
  before(async () => {
    hub = await startHub({
      TWILIO_ACCOUNT_SID: `AC${'5'.repeat(32)}`,
      TWILIO_AUTH_TOKEN: 'real-twilio-auth-token',
      TWILIO_FROM: '+8631112345',
      SMTP_URL: 'smtp://127.0.0.1:1',
      MAIL_FROM: '12345 <noreply@hub.example.gov.cn>',
      RUN_WORKERS: 'false',
    });
  });
  after(async () => {
    await hub.close();
  });

  it('answers 404: no simulator and no development outbox', async () => {
    await makeStaffUser(hub, 'op', 'operator');
    const operator = await signIn(hub, 'op', 'op-pass-0123');
    const page = await operator.get('/staff/simulator');
    assert.equal(page.statusCode, 404);
    assert.ok(page.body.includes('页面不存在。'));
    const consolePage = await operator.get('/staff/console');
    assert.ok(!consolePage.body.includes(`id='simulator-link'`));
    const sms = await operator.post('/staff/simulator/sms', { from: '13700137001', text: 'BZ' });
    assert.equal(sms.statusCode, 404);
    assert.equal((await hub.app.inject({ method: 'GET', url: '/dev/outbox' })).statusCode, 404);
  });
});
