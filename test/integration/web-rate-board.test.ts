import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ratingToken } from '../../src/notify/recipient.js';
import { codeHolder } from '../../src/tickets/access.js';
import type { Ticket } from '../../src/tickets/types.js';
import { command, issueToken, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { elementText, unescapeHtml, WebVisitor } from '../helpers/web-form.js';

/**
 * Rating through the signed link (`/rate/N?t=…`), the staff `publish` / `unpublish` commands and the
 * public results board (`/board`), against a real hub: the link built with the function the
 * notifications use, the ticket answered through the staff API.
 */
describe('web: rate and board', () => {
  let hub: TestHub;
  let visitors = 0;
  const visitor = () => new WebVisitor(hub, `192.0.2.${String(++visitors)}`);

  before(async () => {
    hub = await startHub({ QUIET_HOURS: '' });
  });
  after(async () => {
    await hub.close();
  });

  const stored = async (number: string): Promise<Ticket> => {
    const ticket = await hub.app.store.tickets.findByNumber(number);
    assert.ok(ticket, number);
    return ticket;
  };
  const rateLink = async (number: string) =>
    `/rate/${number}?t=${ratingToken(hub.config.secret, await stored(number))}`;
  const ok = async (response: Promise<{ statusCode: number; body: string }>) => {
    const r = await response;
    assert.equal(r.statusCode, 200, r.body);
  };

  /** A ticket dispatched to 城管局, signed and answered: ready to be rated. */
  async function answered(body: Record<string, unknown> = {}, answer = '路灯已于今日修复，恢复照明。') {
    const ticket = await openTicket(hub, {
      kind: 'complaint',
      category: '城市管理',
      body: '中山路口的路灯不亮',
      location: { districtCode: '130102', townshipCode: '130102001' },
      ...body,
    });
    await ok(command(hub, ticket.number, 'dispatch', { department: 'CGJ' }));
    await ok(command(hub, ticket.number, 'sign'));
    await ok(command(hub, ticket.number, 'reply', { text: answer }));
    return ticket.number;
  }

  async function resolved(body: Record<string, unknown> = {}) {
    const number = await answered(body);
    await ok(command(hub, number, 'resolve'));
    return number;
  }

  describe('rate', () => {
    it('shows the answer and the three choices to the signed link', async () => {
      const number = await answered();
      const page = await visitor().get(await rateLink(number));
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /<title>评价办理结果 · 12345 政务服务便民热线<\/title>/);
      assert.equal(elementText(page.body, 'answer'), '路灯已于今日修复，恢复照明。');
      assert.match(page.body, /<dd>市城市管理综合行政执法局<\/dd>/);
      for (const [value, label] of [
        ['satisfied', '满意'],
        ['basically_satisfied', '基本满意'],
        ['dissatisfied', '不满意'],
      ]) {
        assert.match(
          page.body,
          new RegExp(`<input\\s+type='radio'\\s+id='value-${value}'\\s+name='value'\\s+value='${value}'`),
        );
        assert.match(page.body, new RegExp(`<label class='inline' for='value-${value}'>${label}</label>`));
      }
      assert.match(page.body, /<label for='comment'>/);
    });

    it('a wrong, missing or borrowed token, or an unknown number, is one 403 page', async () => {
      const number = await answered();
      const other = await answered();
      const token = ratingToken(hub.config.secret, await stored(number));
      const v = visitor();
      for (const url of [
        `/rate/${number}`,
        `/rate/${number}?t=AAAAAAAAAAAAAAAA`,
        `/rate/${other}?t=${token}`,
        `/rate/${number.slice(0, -1)}${String((Number(number.at(-1)) + 1) % 10)}?t=${token}`,
        `/rate/12345?t=${token}`,
      ]) {
        const page = await v.get(url);
        assert.equal(page.statusCode, 403, url);
        assert.match(page.body, /这个评价链接无效或不完整/);
        assert.doesNotMatch(page.body, /路灯已于今日修复/);
      }
      // Posting through a bad link changes nothing either.
      await v.get(await rateLink(number));
      const posted = await v.post(`/rate/${number}?t=AAAAAAAAAAAAAAAA`, { value: 'satisfied' });
      assert.equal(posted.statusCode, 403);
      assert.equal((await stored(number)).status, 'replied');
    });

    it('asks again when no choice was made or the comment is too long', async () => {
      const number = await answered();
      const v = visitor();
      const link = await rateLink(number);
      await v.get(link);
      const none = await v.post(link, { comment: '还行' });
      assert.equal(none.statusCode, 400);
      assert.equal(elementText(none.body, 'value-error'), '请选择满意、基本满意或不满意。');
      assert.match(none.body, /id='value-satisfied'[^>]*aria-invalid='true'/);
      assert.match(none.body, />还行<\/textarea>/);
      const long = await v.post(link, { value: 'satisfied', comment: '好'.repeat(501) });
      assert.equal(long.statusCode, 400);
      assert.equal(elementText(long.body, 'comment-error'), '意见请不要超过 500 个字（现在 501 字）。');
      assert.match(long.body, /id='value-satisfied'[^>]*checked/);
      const ticket = await stored(number);
      assert.equal(ticket.status, 'replied');
      assert.equal(ticket.rating, undefined);
    });

    it('rates as the citizen: closed, rating kept, the page thanks and says so; a second send changes nothing', async () => {
      const number = await answered();
      const v = visitor();
      const link = await rateLink(number);
      await v.get(link);
      const posted = await v.post(link, { value: 'satisfied', comment: '处理很及时' });
      assert.equal(posted.statusCode, 303);
      assert.equal(posted.headers.location, `${link}&done=1`);
      const page = await v.get(posted.headers.location);
      assert.match(page.body, /感谢您的评价！/);
      assert.equal(elementText(page.body, 'rating'), '您的评价：满意');
      assert.doesNotMatch(page.body, /<form method='post'/);
      const ticket = await stored(number);
      assert.equal(ticket.status, 'closed');
      assert.equal(ticket.rating?.value, 'satisfied');
      assert.equal(ticket.rating.comment, '处理很及时');
      const rated = ticket.events.at(-1);
      assert.equal(rated?.type, 'rated');
      assert.deepEqual(rated.actor, { kind: 'citizen', id: ticket.contactId });
      assert.equal(rated.channel, 'web');
      // The citizen saw the result on the page: no notice to them about their own rating.
      assert.equal(
        Object.values(ticket.outbox).filter((e) => e.eventId === rated.id && e.audience === 'citizen').length,
        0,
      );
      await v.get(link);
      const again = await v.post(link, { value: 'dissatisfied' });
      assert.equal(again.statusCode, 303);
      assert.equal((await stored(number)).version, ticket.version);
    });

    it('dissatisfied reopens the ticket, and the page says it will be handled again', async () => {
      const number = await answered();
      const v = visitor();
      const link = await rateLink(number);
      await v.get(link);
      const posted = await v.post(link, { value: 'dissatisfied', comment: '灯还是不亮' });
      const page = await v.get(String(posted.headers.location));
      assert.equal(elementText(page.body, 'rating'), '您的评价：不满意');
      assert.match(page.body, /我们已安排重新办理/);
      assert.equal((await stored(number)).status, 'reopened');
    });

    it('not answered yet: says so and takes no rating', async () => {
      const ticket = await openTicket(hub, { kind: 'consultation', body: '请问社保卡怎么补办？' });
      const v = visitor();
      const link = await rateLink(ticket.number);
      const page = await v.get(link);
      assert.equal(elementText(page.body, 'rate-state'), '这个工单还没有答复，答复后即可评价。');
      assert.doesNotMatch(page.body, /name='value'/);
      await v.get('/track'); // a page with a form, for the CSRF token
      const posted = await v.post(link, { value: 'satisfied' });
      assert.equal(posted.statusCode, 303);
      assert.equal((await stored(ticket.number)).status, 'received');
      assert.equal((await stored(ticket.number)).rating, undefined);
    });

    it('a request sent without phone or email is rated by whoever holds its link', async () => {
      const number = await answered({ contact: undefined });
      assert.equal((await stored(number)).contactId, undefined);
      const v = visitor();
      const link = await rateLink(number);
      await v.get(link);
      assert.equal((await v.post(link, { value: 'basically_satisfied' })).statusCode, 303);
      const ticket = await stored(number);
      assert.equal(ticket.rating?.value, 'basically_satisfied');
      assert.deepEqual(ticket.events.at(-1)?.actor, { kind: 'citizen', id: codeHolder(number) });
    });

    it('speaks English', async () => {
      const number = await answered();
      const page = await visitor().get(`${await rateLink(number)}&lang=en`);
      assert.match(page.body, /<html lang='en'>/);
      assert.match(page.body, /<h1>Rate the answer<\/h1>/);
      assert.match(
        page.body,
        /<label class='inline' for='value-basically_satisfied'>Mostly satisfied<\/label>/,
      );
      assert.match(page.body, /<dd>Urban Management Bureau<\/dd>/);
      // The switch back keeps the token.
      assert.match(page.body, /href='\/rate\/\d+\?t&#x3D;[A-Za-z0-9_-]{16}&amp;lang=zh-CN'/);
    });
  });

  describe('publish and the board', () => {
    const SUMMARY =
      '市民反映中山路口路灯不亮（联系电话 138 0013 8000，身份证 130102199001011234，邮箱 zhang.san@example.com）。城管局已于当日修复。';
    const PUBLISHED = '市民反映中山路口路灯不亮（联系电话 ***，身份证 ***，邮箱 ***）。城管局已于当日修复。';

    const publish = (number: string, summary = SUMMARY, token?: string) =>
      command(hub, number, 'publish', { summary }, token);
    const board = async (page = 1) => {
      const response = await visitor().get(`/board?page=${String(page)}`);
      assert.equal(response.statusCode, 200);
      return response.body;
    };

    it('refuses without the citizen consent, and before the ticket is resolved', async () => {
      const withoutConsent = await resolved();
      const refused = await publish(withoutConsent);
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.json<{ code: string }>().code, 'HUB_ERR_DISCLOSURE_NOT_AGREED');
      const notYet = await answered({ publicConsent: true });
      const early = await publish(notYet);
      assert.equal(early.statusCode, 409);
      assert.equal(early.json<{ code: string }>().code, 'HUB_ERR_COMMAND_NOT_ALLOWED');
      for (const number of [withoutConsent, notYet]) {
        assert.equal((await stored(number)).disclosure.public, false);
        assert.equal(await hub.app.store.disclosures.model.countDocuments({ _id: number }), 0);
      }
    });

    it('supervisors and the lead department publish; operators and other departments cannot', async () => {
      const number = await resolved({ publicConsent: true });
      const operator = await issueToken(hub, 'operator');
      const otherDepartment = await issueToken(hub, 'department', 'ZJJ');
      const lead = await issueToken(hub, 'department', 'CGJ');
      const supervisor = await issueToken(hub, 'supervisor');
      const byOperator = await publish(number, SUMMARY, operator);
      assert.equal(byOperator.statusCode, 403);
      assert.equal(byOperator.json<{ code: string }>().code, 'HUB_ERR_FORBIDDEN');
      assert.equal((await publish(number, SUMMARY, otherDepartment)).statusCode, 404);
      assert.equal((await publish(number, SUMMARY, lead)).statusCode, 200);
      assert.equal((await publish(number, '城管局已修复路灯。', supervisor)).statusCode, 200);
      assert.equal((await stored(number)).disclosure.summary, '城管局已修复路灯。');
    });

    it('puts the result on the board with personal data taken out of the summary', async () => {
      const number = await resolved({ publicConsent: true, contact: { phone: '13900139000', name: '王五' } });
      const response = await publish(number);
      assert.equal(response.statusCode, 200);
      const view = response.json<{ disclosure: Record<string, unknown> }>().disclosure;
      assert.equal(view.public, true);
      assert.equal(view.consent, true);
      assert.equal(view.summary, PUBLISHED);
      const ticket = await stored(number);
      const publishedAt = ticket.disclosure.publishedAt;
      assert.ok(publishedAt);
      const resolvedAt = ticket.events.find((e) => e.type === 'resolved')?.at;
      const row = await hub.app.store.disclosures.model.findById(number).lean();
      assert.deepEqual(row, {
        _id: number,
        kind: 'complaint',
        category: '城市管理',
        districtCode: '130102',
        summary: PUBLISHED,
        resolvedAt,
        publishedAt,
      });
      assert.equal(ticket.events.at(-1)?.data?.summary, PUBLISHED);

      const html = await board();
      const entry = new RegExp(
        `<li class='result'>\\s*<p class='meta'>\\s*<span>工单号 ${number}</span>[\\s\\S]*?</li>`,
      ).exec(html)?.[0];
      assert.ok(entry, 'the row is on the board');
      assert.match(entry, /<span>投诉<\/span>/);
      assert.match(entry, /<span>城市管理（路灯、占道、垃圾）<\/span>/);
      assert.match(entry, /<span>长安区<\/span>/);
      assert.match(entry, new RegExp(`<p class='summary'>${PUBLISHED.replace(/[()*（）]/g, '\\$&')}</p>`));
      assert.match(entry, /<span>办结：\d{4}-\d{2}-\d{2}<\/span>/);
      for (const secret of ['13900139000', '139****9000', '王五', '中山路口的路灯不亮', '13800138000'])
        assert.ok(!html.includes(secret), secret);
    });

    it('unpublish, and reopening a published ticket, take it off the board', async () => {
      const number = await resolved({ publicConsent: true });
      await ok(publish(number));
      assert.match(await board(), new RegExp(`工单号 ${number}`));
      await ok(command(hub, number, 'unpublish', {}));
      assert.doesNotMatch(await board(), new RegExp(`工单号 ${number}`));
      assert.equal(await hub.app.store.disclosures.model.countDocuments({ _id: number }), 0);
      assert.equal((await stored(number)).disclosure.public, false);
      assert.equal((await stored(number)).disclosure.consent, true);

      await ok(publish(number));
      await ok(command(hub, number, 'reopen', { reason: '市民反映路灯又坏了' }));
      assert.equal(await hub.app.store.disclosures.model.countDocuments({ _id: number }), 0);
      assert.equal((await stored(number)).disclosure.public, false);
    });

    it('pages through the board newest first', async () => {
      const base = Date.parse('2026-01-01T00:00:00Z');
      for (let i = 0; i < 23; i++) {
        await hub.app.store.disclosures.put({
          number: `9901010${String(i).padStart(3, '0')}0`,
          kind: 'suggestion',
          summary: `第 ${String(i)} 条建议已采纳`,
          publishedAt: new Date(base + i * 60_000),
        });
      }
      // Every row on the board, newest publication first, the number breaking ties.
      const all = (await hub.app.store.disclosures.model.find({}).lean())
        .sort((a, b) => b.publishedAt.getTime() - a.publishedAt.getTime() || (a._id < b._id ? 1 : -1))
        .map((d) => d._id);
      const numbersOn = (html: string) => [...html.matchAll(/<span>工单号 (\d+)<\/span>/g)].map((m) => m[1]);
      const nextLink = (html: string) => /<a href='([^']*)' rel='next'>下一页<\/a>/.exec(html)?.[1];
      const first = await board(1);
      assert.deepEqual(numbersOn(first), all.slice(0, 10));
      assert.match(first, /第 1 页/);
      assert.doesNotMatch(first, /rel='first'/);
      // Without JavaScript: each page's "next page" link carries the cursor of its last row.
      const seen = numbersOn(first);
      let html = first;
      let pageNumber = 1;
      for (let link = nextLink(html); link; link = nextLink(html)) {
        assert.match(unescapeHtml(link), /^\/board\?cursor=[A-Za-z0-9_-]+&page=\d+$/);
        const response = await visitor().get(unescapeHtml(link));
        assert.equal(response.statusCode, 200);
        html = response.body;
        pageNumber += 1;
        assert.match(html, new RegExp(`第 ${String(pageNumber)} 页`));
        assert.match(html, /<a href='\/board' rel='first'>最新公示<\/a>/);
        seen.push(...numbersOn(html));
      }
      assert.deepEqual(seen, all);
      assert.equal(pageNumber, Math.ceil(all.length / 10));
      // A cursor that is not the board's: the generic bad-request page, nothing shown.
      const foreign = await visitor().get('/board?cursor=WyJpbXBvcnRzIiwiYWJjIiwxLCJ4Il0');
      assert.equal(foreign.statusCode, 400);
      assert.match(foreign.body, /提交的内容无法识别/);
      const bad = await visitor().get('/board?page=abc');
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /提交的内容无法识别/);
      const english = unescapeHtml((await visitor().get('/board?lang=en')).body);
      assert.match(english, /<h1>Published results<\/h1>/);
      assert.match(english, /<span>Suggestion<\/span>/);
    });
  });
});
