import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import twilio from 'twilio';
import { DEMO_APPLICATIONS, DEMO_SUBSIDY_HOUSEHOLDS, loadDemoCases } from '../../src/seed-data.js';
import { checkDigit } from '../../src/tickets/ticket-number.js';
import type { Ticket } from '../../src/tickets/types.js';
import { postTwilioForm } from '../helpers/twilio-webhook.js';
import { command, issueToken, startHub, type TestHub } from '../helpers/hub.js';
import { eventually } from '../helpers/notify.js';
import { textOf, twimlVerbs } from '../helpers/twiml.js';

const PATH = '/webhooks/twilio/sms';
const AUTH_TOKEN = 'test-twilio-auth-token-keywords';
const PUBLIC_URL = 'https://hub.example.gov.cn';
const SIGNATURE = '【12345】';

/** What a Chinese IME types: ASCII letters, digits and punctuation in full width. */
const fullWidth = (text: string) =>
  text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000');

/** A number with its last (check) digit changed: well-formed, wrong check digit. */
const wrongCheckDigit = (number: string) => number.slice(0, -1) + String((Number(number.at(-1)) + 1) % 10);

function demoHousehold(headName: string) {
  const household = DEMO_SUBSIDY_HOUSEHOLDS.find((h) => h.headName === headName);
  assert.ok(household, headName);
  return household;
}

/**
 * SMS keywords end to end: inbound SMS as Twilio posts them, signed with the SDK's own function, into
 * a real hub (embedded database, Redis); every TwiML answer parsed as XML and read verb by verb.
 */
describe('SMS keywords', () => {
  let hub: TestHub;
  let nextSid = 0;
  before(async () => {
    hub = await startHub({
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      PUBLIC_URL,
      QUIET_HOURS: '',
      NOTIFY_THROTTLE_MS: '0',
    });
    await loadDemoCases(hub.app.store);
  });
  after(async () => {
    await hub.close();
  });

  const sign = (params: Record<string, string>) =>
    twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}${PATH}`, params);

  const post = (params: Record<string, string>, signature: string | null) =>
    postTwilioForm(hub, PATH, params, signature);

  const newSid = () => `SM${String(++nextSid).padStart(32, '0')}`;
  const params = (from: string, body: string, sid = newSid()) => ({
    MessageSid: sid,
    AccountSid: `AC${'1'.repeat(32)}`,
    From: from,
    To: '+8612345',
    Body: body,
  });

  /** A signed SMS; the answer's `<Message>` texts (none when the answer is an empty `<Response/>`). */
  async function text(from: string, body: string, sid = newSid()) {
    const sms = params(from, body, sid);
    const response = await post(sms, sign(sms));
    assert.equal(response.statusCode, 200, response.body);
    assert.match(String(response.headers['content-type']), /^text\/xml/);
    const verbs = twimlVerbs(response.body);
    for (const verb of verbs) {
      assert.equal(verb.name, 'Message', response.body);
      assert.deepEqual(verb.attributes, {});
    }
    return { raw: response.body, sid, messages: verbs.map(textOf) };
  }

  /** The one message of an answer. */
  async function ask(from: string, body: string): Promise<string> {
    const { messages } = await text(from, body);
    assert.equal(messages.length, 1, `one <Message> for ${body}`);
    return messages[0] ?? '';
  }

  const contactOf = (phone: string) => hub.app.store.contacts.idFor({ phone });
  async function ticketsOf(phone: string): Promise<Ticket[]> {
    return hub.app.store.tickets.recentOfContact(contactOf(phone), 50);
  }
  async function onlyTicketOf(phone: string): Promise<Ticket> {
    const tickets = await ticketsOf(phone);
    assert.equal(tickets.length, 1, `one ticket of ${phone}`);
    const [ticket] = tickets;
    assert.ok(ticket);
    return ticket;
  }
  const ticket = async (number: string) => {
    const found = await hub.app.store.tickets.findByNumber(number);
    assert.ok(found, number);
    return found;
  };
  const counts = async () => ({
    tickets: await hub.app.store.tickets.count(),
    contacts: await hub.app.store.contacts.model.countDocuments({}),
    answers: await hub.app.store.smsAnswers.model.countDocuments({}),
    audit: await hub.app.store.audit.model.countDocuments({}),
  });

  describe('signature', () => {
    it('missing → 400, wrong → 403, nothing stored; with a MessagingServiceSid the same', async () => {
      const before = await counts();
      const extras: Record<string, string>[] = [{}, { MessagingServiceSid: `MG${'2'.repeat(32)}` }];
      for (const extra of extras) {
        for (const body of ['CX 26112100425', 'TS 路灯坏了', 'BT', '路灯坏了']) {
          const sms: Record<string, string> = { ...params('+8613700000001', body), ...extra };
          const missing = await post(sms, null);
          assert.equal(missing.statusCode, 400);
          assert.equal(missing.json<{ code: string }>().code, 'HUB_ERR_BAD_REQUEST');
          const forged = await post(sms, sign({ ...sms, Body: `${body}!` }));
          assert.equal(forged.statusCode, 403);
          assert.equal(forged.json<{ code: string }>().code, 'HUB_ERR_FORBIDDEN');
          // Signed for another URL (another hub's, or a path we do not serve).
          const elsewhere = twilio.getExpectedTwilioSignature(AUTH_TOKEN, `${PUBLIC_URL}/other`, sms);
          assert.equal((await post(sms, elsewhere)).statusCode, 403);
        }
      }
      assert.deepEqual(await counts(), before);
    });

    it('a signed request from a Messaging Service is answered like any other', async () => {
      const sms = { ...params('+8613700000002', 'BZ'), MessagingServiceSid: `MG${'3'.repeat(32)}` };
      const response = await post(sms, sign(sms));
      assert.equal(response.statusCode, 200);
      const [message] = twimlVerbs(response.body);
      assert.equal(message?.name, 'Message');
      assert.match(textOf(message), /^【12345】短信服务：CX\+工单号或办件号 查进度/);
    });
  });

  describe('tickets by keyword (TS / ZX / JY / QZ)', () => {
    const variants: [string, Ticket['kind'], string][] = [
      ['TS 小区噪音扰民', 'complaint', '小区噪音扰民'],
      ['ts：夜间施工扰民', 'complaint', '夜间施工扰民'],
      [fullWidth('TS:') + '广场舞噪音', 'complaint', '广场舞噪音'],
      ['投诉小区噪音扰民', 'complaint', '投诉小区噪音扰民'],
      ['Zx 社保卡怎么补办', 'consultation', '社保卡怎么补办'],
      ['咨询：居住证怎么办理？', 'consultation', '居住证怎么办理？'],
      ['JY增加公交线路', 'suggestion', '增加公交线路'],
      ['建议 多建停车场', 'suggestion', '多建停车场'],
      [fullWidth('QZ ') + '老人走失', 'help', '老人走失'],
      ['求助，家门口下水道堵了', 'help', '家门口下水道堵了'],
    ];
    for (const [i, [body, kind, stored]] of variants.entries()) {
      it(`${JSON.stringify(body)} opens a ${kind}; the received notice comes by the outbox only`, async () => {
        const phone = `+86137001000${String(i).padStart(2, '0')}`;
        const answer = await text(phone, body);
        assert.deepEqual(answer.messages, [], 'nothing in the webhook answer');
        const opened = await onlyTicketOf(phone);
        assert.equal(opened.kind, kind);
        assert.equal(opened.body, stored);
        assert.equal(opened.channel, 'sms');
        assert.equal(opened.source.externalIds.find((e) => e.name === 'MessageSid')?.value, answer.sid);
        const [notice] = await eventually(async () => {
          const items = await hub.app.store.devOutbox.list({ limit: 10, channel: 'sms', to: phone });
          return items.length > 0 ? items : undefined;
        }, 'the received SMS');
        assert.match(
          notice?.body ?? '',
          new RegExp(`^【12345】您的.+已受理，工单号${opened.number}，查询码\\d{6}。$`),
        );
      });
    }

    it('a keyword with no text answers how it is used, and opens nothing', async () => {
      const phone = '+8613700100099';
      assert.equal(await ask(phone, 'TS'), `${SIGNATURE}请在TS后写明投诉内容，如：TS 小区路灯不亮。`);
      assert.equal(await ask(phone, '求助'), `${SIGNATURE}请在QZ后写明求助内容，如：QZ 小区路灯不亮。`);
      assert.equal((await ticketsOf(phone)).length, 0);
    });
  });

  describe('replays (Twilio retries the same MessageSid)', () => {
    it('a retried TS returns the first answer byte for byte and makes one ticket', async () => {
      const phone = '+8613700200001';
      const first = await text(phone, 'TS 井盖丢失');
      const again = await text(phone, 'TS 井盖丢失', first.sid);
      assert.equal(again.raw, first.raw);
      assert.equal((await ticketsOf(phone)).length, 1);
    });

    it('concurrent twins of one message: one ticket, one citizen message, the same answer', async () => {
      const phone = '+8613700200002';
      const sms = params(phone, 'ZX 公积金怎么提取');
      const answers = await Promise.all([0, 1, 2, 3].map(() => post(sms, sign(sms))));
      assert.deepEqual(new Set(answers.map((a) => `${String(a.statusCode)} ${a.body}`)).size, 1);
      const opened = await onlyTicketOf(phone);

      const more = params(phone, '我的公积金账号是单位缴存的');
      const twins = await Promise.all([0, 1, 2].map(() => post(more, sign(more))));
      const bodies = new Set(twins.map((a) => a.body));
      assert.equal(bodies.size, 1);
      const [message] = twimlVerbs([...bodies][0] ?? '');
      assert.equal(
        message ? textOf(message) : '',
        `${SIGNATURE}您的留言已补充到工单${opened.number}，承办单位将一并办理。`,
      );
      const stored = await ticket(opened.number);
      assert.equal(stored.events.filter((e) => e.type === 'citizen_message').length, 1);
      assert.equal((await ticketsOf(phone)).length, 1);
    });

    it('a retried query is not run again: one subsidy lookup audited for the message and its retries', async () => {
      const phone = demoHousehold('王建国').phones[0] ?? '';
      const audited = () =>
        hub.app.store.audit.model.countDocuments({
          contactId: contactOf(phone),
          action: 'sms_subsidy_query',
        });
      const before = await audited();
      const first = await text(phone, 'BT');
      const retries = await Promise.all([0, 1, 2].map(() => text(phone, 'BT', first.sid)));
      for (const retry of retries) assert.equal(retry.raw, first.raw);
      assert.equal(await audited(), before + 1);
      const stored = await hub.app.store.smsAnswers.find(first.sid);
      assert.equal(stored?.twiml, first.raw);
      assert.equal(stored.keyword, 'subsidy');
    });

    it('a retried query gets the first answer even when the data changed since', async () => {
      const phone = '+8613700200003';
      await text(phone, 'TS 路灯不亮');
      const opened = await onlyTicketOf(phone);
      const first = await text(phone, `CX ${opened.number}`);
      assert.match(first.messages[0] ?? '', /：已受理，/);
      assert.equal((await command(hub, opened.number, 'dispatch', { department: 'ZJJ' })).statusCode, 200);
      const retried = await text(phone, `CX ${opened.number}`, first.sid);
      assert.equal(retried.raw, first.raw);
      const fresh = await text(phone, `CX ${opened.number}`);
      assert.match(fresh.messages[0] ?? '', /：已转交承办单位（市住房和城乡建设局），/);
    });

    it('concurrent twins of a query (answered without the lock): one stored answer, all get it', async () => {
      const phone = '+8613700200004';
      await text(phone, 'TS 小区停水');
      const opened = await onlyTicketOf(phone);
      const before = await counts();
      const sms = params(phone, `CX ${opened.number}`);
      const answers = await Promise.all([0, 1, 2, 3, 4].map(() => post(sms, sign(sms))));
      assert.deepEqual(
        [...new Set(answers.map((a) => `${String(a.statusCode)} ${a.body}`))],
        [`200 ${(await hub.app.store.smsAnswers.find(sms.MessageSid))?.twiml ?? 'not stored'}`],
      );
      assert.deepEqual(await counts(), { ...before, answers: before.answers + 1 });
    });
  });

  describe('CX: status by number', () => {
    let phone: string;
    let number: string;
    let queryCode: string;
    before(async () => {
      phone = '+8613700300001';
      await text(phone, 'TS 楼道堆放杂物');
      const opened = await onlyTicketOf(phone);
      number = opened.number;
      queryCode = opened.queryCode;
    });

    it('answers the sender’s own ticket whatever the spelling (width, case, colon, no space, Chinese)', async () => {
      const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
      const expected = new RegExp(`^【12345】工单${number}（投诉）：已受理，更新于${today} \\d{2}:\\d{2}。$`);
      const spellings = [
        `CX ${number}`,
        `cx${number}`,
        `Cx:${number}`,
        `cX：${number}`,
        fullWidth(`CX ${number}`),
        `CX+${number}。`,
        `  CX  ${number}  `,
        `查询${number}`,
        `查询：${fullWidth(number)}`,
        `查询 ${number}！`,
      ];
      for (const spelling of spellings) assert.match(await ask(phone, spelling), expected, spelling);
    });

    it('a wrong check digit: the number is said to be wrong, nobody’s data is shown', async () => {
      const wrong = wrongCheckDigit(number);
      assert.equal(
        await ask(phone, `CX ${wrong}`),
        `${SIGNATURE}号码${wrong}有误（校验位不符），请核对后重新发送。`,
      );
      const application = DEMO_APPLICATIONS[0];
      assert.ok(application);
      const wrongCase = wrongCheckDigit(application.number);
      const answer = await ask(application.applicantPhone ?? '', `CX ${wrongCase} ${application.queryCode}`);
      assert.equal(answer, `${SIGNATURE}号码${wrongCase}有误（校验位不符），请核对后重新发送。`);
    });

    it('someone else’s ticket: not without the query code (the same answer as an unknown number)', async () => {
      const stranger = '+8613700300002';
      const notFound = `${SIGNATURE}未查到与本机号码相符的${number}。查他人事项请发送：CX 号码 查询码。`;
      assert.equal(await ask(stranger, `CX ${number}`), notFound);
      const wrongCode = String((Number(queryCode) + 1) % 1_000_000).padStart(6, '0');
      assert.equal(await ask(stranger, `CX ${number} ${wrongCode}`), notFound);
      const unknownBody = '2001010999';
      const unknown = unknownBody + checkDigit(unknownBody);
      assert.equal(
        await ask(stranger, `CX ${unknown}`),
        `${SIGNATURE}未查到与本机号码相符的${unknown}。查他人事项请发送：CX 号码 查询码。`,
      );
      assert.match(
        await ask(stranger, `CX ${number} ${queryCode}`),
        new RegExp(`^【12345】工单${number}（投诉）：已受理`),
      );
      assert.match(
        await ask(stranger, `查询${number}查询码${queryCode}`),
        new RegExp(`^【12345】工单${number}`),
      );
    });

    it('an application case (办件): the applicant’s phone, or another phone with the query code', async () => {
      const application = DEMO_APPLICATIONS.find((a) => a.item === '最低生活保障申请');
      assert.ok(application?.applicantPhone);
      const status = `${SIGNATURE}办件${application.number}（最低生活保障申请）：审查中。最新环节：审查 2026-11-18 09:00。承诺办结2026-12-14。`;
      assert.equal(await ask(application.applicantPhone, `CX ${application.number}`), status);
      const other = '+8613700300003';
      assert.equal(
        await ask(other, `CX ${application.number}`),
        `${SIGNATURE}未查到与本机号码相符的${application.number}。查他人事项请发送：CX 号码 查询码。`,
      );
      assert.equal(await ask(other, `cx ${application.number} ${application.queryCode}`), status);
    });

    it('a long case result is shortened to SMS_MAX_PARTS, never past it', async () => {
      const application = DEMO_APPLICATIONS.find((a) => a.status === 'completed');
      assert.ok(application?.applicantPhone);
      await hub.app.store.applications.upsert({ ...application, result: '准予许可。'.repeat(60) });
      const answer = await ask(application.applicantPhone, `CX ${application.number}`);
      assert.ok(answer.startsWith(`${SIGNATURE}办件${application.number}（`), answer);
      assert.ok(answer.endsWith('…'), answer);
      assert.ok(answer.length <= 201, `3 UCS-2 parts: ${String(answer.length)}`);
      assert.ok(answer.length > 190, 'filled up to the limit');
    });

    it('CX without a readable number answers how CX is used', async () => {
      const usage = `${SIGNATURE}查进度请发送CX+工单号或办件号，如CX 26112100425；查他人事项请在号码后加查询码。`;
      for (const body of ['CX', 'cx 社保', '查询', 'CX ABC123'])
        assert.equal(await ask(phone, body), usage, body);
    });
  });

  describe('BT: subsidies of the sender’s household', () => {
    const auditOf = (phone: string) =>
      hub.app.store.audit.model
        .find({ contactId: contactOf(phone), action: 'sms_subsidy_query' })
        .sort({ _id: 1 })
        .lean();

    it('one household: its latest payments, name and account masked, the lookup audited', async () => {
      const household = demoHousehold('王建国');
      const phone = household.phones[0] ?? '';
      const expected =
        `${SIGNATURE}王*国户补贴（账户****6021）：2026年粮食直补840.00元，2026-05-21已发放；` +
        '2025年农资综合直补412.60元，2025-06-10已发放；2025年粮食直补834.00元，2025-05-22已发放；' +
        '2024年粮食直补821.50元，2024-05-20已发放。';
      const before = (await auditOf(phone)).length;
      for (const body of ['BT', 'bt', fullWidth('BT'), '补贴', 'Bt。'])
        assert.equal(await ask(phone, body), expected, body);
      const entries = (await auditOf(phone)).slice(before);
      assert.equal(entries.length, 5);
      for (const entry of entries) {
        assert.deepEqual(entry.actor, { kind: 'citizen', id: contactOf(phone) });
        assert.match(entry.fields?.join(' ') ?? '', /^household:h\S+ payments$/);
      }
    });

    it('several households on one phone: asks for the ID tail, then shows only that household', async () => {
      const zhiqiang = demoHousehold('张志强');
      const zhigang = demoHousehold('张志刚');
      const shared = zhiqiang.phones[0] ?? '';
      assert.ok(zhigang.phones.includes(shared));
      assert.equal(
        await ask(shared, 'BT'),
        `${SIGNATURE}本机号码登记了2户补贴信息，请发送BT+户主身份证号后6位查询，如BT 12345X。`,
      );
      const his = await ask(shared, `BT ${zhiqiang.idNumber.slice(-6)}`);
      assert.equal(
        his,
        `${SIGNATURE}张*强户补贴（账户****6021）：2026年医疗救助1200.00元，2026-03-15已发放；` +
          '2025年粮食直补610.20元，2025-05-22已发放。',
      );
      const brother = await ask(shared, `补贴：${fullWidth(zhigang.idNumber.slice(-6))}`);
      assert.match(
        brother,
        /^【12345】张\*刚户补贴（账户\*{4}6021）：2026年农资综合直补301\.20元，2026-06-12已退回；/,
      );
      assert.ok(!brother.includes('1200.00') && !his.includes('301.20'), 'never the other household');
      // A tail of nobody on this phone (王建国's, registered elsewhere): nothing of anyone.
      const wang = demoHousehold('王建国');
      assert.equal(
        await ask(shared, `BT ${wang.idNumber.slice(-6)}`),
        `${SIGNATURE}未找到与本机号码及身份证后6位相符的补贴信息，请核对后重发，或拨打12345咨询。`,
      );
      assert.deepEqual(
        (await auditOf(shared)).map((e) => e.fields?.[0]?.replace(/^household:h.*/, 'household')),
        ['households:2', 'household', 'household', 'households:0'],
      );
    });

    it('a phone not registered: a polite answer with the hotline; ID tails do not help', async () => {
      const phone = '+8613700400001';
      const polite = `${SIGNATURE}本机号码未登记惠农补贴信息。如有疑问，请拨打12345热线咨询。`;
      assert.equal(await ask(phone, 'BT'), polite);
      assert.equal(await ask(phone, `BT ${demoHousehold('王建国').idNumber.slice(-6)}`), polite);
      assert.equal((await auditOf(phone)).length, 2);
    });

    it('many payments: the newest that fit SMS_MAX_PARTS, then 「…共N条」', async () => {
      const household = demoHousehold('赵桂兰');
      const phone = household.phones[0] ?? '';
      const [found] = await hub.app.store.subsidies.householdsByPhone(phone);
      assert.ok(found);
      for (let month = 1; month <= 12; month++) {
        await hub.app.store.subsidies.insertPayment({
          householdId: found.id,
          year: 2024,
          type: 'dibao',
          batch: `2024-${String(month).padStart(2, '0')}`,
          amountFen: 50_000 + month,
          status: 'paid',
          paidDate: `2024-${String(month).padStart(2, '0')}-10`,
          accountMasked: month % 2 === 0 ? '****6021' : '****7788',
          source: 'test',
        });
      }
      const answer = await ask(phone, 'BT');
      assert.ok(
        answer.startsWith(`${SIGNATURE}赵*兰户补贴：2026年五保4500.00元，2026-07-08已发放，账户****6021；`),
        answer,
      );
      assert.match(answer, /；…共15条$/);
      assert.ok(answer.length <= 201, `3 UCS-2 parts: ${String(answer.length)}`);
    });
  });

  describe('PJ: rating the latest answered ticket', () => {
    async function repliedTicketOf(phone: string, body: string): Promise<string> {
      await text(phone, body);
      const [opened] = await ticketsOf(phone);
      assert.ok(opened);
      assert.equal((await command(hub, opened.number, 'dispatch', { department: 'MZJ' })).statusCode, 200);
      const clerk = await issueToken(hub, 'department', 'MZJ');
      assert.equal((await command(hub, opened.number, 'sign', {}, clerk)).statusCode, 200);
      const replied = await command(hub, opened.number, 'reply', { text: '已安排社区处理。' }, clerk);
      assert.equal(replied.statusCode, 200, replied.body);
      return opened.number;
    }

    it('PJ 1 closes the replied ticket as satisfied; answered at once, no outbox notice of it', async () => {
      const phone = '+8613700500001';
      const number = await repliedTicketOf(phone, 'TS 小区门口积水');
      assert.match(
        await ask(phone, `CX ${number}`),
        /：已答复（市民政局），更新于.*。请发送PJ 1\/2\/3评价。$/,
      );
      assert.equal(await ask(phone, 'PJ 1'), `${SIGNATURE}感谢您对工单${number}的评价（满意）。`);
      const rated = await ticket(number);
      assert.equal(rated.status, 'closed');
      assert.equal(rated.rating?.value, 'satisfied');
      const event = rated.events.at(-1);
      assert.equal(event?.type, 'rated');
      assert.deepEqual(event.actor, { kind: 'citizen', id: contactOf(phone) });
      assert.equal(event.channel, 'sms');
      const citizenNotices = Object.values(rated.outbox).filter(
        (e) => e.audience === 'citizen' && e.eventId === event.id,
      );
      assert.deepEqual(citizenNotices, [], 'the rating is answered in the webhook, not again by SMS');
      assert.equal(
        await ask(phone, 'PJ 1'),
        `${SIGNATURE}您暂无待评价的工单。工单答复后，可发送PJ 1/2/3评价。`,
        'nothing left to rate',
      );
    });

    it('评价：不满意 with a comment reopens it (DISSATISFIED_ACTION=reopen)', async () => {
      const phone = '+8613700500002';
      const number = await repliedTicketOf(phone, 'TS 路灯不亮');
      assert.equal(
        await ask(phone, '评价：不满意，路灯还是不亮'),
        `${SIGNATURE}感谢您对工单${number}的评价（不满意）。我们将督促承办单位重新办理。`,
      );
      const rated = await ticket(number);
      assert.equal(rated.status, 'reopened');
      assert.deepEqual(rated.rating && { value: rated.rating.value, comment: rated.rating.comment }, {
        value: 'dissatisfied',
        comment: '路灯还是不亮',
      });
    });

    it('no answered ticket: says so and changes nothing; a bad value answers the usage', async () => {
      const phone = '+8613700500003';
      await text(phone, 'TS 噪音');
      const [opened] = await ticketsOf(phone);
      assert.ok(opened);
      assert.equal(
        await ask(phone, 'pj2'),
        `${SIGNATURE}您暂无待评价的工单。工单答复后，可发送PJ 1/2/3评价。`,
      );
      assert.equal(
        await ask(phone, 'PJ 5'),
        `${SIGNATURE}评价请发送PJ 1（满意）、PJ 2（基本满意）或PJ 3（不满意）。`,
      );
      assert.equal((await ticket(opened.number)).version, opened.version);
    });
  });

  describe('text without a keyword', () => {
    it('continues the sender’s open ticket; answering the department’s question resumes it', async () => {
      const phone = '+8613700600001';
      await text(phone, 'TS 楼上漏水');
      const opened = await onlyTicketOf(phone);
      assert.equal((await command(hub, opened.number, 'dispatch', { department: 'ZJJ' })).statusCode, 200);
      const clerk = await issueToken(hub, 'department', 'ZJJ');
      assert.equal((await command(hub, opened.number, 'sign', {}, clerk)).statusCode, 200);
      assert.equal(
        (await command(hub, opened.number, 'ask', { text: '请提供具体楼号' }, clerk)).statusCode,
        200,
      );
      assert.equal((await ticket(opened.number)).status, 'waiting_citizen');

      const sent = await text(phone, '3号楼2单元');
      assert.deepEqual(sent.messages, [
        `${SIGNATURE}您的留言已补充到工单${opened.number}，承办单位将一并办理。`,
      ]);
      const after = await ticket(opened.number);
      assert.equal(after.status, 'in_progress');
      assert.equal(after.sla.pause, undefined, 'the clock runs again');
      const event = after.events.at(-1);
      assert.equal(event?.type, 'citizen_message');
      assert.equal(event.visibility, 'public');
      assert.deepEqual(event.actor, { kind: 'citizen', id: contactOf(phone) });
      assert.deepEqual(event.data, { text: '3号楼2单元', messageKey: `sms:${sent.sid}` });
      assert.equal((await ticketsOf(phone)).length, 1);
    });

    it('from a number without an open ticket, or whose ticket is older than 7 days: a new consultation', async () => {
      const fresh = '+8613700600002';
      const answer = await text(fresh, '请问社保卡在哪里办');
      assert.deepEqual(answer.messages, []);
      const consultation = await onlyTicketOf(fresh);
      assert.equal(consultation.kind, 'consultation');
      assert.equal(consultation.body, '请问社保卡在哪里办');

      const stale = '+8613700600003';
      await text(stale, 'TS 广告牌松动');
      const old = await onlyTicketOf(stale);
      const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000);
      await hub.app.store.tickets.model.updateOne({ _id: old.number }, { $set: { updatedAt: eightDaysAgo } });
      assert.deepEqual((await text(stale, '广告牌还没修')).messages, []);
      const tickets = await ticketsOf(stale);
      assert.equal(tickets.length, 2);
      assert.equal(tickets.find((t) => t.number !== old.number)?.kind, 'consultation');
      assert.equal((await ticket(old.number)).events.length, old.events.length);
    });

    it('a closed ticket is not continued', async () => {
      const phone = '+8613700600004';
      await text(phone, 'TS 共享单车乱停');
      const opened = await onlyTicketOf(phone);
      assert.equal((await command(hub, opened.number, 'cancel', { reason: '市民撤回' })).statusCode, 200);
      assert.deepEqual((await text(phone, '又有单车乱停了')).messages, []);
      assert.equal((await ticketsOf(phone)).length, 2);
    });
  });

  describe('BZ / 帮助 / HELP / ?', () => {
    it('answers the usage text in one SMS of at most SMS_MAX_PARTS', async () => {
      const help =
        `${SIGNATURE}短信服务：CX+工单号或办件号 查进度；BT 查补贴；TS/ZX/JY/QZ+内容 投诉/咨询/建议/求助；` +
        'PJ+1/2/3 评价（满意/基本满意/不满意）；TD 退订。';
      for (const body of ['BZ', 'bz', '帮助', 'HELP', 'help', '?', '？', fullWidth('BZ')]) {
        assert.equal(await ask('+8613700700001', body), help, body);
      }
      assert.equal((await ticketsOf('+8613700700001')).length, 0);
    });
  });
});
