import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ratingToken } from '../../src/notify/recipient.js';
import { DEMO_RULES } from '../../src/seed-data.js';
import { checkDigit } from '../../src/tickets/ticket-number.js';
import type { Ticket } from '../../src/tickets/types.js';
import { command, startHub, type TestHub } from '../helpers/hub.js';
import { elementText, hiddenValue, inputTag, unescapeHtml, WebVisitor } from '../helpers/web-form.js';

const LOOKUPS_PER_HOUR = 5;

/** A valid form: a complaint about a street light (the demo rules route it to 城管局, CGJ). */
const REQUEST = {
  kind: 'complaint',
  category: '城市管理',
  text: '建北街道中山路口的路灯一直不亮，晚上很危险。',
  place: '130102001',
  address: '中山路与建设大街交叉口',
  name: '张三',
  phone: '138 0013 8000',
  email: 'Zhang.San@Example.com',
};

/** A number with its last (check) digit changed: well-formed, wrong check digit. */
const wrongCheckDigit = (number: string) => number.slice(0, -1) + String((Number(number.at(-1)) + 1) % 10);

/** The tag of a select or textarea by id (for aria-invalid and the value kept). */
const tagOf = (html: string, element: 'select' | 'textarea', id: string) =>
  new RegExp(`<${element}[^>]*id='${id}'[^>]*>`).exec(html)?.[0];

/**
 * The citizen's submit and track pages (`/submit`, `/track`) through `app.inject` against a real hub:
 * forms posted with their CSRF token and cookie as a browser without JavaScript posts them.
 */
describe('web: submit and track', () => {
  let hub: TestHub;
  let visitors = 0;
  /** Each test its own address: the per-IP budgets do not leak between tests. */
  const visitor = () => new WebVisitor(hub, `198.51.100.${String(++visitors)}`);

  before(async () => {
    hub = await startHub({ WEB_LOOKUPS_PER_HOUR: String(LOOKUPS_PER_HOUR), QUIET_HOURS: '' });
    // The demo routing rules, as `npm run seed` loads them: 路灯 → 城管局 (CGJ).
    for (const rule of DEMO_RULES)
      await hub.app.store.rules.create({ ...rule, updatedAt: new Date(), updatedBy: 'test' });
    await hub.app.routingService.changed();
  });
  after(async () => {
    await hub.close();
  });

  const ticketCount = () => hub.app.store.tickets.count();
  const stored = async (number: string): Promise<Ticket> => {
    const ticket = await hub.app.store.tickets.findByNumber(number);
    assert.ok(ticket, number);
    return ticket;
  };

  /** Fills and sends the submit form; returns the POST's answer and the form token it carried. */
  async function submit(v: WebVisitor, fields: Record<string, string>) {
    const form = await v.get('/submit');
    assert.equal(form.statusCode, 200);
    const formToken = hiddenValue(form.body, 'formToken');
    assert.ok(formToken);
    const response = await v.post('/submit', { formToken, ...fields });
    return { response, formToken };
  }

  /** Follows the 303 to the confirmation page; returns the number and query code it shows. */
  async function confirmation(v: WebVisitor, response: LightMyRequestResponse) {
    assert.equal(response.statusCode, 303);
    const location = String(response.headers.location);
    const page = await v.get(location);
    assert.equal(page.statusCode, 200);
    const number = elementText(page.body, 'ticket-number');
    const queryCode = elementText(page.body, 'query-code');
    assert.ok(number && queryCode);
    return { location, page, number, queryCode };
  }

  async function submitted(fields: Record<string, string> = REQUEST) {
    const v = visitor();
    const { response, formToken } = await submit(v, fields);
    return { v, formToken, ...(await confirmation(v, response)) };
  }

  describe('submit', () => {
    it('shows the form in Chinese by default, every field labelled, with CSRF and form tokens', async () => {
      const page = await visitor().get('/submit');
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<html lang='zh-CN'>/);
      assert.match(page.body, /<title>我要反映 · 12345 政务服务便民热线<\/title>/);
      for (const id of [
        'kind',
        'category',
        'text',
        'place',
        'address',
        'name',
        'phone',
        'email',
        'anonymous',
        'consent',
      ])
        assert.match(page.body, new RegExp(`<label[^>]*for='${id}'`), `label for ${id}`);
      assert.ok(hiddenValue(page.body, '_csrf'));
      assert.match(hiddenValue(page.body, 'formToken') ?? '', /^[A-Za-z0-9_-]{22}$/);
      for (const word of ['投诉', '咨询', '求助', '建议', '举报', '表扬', '同意公开', '匿名'])
        assert.ok(page.body.includes(word), word);
      // Districts and townships as the Location keeps them.
      assert.match(page.body, /<optgroup label='长安区'>/);
      assert.match(page.body, /<option value='130102001'\s*>长安区 建北街道<\/option>/);
    });

    it('marks every wrong field, keeps what was typed, and stores nothing', async () => {
      const before = await ticketCount();
      const v = visitor();
      const { response } = await submit(v, {
        kind: 'gossip',
        text: '灯坏',
        phone: '12345',
        email: 'not-an-email',
        place: '999999',
        name: '李四',
      });
      assert.equal(response.statusCode, 400);
      const html = response.body;
      assert.match(html, /有 5 处需要修改/);
      assert.match(tagOf(html, 'select', 'kind') ?? '', /aria-invalid='true'/);
      assert.match(tagOf(html, 'select', 'kind') ?? '', /aria-describedby='kind-error'/);
      assert.match(tagOf(html, 'textarea', 'text') ?? '', /aria-describedby='text-hint text-error'/);
      assert.match(tagOf(html, 'textarea', 'text') ?? '', /aria-invalid='true'/);
      assert.match(inputTag(html, 'phone') ?? '', /aria-invalid='true'/);
      assert.match(inputTag(html, 'email') ?? '', /aria-invalid='true'/);
      assert.match(tagOf(html, 'select', 'place') ?? '', /aria-invalid='true'/);
      assert.match(inputTag(html, 'name') ?? '', /aria-invalid='false'/);
      assert.match(inputTag(html, 'name') ?? '', /aria-describedby=''/);
      assert.equal(elementText(html, 'text-error'), '内容太短，请至少写 5 个字，说清楚是什么事。');
      assert.match(elementText(html, 'phone-error') ?? '', /^电话号码不正确/);
      assert.equal(elementText(html, 'email-error'), '电子邮箱格式不正确，应类似 name@example.com。');
      // Values kept.
      assert.match(html, />灯坏<\/textarea>/);
      assert.match(inputTag(html, 'phone') ?? '', /value='12345'/);
      assert.match(inputTag(html, 'name') ?? '', /value='李四'/);
      assert.equal(await ticketCount(), before);
    });

    it('says how long the text may be when it is too long, and that it is missing', async () => {
      const long = await submit(visitor(), { ...REQUEST, text: '很'.repeat(2001) });
      assert.equal(long.response.statusCode, 400);
      assert.equal(
        elementText(long.response.body, 'text-error'),
        '内容太长（2001 字），请不要超过 2000 个字。',
      );
      const empty = await submit(visitor(), { ...REQUEST, text: '   ' });
      assert.equal(elementText(empty.response.body, 'text-error'), '请填写诉求内容。');
    });

    it('opens one web ticket with what the form said and shows its number and query code', async () => {
      const { number, queryCode, location, page, formToken } = await submitted();
      assert.match(location, new RegExp(`^/submit/done/${number}\\?c=[0-9a-z]+\\.[A-Za-z0-9_-]{22}$`));
      assert.match(page.body, /您的诉求已受理/);
      assert.match(page.body, new RegExp(`href='/track\\?n=${number}'`));
      const ticket = await stored(number);
      assert.equal(ticket.queryCode, queryCode);
      assert.equal(ticket.channel, 'web');
      assert.equal(ticket.kind, 'complaint');
      assert.equal(ticket.category, '城市管理');
      assert.equal(ticket.body, REQUEST.text);
      assert.deepEqual(ticket.location, {
        districtCode: '130102',
        townshipCode: '130102001',
        text: '中山路与建设大街交叉口',
      });
      assert.equal(ticket.anonymous, false);
      assert.equal(ticket.disclosure.consent, false);
      assert.equal(ticket.source.idempotencyKey, formToken);
      assert.equal(ticket.leadDepartment, 'CGJ');
      const contact = await hub.app.store.contacts.findById(ticket.contactId ?? '');
      assert.deepEqual(
        contact?.phones.map((p) => p.number),
        ['+8613800138000'],
      );
      assert.equal(contact.name, '张三');
      assert.equal(ticket.events[0]?.actor.id, ticket.contactId);
    });

    it('a second send of the same form (double click, Back) gives the same ticket', async () => {
      const v = visitor();
      const form = await v.get('/submit');
      const formToken = hiddenValue(form.body, 'formToken') ?? '';
      const first = await confirmation(v, await v.post('/submit', { formToken, ...REQUEST }));
      const count = await ticketCount();
      const again = await v.post('/submit', { formToken, ...REQUEST });
      const second = await confirmation(v, again);
      assert.equal(second.number, first.number);
      assert.equal(second.queryCode, first.queryCode);
      assert.doesNotMatch(second.page.body, /之前已经提交过/);
      // Changed after Back: the same ticket, and the page says the change was not saved.
      const edited = await confirmation(
        v,
        await v.post('/submit', { formToken, ...REQUEST, text: '补充：路灯杆也歪了。' }),
      );
      assert.equal(edited.number, first.number);
      assert.match(edited.page.body, /这份表单之前已经提交过/);
      assert.equal(await ticketCount(), count);
    });

    it('anonymous and consent are kept on the ticket; no contact details at all is fine', async () => {
      const { number } = await submitted({
        kind: 'suggestion',
        text: '建议在裕华区增加公共自行车停放点。',
        anonymous: 'on',
        consent: 'on',
      });
      const ticket = await stored(number);
      assert.equal(ticket.anonymous, true);
      assert.equal(ticket.disclosure.consent, true);
      assert.equal(ticket.contactId, undefined);
      assert.equal(ticket.events[0]?.actor.id, 'web');
    });

    it('the confirmation page needs its signed link, and a refresh sends nothing', async () => {
      const { number, location, v } = await submitted();
      const count = await ticketCount();
      assert.equal((await v.get(location)).statusCode, 200);
      assert.equal(await ticketCount(), count);
      const forged = await v.get(location.replace(/c=[^&]+/, 'c=lx0000.AAAAAAAAAAAAAAAAAAAAAA'));
      assert.equal(forged.statusCode, 403);
      assert.match(forged.body, /这个确认页面已过期/);
      assert.equal((await v.get(`/submit/done/${number}`)).statusCode, 403);
      // The same signature on another number does not open it.
      const other = await submitted();
      const token = new URL(location, 'http://x').searchParams.get('c') ?? '';
      assert.equal((await v.get(`/submit/done/${other.number}?c=${token}`)).statusCode, 403);
    });

    it('speaks English when asked, problems included', async () => {
      const v = visitor();
      const page = await v.get('/submit?lang=en');
      assert.match(page.body, /<html lang='en'>/);
      assert.match(page.body, /<title>Submit a request · 12345 Government Service Hotline<\/title>/);
      assert.match(page.body, /<label for='kind'>Type of request \*<\/label>/);
      const response = await v.post('/submit', {
        formToken: hiddenValue(page.body, 'formToken') ?? '',
        kind: 'complaint',
        text: 'x',
      });
      assert.equal(response.statusCode, 400);
      assert.equal(
        elementText(response.body, 'text-error'),
        'This is too short: please write at least 5 characters so we understand the matter.',
      );
      // The language is remembered (cookie) and the switch link keeps the page's query.
      const track = await v.get('/track?n=12345');
      assert.match(track.body, /<html lang='en'>/);
      assert.match(track.body, /href='\/track\?n&#x3D;12345&amp;lang=zh-CN'/);
    });
  });

  describe('track', () => {
    const track = (v: WebVisitor, fields: Record<string, string>) =>
      v.get('/track').then(() => v.post('/track', fields));

    it('prefills the number from the notice link', async () => {
      const page = await visitor().get('/track?n=26112100425');
      assert.equal(page.statusCode, 200);
      assert.match(inputTag(page.body, 'number') ?? '', /value='26112100425'/);
      assert.doesNotMatch(page.body, /field-error/);
    });

    it('shows the status by number and query code: public steps only, answer, masked phone', async () => {
      const { number, queryCode } = await submitted();
      await command(hub, number, 'note', { text: '内部备注：请勿告知市民' });
      await command(hub, number, 'sign');
      await command(hub, number, 'reply', { text: '已安排维修，路灯于今日恢复照明。' });
      const page = await track(visitor(), { number, code: queryCode });
      assert.equal(page.statusCode, 200);
      const html = unescapeHtml(page.body);
      assert.match(html, new RegExp(`<h1>工单 ${number}</h1>`));
      assert.equal(elementText(page.body, 'status'), '承办部门已答复');
      assert.equal(elementText(page.body, 'department'), '市城市管理综合行政执法局');
      assert.equal(elementText(page.body, 'contact'), '138****8000');
      assert.equal(elementText(page.body, 'answer'), '已安排维修，路灯于今日恢复照明。');
      assert.ok(!html.includes('13800138000') && !html.includes('8613800138000'));
      assert.ok(!html.includes('内部备注'), 'internal notes are not shown');
      assert.ok(!html.includes('test-admin') && !html.includes('api-token'), 'no staff identities');
      const timeline = /<ol class='timeline' id='timeline'>([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? '';
      const steps = [...timeline.matchAll(/<span class='when'>[^<]+<\/span>\s*([^<\n]+)/g)].map((m) =>
        m[1]?.trim(),
      );
      // Newest first; the routing rule's dispatch and the note are internal.
      assert.deepEqual(steps, ['承办部门已答复', '承办部门已签收', '已受理您的诉求']);
      const ticket = await stored(number);
      assert.match(html, new RegExp(`href='/rate/${number}\\?t=${ratingToken(hub.config.secret, ticket)}'`));
    });

    it('also by the last four digits of the phone; the wrong ones get the one generic answer', async () => {
      const { number, queryCode } = await submitted();
      const byTail = await track(visitor(), { number, tail: '8000' });
      assert.equal(byTail.statusCode, 200);
      assert.equal(elementText(byTail.body, 'status'), '已派往承办部门');
      const answers = [
        await track(visitor(), { number, tail: '8001' }),
        await track(visitor(), { number, code: queryCode === '000000' ? '000001' : '000000' }),
        // Well-formed, right check digit, no such ticket.
        await track(visitor(), { number: `9912319999${checkDigit('9912319999')}`, code: queryCode }),
      ];
      for (const answer of answers) {
        assert.equal(answer.statusCode, 404);
        assert.equal(
          /<p class='problem' role='alert'>([^<]*)<\/p>/.exec(answer.body)?.[1],
          '没有找到这个工单，或查询码 / 手机号后四位不对。请核对后再试。',
        );
        assert.doesNotMatch(answer.body, /id='status'/);
      }
    });

    it('marks a mistyped number on its field and does not look it up', async () => {
      const { number, queryCode } = await submitted();
      const v = visitor();
      for (let i = 0; i < LOOKUPS_PER_HOUR + 2; i++) {
        const page = await track(v, { number: wrongCheckDigit(number), code: queryCode });
        assert.equal(page.statusCode, 400);
        assert.match(inputTag(page.body, 'number') ?? '', /aria-invalid='true'/);
        assert.match(inputTag(page.body, 'number') ?? '', /aria-describedby='number-hint number-error'/);
        assert.equal(
          elementText(page.body, 'number-error'),
          '这个工单号不对，可能有一位数字输错或顺序颠倒了，请核对。',
        );
        assert.match(inputTag(page.body, 'code') ?? '', new RegExp(`value='${queryCode}'`));
      }
      const missing = await track(v, { number: '12ab', code: '' });
      assert.equal(elementText(missing.body, 'number-error'), '工单号只有数字，共 11 位左右，请核对。');
      assert.equal(elementText(missing.body, 'code-error'), '请填写查询码，或手机号后四位。');
      const shortCode = await track(v, { number, code: '123' });
      assert.equal(elementText(shortCode.body, 'code-error'), '查询码是 6 位数字。');
      // None of these counted: the address can still look up.
      assert.equal((await track(v, { number, code: queryCode })).statusCode, 200);
    });

    it('full-width digits from a phone keyboard are accepted', async () => {
      const { number, queryCode } = await submitted();
      const wide = (s: string) => s.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
      const page = await track(visitor(), { number: wide(number), code: wide(queryCode) });
      assert.equal(page.statusCode, 200);
    });

    it('over the hourly budget: a 429 page, an audit entry and nothing looked up', async () => {
      const { number, queryCode } = await submitted();
      const v = visitor();
      for (let i = 0; i < LOOKUPS_PER_HOUR; i++) {
        assert.equal(
          (await track(v, { number, code: '000000' })).statusCode,
          queryCode === '000000' ? 200 : 404,
        );
      }
      const refused = await track(v, { number, code: queryCode });
      assert.equal(refused.statusCode, 429);
      assert.match(refused.body, /操作太频繁，请 \d+ 分钟后再试。/);
      assert.ok(Number(refused.headers['retry-after']) > 3000);
      assert.doesNotMatch(refused.body, /id='status'/);
      const audit = await hub.app.store.audit.model
        .find({ action: 'web_lookup_refused', 'actor.id': `web:${v.ip}` }, { _id: 0 })
        .lean();
      assert.equal(audit.length, 1);
      assert.deepEqual(audit[0]?.fields, ['kind:track', 'by:ip', `identity:${number}`]);
      // The number's own budget is spent too: another address is refused for it as well.
      const other = visitor();
      const byIdentity = await track(other, { number, code: queryCode });
      assert.equal(byIdentity.statusCode, 429);
    });
  });
});
