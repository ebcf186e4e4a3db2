import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ratingToken } from '../../src/notify/recipient.js';
import { command, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { elementText, hiddenValue, WebVisitor } from '../helpers/web-form.js';

const RATE_PER_MINUTE = 40;
const SCRIPT = `<script>alert("x")</script><img src=x onerror=alert(1)>`;

/**
 * The ticket pages' defences: the CSRF token on every form, the security headers, what a citizen or
 * staff typed shown as text (never markup), and the per-address request limit answered as a page.
 */
describe('web: security of the ticket pages', () => {
  let hub: TestHub;
  let visitors = 0;
  const visitor = () => new WebVisitor(hub, `203.0.113.${String(100 + ++visitors)}`);

  before(async () => {
    hub = await startHub({ WEB_RATE_PER_MINUTE: String(RATE_PER_MINUTE), QUIET_HOURS: '' });
  });
  after(async () => {
    await hub.close();
  });

  /** A ticket answered by 城管局 whose citizen agreed to publication. */
  async function answered(body = '路灯不亮') {
    const ticket = await openTicket(hub, { kind: 'complaint', body, publicConsent: true });
    for (const [name, payload] of [
      ['dispatch', { department: 'CGJ' }],
      ['sign', {}],
      ['reply', { text: '已修复' }],
    ] as const)
      assert.equal((await command(hub, ticket.number, name, payload)).statusCode, 200);
    const stored = await hub.app.store.tickets.findByNumber(ticket.number);
    assert.ok(stored);
    return stored;
  }

  it('every form refuses a post without its CSRF token, or without the cookie, and changes nothing', async () => {
    const ticket = await answered();
    const rate = `/rate/${ticket.number}?t=${ratingToken(hub.config.secret, ticket)}`;
    const count = await hub.app.store.tickets.count();
    const forms: [string, string, Record<string, string>][] = [
      ['/submit', '/submit', { kind: 'complaint', text: '没有令牌的提交内容' }],
      ['/track', '/track', { number: ticket.number, code: ticket.queryCode }],
      [rate, rate, { value: 'satisfied' }],
    ];
    for (const [page, action, fields] of forms) {
      const noToken = visitor();
      await noToken.get(page);
      const refused = await noToken.post(action, fields, { csrf: null });
      assert.equal(refused.statusCode, 403, action);
      assert.match(refused.body, /页面已过期或来源不明，请返回上一页刷新后重新提交。/);
      assert.match(String(refused.headers['content-type']), /^text\/html/);

      const noCookie = visitor();
      await noCookie.get(page);
      const token = noCookie.csrf();
      noCookie.forget('_csrf_secret');
      assert.equal((await noCookie.post(action, fields, { csrf: token })).statusCode, 403, action);

      const forged = visitor();
      await forged.get(page);
      assert.equal((await forged.post(action, fields, { csrf: 'forged-token' })).statusCode, 403, action);
    }
    assert.equal(await hub.app.store.tickets.count(), count);
    const after = await hub.app.store.tickets.findByNumber(ticket.number);
    assert.equal(after?.status, 'replied');
  });

  it('every ticket page carries the security headers and is not cached', async () => {
    const ticket = await answered();
    for (const url of [
      '/submit',
      '/track',
      '/board',
      `/rate/${ticket.number}?t=${ratingToken(hub.config.secret, ticket)}`,
    ]) {
      const page = await visitor().get(url);
      assert.equal(page.statusCode, 200, url);
      assert.equal(
        page.headers['content-security-policy'],
        "default-src 'none';style-src 'self';img-src 'self' data:;form-action 'self';frame-ancestors 'none';base-uri 'none'",
      );
      assert.equal(page.headers['x-content-type-options'], 'nosniff');
      assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
      assert.equal(page.headers['referrer-policy'], 'same-origin');
      assert.equal(page.headers['cache-control'], 'no-store');
      assert.doesNotMatch(page.body, /<script/i);
    }
  });

  it('markup typed by a citizen or by staff is shown as text on the track and board pages', async () => {
    const v = visitor();
    const form = await v.get('/submit');
    const sent = await v.post('/submit', {
      formToken: hiddenValue(form.body, 'formToken') ?? '',
      kind: 'complaint',
      text: `路灯不亮${SCRIPT}`,
      address: SCRIPT,
      consent: 'on',
    });
    assert.equal(sent.statusCode, 303);
    const done = await v.get(String(sent.headers.location));
    const number = elementText(done.body, 'ticket-number') ?? '';
    const queryCode = elementText(done.body, 'query-code') ?? '';
    for (const [name, payload] of [
      ['dispatch', { department: 'CGJ' }],
      ['sign', {}],
      ['reply', { text: `答复${SCRIPT}` }],
      ['resolve', {}],
      ['publish', { summary: `公示摘要${SCRIPT}` }],
    ] as const)
      assert.equal((await command(hub, number, name, payload)).statusCode, 200, name);

    await v.get('/track');
    const status = await v.post('/track', { number, code: queryCode });
    assert.equal(status.statusCode, 200);
    const board = await v.get('/board');
    for (const html of [status.body, board.body]) {
      assert.doesNotMatch(html, /<script|<img/i);
      assert.match(
        html,
        /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;&lt;img src&#x3D;x onerror&#x3D;alert\(1\)&gt;/,
      );
    }
    assert.match(status.body, /<p class='quote' id='request'>路灯不亮&lt;script&gt;/);
    assert.match(status.body, /<p class='quote' id='answer'>答复&lt;script&gt;/);
    assert.match(board.body, /<p class='summary'>公示摘要&lt;script&gt;/);
  });

  it('too many requests from one address: a 429 page, other addresses unaffected', async () => {
    const busy = visitor();
    for (let i = 0; i < RATE_PER_MINUTE; i++)
      assert.equal((await busy.get('/board')).statusCode, 200, String(i));
    const limited = await busy.get('/board');
    assert.equal(limited.statusCode, 429);
    assert.match(limited.body, /操作太频繁，请 1 分钟后再试。/);
    assert.match(String(limited.headers['content-type']), /^text\/html/);
    assert.ok(Number(limited.headers['retry-after']) >= 1);
    const english = await busy.get('/submit?lang=en');
    assert.equal(english.statusCode, 429);
    assert.match(english.body, /Too many attempts\. Please try again in 1 minute\(s\)\./);
    assert.equal((await visitor().get('/board')).statusCode, 200);
  });
});
