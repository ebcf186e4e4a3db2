import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { ratingToken } from '../../src/notify/recipient.js';
import { DEMO_RULES } from '../../src/seed-data.js';
import { overflowsHorizontally, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { command, startHub, type TestHub } from '../helpers/hub.js';

/**
 * A citizen's request from start to finish in headless Chromium at 240×320 with JavaScript off (a
 * cheap phone's browser): submit through the form (one mistake marked first), the number and query
 * code, tracking, the department's answer through the staff API, rating through the signed link the
 * notices carry, the result on the public board; no page scrolls sideways. Screenshots (full page)
 * in test-artifacts/screenshots/web-*.png.
 */

let hub: TestHub;
let browser: TestBrowser;

async function fits(page: Page, name: string): Promise<void> {
  await browser.screenshot(page, name);
  assert.equal(await overflowsHorizontally(page), false, `${name} scrolls sideways at 240 px`);
}

async function staff(number: string, name: string, payload: Record<string, unknown> = {}): Promise<void> {
  const response = await command(hub, number, name, payload);
  assert.equal(response.statusCode, 200, `${name}: ${response.body}`);
}

before(async () => {
  hub = await startHub({ WEB_RATE_PER_MINUTE: '1000', QUIET_HOURS: '' });
  for (const rule of DEMO_RULES)
    await hub.app.store.rules.create({ ...rule, updatedAt: new Date(), updatedBy: 'test' });
  await hub.app.routingService.changed();
  browser = await startBrowser(hub);
});

after(async () => {
  await browser.close();
  await hub.close();
});

describe('ticket pages at 240 px without JavaScript', () => {
  it('submit, track, rate through the signed link, and the published result on the board', async () => {
    const page = await browser.newPage();
    await page.goto('/');
    await page.click('a[href="/submit"]');
    assert.equal(await page.textContent('h1'), '我要反映');
    await fits(page, 'web-submit-240');

    // One mistake first: too short, and a phone that cannot be called back.
    await page.selectOption('#kind', 'complaint');
    await page.selectOption('#category', '城市管理');
    await page.fill('#text', '路灯坏');
    await page.selectOption('#place', '130102001');
    await page.fill('#address', '中山路与建设大街交叉口');
    await page.fill('#name', '张三');
    await page.fill('#phone', '12345');
    await page.check('#consent');
    await page.click('button[type=submit]');
    assert.equal(await page.getAttribute('#text', 'aria-invalid'), 'true');
    assert.equal(await page.getAttribute('#phone', 'aria-invalid'), 'true');
    assert.equal(await page.textContent('#text-error'), '内容太短，请至少写 5 个字，说清楚是什么事。');
    assert.equal(await page.inputValue('#address'), '中山路与建设大街交叉口');
    assert.equal(await page.inputValue('#place'), '130102001');
    assert.equal(await page.isChecked('#consent'), true);
    await fits(page, 'web-submit-errors-240');

    await page.fill('#text', '中山路口的路灯一直不亮，晚上很危险，请尽快修理。');
    await page.fill('#phone', '138 0013 8000');
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('h1'), '提交成功');
    assert.match(page.url(), /\/submit\/done\/\d+\?c=/);
    const number = (await page.textContent('#ticket-number')) ?? '';
    const queryCode = (await page.textContent('#query-code')) ?? '';
    const ticket = await hub.app.store.tickets.findByNumber(number);
    assert.equal(ticket?.queryCode, queryCode);
    assert.equal(ticket.channel, 'web');
    assert.equal(ticket.leadDepartment, 'CGJ');
    await fits(page, 'web-submit-done-240');

    // A refresh of the confirmation sends nothing again.
    const count = await hub.app.store.tickets.count();
    await page.reload();
    assert.equal(await page.textContent('#ticket-number'), number);
    assert.equal(await hub.app.store.tickets.count(), count);

    await page.click(`a[href="/track?n=${number}"]`);
    assert.equal(await page.inputValue('#number'), number);
    await page.fill('#code', queryCode);
    await fits(page, 'web-track-240');
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('h1'), `工单 ${number}`);
    assert.equal(await page.textContent('#status'), '已派往承办部门');
    assert.equal(await page.textContent('#contact'), '138****8000');
    await fits(page, 'web-track-status-240');

    // The department answers (staff API); the notice's rating link, built as the notices build it.
    await staff(number, 'sign');
    await staff(number, 'reply', { text: '已安排维修人员更换灯具，路灯已于今晚恢复照明。感谢您的反映。' });
    const answered = await hub.app.store.tickets.findByNumber(number);
    assert.ok(answered);
    await page.goto(`/rate/${number}?t=${ratingToken(hub.config.secret, answered)}`);
    assert.equal(await page.textContent('h1'), '评价办理结果');
    assert.equal(
      await page.textContent('#answer'),
      '已安排维修人员更换灯具，路灯已于今晚恢复照明。感谢您的反映。',
    );
    await fits(page, 'web-rate-240');
    await page.check('#value-satisfied');
    await page.fill('#comment', '修得很快，谢谢！');
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('p.ok[role=status]'), '感谢您的评价！');
    assert.equal(await page.textContent('#rating'), '您的评价：满意');
    await fits(page, 'web-rate-done-240');
    assert.equal((await hub.app.store.tickets.findByNumber(number))?.status, 'closed');

    await staff(number, 'publish', { summary: '市民反映中山路口路灯不亮。城管局当日更换灯具，恢复照明。' });
    await page.goto('/');
    await page.click('a[href="/board"]');
    assert.equal(await page.textContent('h1'), '办理结果公示');
    assert.equal(
      await page.textContent('#board .summary'),
      '市民反映中山路口路灯不亮。城管局当日更换灯具，恢复照明。',
    );
    assert.match(
      (await page.textContent('#board .meta')) ?? '',
      new RegExp(`工单号 ${number}\\s+投诉\\s+城市管理`),
    );
    await fits(page, 'web-board-240');

    // The status page after all that, in English (the switch keeps nothing secret in the URL).
    await page.goto('/track?lang=en');
    assert.equal(await page.textContent('h1'), 'Track a request');
    await page.fill('#number', number);
    await page.fill('#tail', '8000');
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('#status'), 'Resolved');
    assert.equal(await page.textContent('#department'), 'Urban Management Bureau');
    assert.equal(await page.textContent('#rating'), 'Your rating: Satisfied');
    await fits(page, 'web-track-status-en-240');
  });
});
