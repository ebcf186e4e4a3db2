import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatTicketNumber, isValidTicketNumber } from '../../src/tickets/ticket-number.js';
import { command, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { eventually } from '../helpers/notify.js';
import { makeStaffUser, sessionCookie, signIn } from '../helpers/staff.js';
import { elementText, unescapeHtml, type WebVisitor } from '../helpers/web-form.js';

const SCRIPT = '<script>alert("x")</script><b>路灯</b>';
const PHONE = '13800138000';
const SHA = 'ab'.repeat(32);

interface ApiTicket {
  number: string;
  status: string;
  version: number;
  assignee?: string;
  events: { type: string; visibility: string; data?: Record<string, unknown> }[];
  sla: { extension?: { status: string; workingDays: number } };
}

/** A ticket as the staff API shows it to the admin. */
async function api(hub: TestHub, number: string): Promise<ApiTicket> {
  const response = await hub.request({ method: 'GET', url: `/api/v1/tickets/${number}` });
  assert.equal(response.statusCode, 200, response.body);
  return response.json<ApiTicket>();
}

/** Opens a ticket with a phone and dispatches it through the API, as the hotline does. */
async function dispatched(
  hub: TestHub,
  department: string,
  extra: Record<string, unknown> = {},
  coDepartments?: string[],
): Promise<string> {
  const { number } = await openTicket(hub, { contact: { name: '张三', phone: PHONE }, ...extra });
  const response = await command(hub, number, 'dispatch', {
    department,
    ...(coDepartments ? { coDepartments } : {}),
  });
  assert.equal(response.statusCode, 200, response.body);
  return number;
}

/** Posts one action form of the ticket page (the page is loaded first, for its CSRF token). */
async function act(visitor: WebVisitor, number: string, action: string, fields: Record<string, string> = {}) {
  await visitor.get(`/staff/desk/tickets/${number}`);
  return visitor.post(`/staff/desk/tickets/${number}/${action}`, fields);
}

describe('department desk pages (/staff/desk)', () => {
  let hub: TestHub;
  let clerk: WebVisitor;
  let other: WebVisitor;
  let ours: string;
  let theirs: string;
  let shared: string;

  before(async () => {
    hub = await startHub({ QUIET_HOURS: '', NOTIFY_THROTTLE_MS: '0' });
    await makeStaffUser(hub, 'clerkc', 'clerk', 'CGJ');
    await makeStaffUser(hub, 'headm', 'head', 'MZJ');
    ours = await dispatched(hub, 'CGJ', {
      body: `${SCRIPT} 已经一周不亮了`,
      attachments: [{ ref: `att:${SHA}`, name: '<i>现场</i>.jpg', contentType: 'image/jpeg', size: 20_480 }],
    });
    theirs = await dispatched(hub, 'MZJ', { body: '低保申请进度' });
    shared = await dispatched(hub, 'CGJ', { body: '惠农补贴没有到账' }, ['MZJ']);
    clerk = await signIn(hub, 'clerkc', 'clerkc-pass-0123');
    other = await signIn(hub, 'headm', 'headm-pass-0123', '198.51.100.8');
  });
  after(async () => {
    await hub.close();
  });

  it('lists only the department’s own tickets, with counts per tab and citizen text as text', async () => {
    const page = await clerk.get('/staff/desk');
    assert.equal(page.statusCode, 200);
    const html = page.body;
    assert.ok(html.includes(`id='row-${ours}'`));
    assert.ok(html.includes(`id='row-${shared}'`));
    assert.equal(html.includes(theirs), false, 'another department’s number appears nowhere');
    assert.equal(elementText(html, 'count-new'), '2');
    assert.equal(elementText(html, 'count-overdue'), '0');
    assert.ok(html.includes('市城市管理综合行政执法局 · 工单收件箱'));
    // What the citizen typed is shown, escaped: no script element reaches the page.
    assert.equal(html.includes('<script>alert'), false);
    assert.ok(html.includes('&lt;script&gt;alert('));
    // The sign clock of the default policy counts down.
    assert.match(html, /<span class='countdown (ok|yellow|red)'>剩余 /);

    // The co-department (a head of MZJ) sees its own ticket, and the shared one as its part in the
    // co-handling tab (协办), never ours.
    const own = (await other.get('/staff/desk')).body;
    assert.ok(own.includes(`id='row-${theirs}'`));
    assert.equal(own.includes(ours), false);
    assert.equal(elementText(own, 'count-co'), '1');
    const co = (await other.get('/staff/desk?tab=co')).body;
    assert.ok(co.includes(`id='row-${shared}'`));
    assert.equal(co.includes(ours), false);
    assert.match(co, new RegExp(`id='row-${shared}'[\\s\\S]*?<span class='badge co'`));
  });

  it('answers another department’s ticket exactly like a number never issued', async () => {
    const foreign = await clerk.get(`/staff/desk/tickets/${theirs}`);
    assert.equal(foreign.statusCode, 404);
    assert.ok(foreign.body.includes('页面不存在。'));
    // A valid number (check digit right) that was never issued: the same page, but for the address.
    const unknown = formatTicketNumber(theirs.slice(0, 6), 99_999);
    assert.equal(isValidTicketNumber(unknown), true);
    const never = await clerk.get(`/staff/desk/tickets/${unknown}`);
    assert.equal(never.statusCode, 404);
    const strip = (html: string, number: string) =>
      html.replaceAll(number, 'N').replace(/name='_csrf' value='[^']*'/g, '');
    assert.equal(strip(foreign.body, theirs), strip(never.body, unknown));
    // Forms and the contact view of it are not found either, and change nothing.
    const before = await api(hub, theirs);
    await clerk.get('/staff/desk');
    assert.equal((await clerk.post(`/staff/desk/tickets/${theirs}/sign`, {})).statusCode, 404);
    assert.equal((await clerk.post(`/staff/desk/tickets/${theirs}/contact`, {})).statusCode, 404);
    assert.equal((await api(hub, theirs)).version, before.version);
  });

  it('shows the timeline, the masked contact, and the full contact only by an audited POST', async () => {
    const page = await clerk.get(`/staff/desk/tickets/${ours}`);
    assert.equal(page.statusCode, 200);
    const html = page.body;
    assert.ok(html.includes("data-type='received'"));
    assert.ok(html.includes("data-type='dispatched'"));
    assert.ok(html.includes('138****8000'));
    assert.ok(html.includes('张*'));
    assert.equal(html.includes(PHONE), false);
    assert.equal(html.includes('<script>alert'), false);
    assert.match(
      html,
      new RegExp(
        `<a href='/api/v1/tickets/${ours}/attachments/${SHA}' download>&lt;i&gt;现场&lt;/i&gt;.jpg</a>\\s*<span class='muted'>image/jpeg</span>\\s*<span class='muted'>20 KB</span>`,
      ),
    );
    // Only what the state machine allows a lead department on a new ticket.
    assert.deepEqual(
      [...html.matchAll(/id='do-([a-z_]+)'/g)].map((m) => m[1]),
      ['sign', 'note', 'return'],
    );

    const shown = await clerk.post(`/staff/desk/tickets/${ours}/contact`, {});
    assert.equal(shown.statusCode, 200);
    assert.ok(shown.body.includes(`+86${PHONE}`));
    assert.ok(shown.body.includes('张三'));
    const audit = (await hub.app.store.audit.forTicket(ours)).items;
    assert.deepEqual(
      audit.map((a) => [a.action, a.actor.id, a.fields]),
      [['view_personal_data', 'user:clerkc', ['name', 'phones', 'emails']]],
    );
  });

  it('refuses a form without a valid CSRF token and changes nothing', async () => {
    const before = await api(hub, ours);
    await clerk.get(`/staff/desk/tickets/${ours}`);
    const none = await clerk.post(`/staff/desk/tickets/${ours}/sign`, {}, { csrf: null });
    assert.equal(none.statusCode, 403);
    assert.ok(none.body.includes('表单已过期或来源不明'));
    const forged = await clerk.post(
      `/staff/desk/tickets/${ours}/note`,
      { text: 'x' },
      { csrf: 'forged-token' },
    );
    assert.equal(forged.statusCode, 403);
    const contact = await clerk.post(`/staff/desk/tickets/${ours}/contact`, {}, { csrf: null });
    assert.equal(contact.statusCode, 403);
    assert.equal((await api(hub, ours)).version, before.version);
    assert.equal((await hub.app.store.audit.forTicket(ours)).items.length, 1);
  });

  it('signs, replies and resolves through the forms; the reply goes out by SMS', async () => {
    const signed = await act(clerk, ours, 'sign');
    assert.equal(signed.statusCode, 303);
    assert.equal(signed.headers.location, `/staff/desk/tickets/${ours}?done=sign`);
    let ticket = await api(hub, ours);
    assert.equal(ticket.status, 'signed');
    assert.equal(ticket.assignee, 'user:clerkc');
    assert.equal(elementText((await clerk.get(signed.headers.location)).body, 'desk-done'), '已签收。');

    const reply = '已安排维修，路灯今晚恢复。<img src=x>';
    const replied = await act(clerk, ours, 'reply', { text: `  ${reply}  ` });
    assert.equal(replied.statusCode, 303, replied.body);
    ticket = await api(hub, ours);
    assert.equal(ticket.status, 'replied');
    assert.deepEqual(ticket.events.at(-1)?.data, { text: reply });

    const sms = await eventually(async () => {
      const items = await hub.app.store.devOutbox.list({ limit: 50, channel: 'sms' });
      return items.find((i) => i.ticketNumber === ours && i.body.includes('路灯今晚恢复'));
    }, 'the reply SMS in the development outbox');
    assert.equal(sms.to, `+86${PHONE}`);
    // The same through the public JSON list of the development outbox.
    const listed = await hub.request({ method: 'GET', url: '/dev/outbox.json', token: null });
    assert.ok(listed.body.includes('路灯今晚恢复'));

    const resolved = await act(clerk, ours, 'resolve', { text: '已办结' });
    assert.equal(resolved.statusCode, 303);
    assert.equal((await api(hub, ours)).status, 'closed');

    // The ticket page lists the notifications with their delivery status, and the reply.
    const page = await eventually(async () => {
      const html = (await clerk.get(`/staff/desk/tickets/${ours}`)).body;
      return html.includes("data-status='delivered'") ? html : undefined;
    }, 'a delivered notification on the ticket page');
    assert.match(
      page,
      /<td>答复<\/td>\s*<td class='nowrap'>群众<\/td>\s*<td class='nowrap'>短信<\/td>\s*<td class='nowrap'>138\*\*\*\*8000<\/td>\s*<td class='nowrap delivery-delivered'>已送达<\/td>/,
    );
    assert.ok(page.includes('已安排维修，路灯今晚恢复。&lt;img src&#x3D;x&gt;'));
    assert.equal(page.includes('<img src=x>'), false);
    assert.deepEqual(
      [...page.matchAll(/id='do-([a-z_]+)'/g)].map((m) => m[1]),
      ['note'],
    );
  });

  it('shows a command the state does not allow as refused, with the core’s coded error in words', async () => {
    const before = await api(hub, shared);
    const refused = await act(clerk, shared, 'resolve', {});
    assert.equal(refused.statusCode, 409);
    assert.equal(
      unescapeHtml(elementText(refused.body, 'desk-error') ?? ''),
      '操作未执行：工单当前状态为“待签收”，不能办结。 ',
    );
    assert.ok(refused.body.includes('错误代码 HUB_ERR_COMMAND_NOT_ALLOWED'));
    assert.equal((await api(hub, shared)).version, before.version);

    // A form the API's schema refuses is shown again with the field marked, nothing run.
    assert.equal((await act(clerk, shared, 'sign')).statusCode, 303);
    const empty = await act(clerk, shared, 'ask', { text: '   ' });
    assert.equal(empty.statusCode, 400);
    assert.equal(elementText(empty.body, 'ask-text-error'), '请填写此项。');
    assert.equal((await api(hub, shared)).status, 'signed');
  });

  it('runs the co-department part, and the lead cannot answer past it without a reason', async () => {
    const early = await act(clerk, shared, 'reply', { text: '已核实，补贴将于下月发放。' });
    assert.equal(early.statusCode, 409);
    assert.equal(
      unescapeHtml(elementText(early.body, 'desk-error') ?? ''),
      '操作未执行：会办部门（市民政局）尚未提交意见：请等待，或填写未等会办意见的原因。 ',
    );
    // What was typed stays in the form.
    assert.ok(early.body.includes('已核实，补贴将于下月发放。</textarea>'));

    const coPage = (await other.get(`/staff/desk/tickets/${shared}`)).body;
    assert.deepEqual(
      [...coPage.matchAll(/id='do-([a-z_]+)'/g)].map((m) => m[1]),
      ['co_sign', 'co_answer', 'note'],
    );
    assert.equal((await act(other, shared, 'co_sign')).statusCode, 303);
    assert.equal((await act(other, shared, 'co_answer', { text: '民政局已核对名单。' })).statusCode, 303);
    const ticket = await api(hub, shared);
    assert.deepEqual(
      ticket.events.slice(-2).map((e) => [e.type, e.visibility]),
      [
        ['co_signed', 'internal'],
        ['co_answered', 'internal'],
      ],
    );
    // The head of the co-department has nothing more to do but notes; the lead now replies.
    assert.equal((await other.get('/staff/desk')).body.includes(`id='row-${shared}'`), false);
    assert.equal((await act(clerk, shared, 'reply', { text: '已核实，补贴将于下月发放。' })).statusCode, 303);
    assert.equal((await api(hub, shared)).status, 'replied');
  });

  it('asks the citizen, notes, requests an extension and returns with reason and basis', async () => {
    const number = await dispatched(hub, 'CGJ', { body: '小区门口占道经营' });
    assert.equal((await act(clerk, number, 'sign')).statusCode, 303);
    assert.equal((await act(clerk, number, 'note', { text: '已电话联系街道办' })).statusCode, 303);
    assert.equal(
      (await act(clerk, number, 'request_extension', { workingDays: '3', reason: '需联合执法' })).statusCode,
      303,
    );
    assert.equal((await act(clerk, number, 'ask', { text: '请提供具体门牌号' })).statusCode, 303);
    let ticket = await api(hub, number);
    assert.equal(ticket.status, 'waiting_citizen');
    assert.deepEqual(
      ticket.sla.extension && [ticket.sla.extension.status, ticket.sla.extension.workingDays],
      ['pending', 3],
    );
    const page = (await clerk.get(`/staff/desk/tickets/${number}`)).body;
    assert.match(page, /data-type='noted'>[\s\S]*?<span class='badge internal'/);
    assert.ok(page.includes('已申请延期 3 个工作日，等待督办员审批'));
    const waiting = (await clerk.get('/staff/desk?tab=waiting')).body;
    assert.match(
      waiting,
      new RegExp(`id='row-${number}'[\\s\\S]*?<span class='countdown paused'>已暂停 · 剩余 `),
    );

    assert.equal((await act(clerk, number, 'resume')).statusCode, 303);
    const noBasis = await act(clerk, number, 'return', { reason: '不属于本部门职责' });
    assert.equal(noBasis.statusCode, 400);
    assert.equal(elementText(noBasis.body, 'return-basis-error'), '请填写此项。');
    assert.equal(
      (
        await act(clerk, number, 'return', {
          reason: '不属于本部门职责',
          basis: '《城市管理职责清单》第三条',
        })
      ).statusCode,
      303,
    );
    ticket = await api(hub, number);
    assert.equal(ticket.status, 'return_review');
    assert.deepEqual(ticket.events.at(-1)?.data, {
      reason: '不属于本部门职责',
      basis: '《城市管理职责清单》第三条',
    });
    // Back at the hotline: no longer on the desk.
    assert.equal((await clerk.get('/staff/desk')).body.includes(`id='row-${number}'`), false);
  });

  it('speaks English when asked, and only clerks and heads open the desk', async () => {
    const en = await clerk.get('/staff/desk?lang=en');
    assert.ok(en.body.includes('Urban Management Bureau · inbox'));
    assert.ok(en.body.includes('Waiting for citizen'));
    await clerk.get('/staff/desk?lang=zh-CN');
    await makeStaffUser(hub, 'oper1', 'operator');
    const operator = await signIn(hub, 'oper1', 'oper1-pass-0123', '198.51.100.9');
    assert.equal((await operator.get('/staff/desk')).statusCode, 403);
    assert.equal((await operator.get(`/staff/desk/tickets/${ours}`)).statusCode, 403);
    const stranger = await hub.app.inject({ method: 'GET', url: '/staff/desk' });
    assert.equal(stranger.statusCode, 303);
    assert.equal(stranger.headers.location, '/staff/login?next=%2Fstaff%2Fdesk');
  });

  it('the live socket of a clerk’s session carries only the department’s ticket events', async () => {
    const socket = await hub.app.injectWS('/api/v1/live', { headers: sessionCookie(clerk) });
    const seen: { number?: string; event?: { type: string } }[] = [];
    socket.on('message', (raw: Buffer) => seen.push(JSON.parse(raw.toString()) as (typeof seen)[number]));
    const mine = await dispatched(hub, 'CGJ');
    const notMine = await dispatched(hub, 'MZJ');
    await eventually(() => (seen.some((m) => m.number === mine) ? true : undefined), 'our event');
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(
      seen.filter((m) => m.event).map((m) => [m.number, m.event?.type]),
      [[mine, 'dispatched']],
    );
    assert.equal(JSON.stringify(seen).includes(notMine), false);
    socket.terminate();
  });
});
