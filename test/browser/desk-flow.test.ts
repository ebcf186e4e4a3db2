import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { DEMO_RULES } from '../../src/seed-data.js';
import { overflowsHorizontally, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { command, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { eventually } from '../helpers/notify.js';
import { makeStaffUser } from '../helpers/staff.js';

const PHONE = '13900139000';

describe('department desk in a browser (1366×768, JavaScript on)', () => {
  let hub: TestHub;
  let browser: TestBrowser;

  before(async () => {
    hub = await startHub({ QUIET_HOURS: '', NOTIFY_THROTTLE_MS: '0' });
    for (const rule of DEMO_RULES)
      await hub.app.store.rules.create({ ...rule, updatedAt: new Date(), updatedBy: 'test' });
    await hub.app.routingService.changed();
    await makeStaffUser(hub, 'wang', 'clerk', 'CGJ');
    browser = await startBrowser(hub);
  });
  after(async () => {
    await browser.close();
    await hub.close();
  });

  async function signIn(page: Page): Promise<void> {
    await page.goto('/staff/login');
    await page.fill('#username', 'wang');
    await page.fill('#password', 'wang-pass-0123');
    await Promise.all([page.waitForURL('**/staff/desk'), page.click('button[type=submit]')]);
  }

  async function fits(page: Page, name: string): Promise<void> {
    await browser.screenshot(page, name);
    assert.equal(await overflowsHorizontally(page), false, `${name} scrolls sideways`);
  }

  it('a clerk signs, replies and resolves a routed ticket while the citizen gets the SMS', async () => {
    const routed = await openTicket(hub, {
      body: '幸福路12号门口的路灯坏了一个星期，晚上很黑。<script>alert(1)</script>',
      contact: { name: '赵六', phone: PHONE },
    });
    assert.equal(routed.status, 'dispatched');

    const page = await browser.newPage({ width: 1366, height: 768, javaScript: true });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      // The browser asks every site for /favicon.ico; the hub has none (not the desk's to add).
      const url = message.location().url;
      if (message.type() === 'error' && !url.endsWith('/favicon.ico'))
        errors.push(`${message.text()} ${url}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) errors.push(`${String(response.status())} ${response.url()}`);
    });
    await signIn(page);
    assert.equal(await page.textContent('h1'), '市城市管理综合行政执法局 · 工单收件箱');
    assert.equal(await page.textContent('#count-new'), '1');
    await page.waitForSelector('#desk-live', { state: 'visible' });

    // A new ticket routed to the department appears in the open inbox by itself (live socket + htmx).
    const second = await openTicket(hub, { body: '垃圾清运不及时', contact: { phone: '13700137000' } });
    await page.waitForSelector(`#row-${second.number}`, { timeout: 10_000 });
    assert.equal(await page.textContent('#count-new'), '2');
    await fits(page, 'desk-inbox');

    await Promise.all([
      page.waitForURL(`**/staff/desk/tickets/${routed.number}`),
      page.click(`a[href$='/${routed.number}']`),
    ]);
    assert.equal(await page.textContent('#ticket-status'), '待签收');
    assert.ok((await page.textContent('#ticket-body'))?.includes('<script>alert(1)</script>'));
    await fits(page, 'desk-ticket');

    await Promise.all([page.waitForURL('**?done=sign'), page.click('#do-sign')]);
    assert.equal(await page.textContent('#desk-done'), '已签收。');
    assert.equal(await page.textContent('#ticket-status'), '已签收');

    await page.click('#action-reply summary');
    await page.fill('#reply-text', '您好，路灯已于今日维修完毕，感谢您的反映。');
    await Promise.all([page.waitForURL('**?done=reply'), page.click('#do-reply')]);
    assert.equal(await page.textContent('#ticket-status'), '已答复');

    const sms = await eventually(async () => {
      const items = await hub.app.store.devOutbox.list({ limit: 20, channel: 'sms', to: `+86${PHONE}` });
      return items.find((item) => item.body.includes('路灯已于今日维修完毕'));
    }, 'the reply SMS');
    assert.equal(sms.ticketNumber, routed.number);

    await page.click('#action-resolve summary');
    await Promise.all([page.waitForURL('**?done=resolve'), page.click('#do-resolve')]);
    assert.equal(await page.textContent('#ticket-status'), '已办结');
    await page.click('#contact-show');
    await page.waitForSelector('#contact-shown');
    assert.ok((await page.textContent('#contact-details'))?.includes(`+86${PHONE}`));
    await fits(page, 'desk-ticket-closed');

    // Someone else writes on the open ticket: the page says so instead of reloading under the clerk.
    assert.equal(await page.isVisible('#desk-stale'), false);
    assert.equal((await command(hub, routed.number, 'note', { text: '热线回访前核实' })).statusCode, 200);
    await page.waitForSelector('#desk-stale', { state: 'visible', timeout: 10_000 });

    // The citizen's SMS as the development outbox shows it.
    await page.goto('/dev/outbox');
    assert.ok((await page.textContent('body'))?.includes('路灯已于今日维修完毕'));
    await browser.screenshot(page, 'desk-dev-outbox');
    assert.deepEqual(errors, []);
  });

  it('fits a tablet (1024×768), shows overdue tickets in red and reads in English', async () => {
    // A policy whose limits run out in 1.5 s, for one ticket the hotline dispatches by hand.
    const fast = { amount: 1.5 / 3600, unit: 'hours' };
    const policy = await hub.request({
      method: 'PUT',
      url: '/api/v1/sla/policies/fast',
      payload: {
        name: 'test fast',
        order: 1_000_000,
        match: { categories: ['never-matches'] },
        clocks: { sign: fast, completion: fast },
        thresholds: { yellow: 0.5, red: 0.8 },
      },
    });
    assert.equal(policy.statusCode, 200, policy.body);
    const late = await openTicket(hub, { body: '楼道里堆放杂物', contact: { phone: '13600136000' } });
    assert.equal(late.status, 'received');
    const dispatched = await command(hub, late.number, 'dispatch', { department: 'CGJ', slaPolicy: 'fast' });
    assert.equal(dispatched.statusCode, 200, dispatched.body);
    await sleep(1700);

    const page = await browser.newPage({ width: 1024, height: 768, javaScript: true });
    await signIn(page);
    assert.equal(await page.textContent('#count-overdue'), '1');
    // Most urgent first: the overdue ticket heads the list, its limit in red.
    assert.equal(await page.getAttribute('#desk-rows tbody tr', 'id'), `row-${late.number}`);
    assert.match(
      (await page.textContent(`#row-${late.number} .countdown.overdue`)) ?? '',
      /^超期 (不到1分钟|\d+分钟)$/,
    );
    await fits(page, 'desk-inbox-tablet');
    const first = await page.getAttribute('#desk-rows tbody a', 'href');
    assert.ok(first);
    await page.goto(`${first}?lang=en`);
    assert.match((await page.textContent('h1')) ?? '', /^Ticket \d+$/);
    await fits(page, 'desk-ticket-tablet-en');
  });
});
