import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { overflowsHorizontally, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { command, openTicket, startHub, type TestHub } from '../helpers/hub.js';
import { makeStaffUser } from '../helpers/staff.js';

/**
 * The supervision board in headless Chromium at 1366×768 with JavaScript: charts drawn by the hub's
 * own ECharts (no CSP violation, nothing from outside), and a ticket that turns overdue while the
 * page is open appears in the overdue list without a reload (its SLA timer's event reaches the page
 * over the live socket). Screenshots in test-artifacts/screenshots/supervision-*.png.
 */

let hub: TestHub;
let browser: TestBrowser;

before(async () => {
  hub = await startHub();
  const seconds = (n: number) => ({ amount: n / 3600, unit: 'hours' });
  const response = await hub.request({
    method: 'PUT',
    url: '/api/v1/sla/policies/fast',
    payload: {
      name: 'test fast',
      order: 1_000_000,
      match: { categories: ['never-matches'] },
      clocks: { completion: seconds(4) },
      thresholds: { yellow: 0.5, red: 0.8 },
    },
  });
  assert.equal(response.statusCode, 200, response.body);
  await makeStaffUser(hub, 'super1', 'supervisor');
  browser = await startBrowser(hub);
});

after(async () => {
  await browser.close();
  await hub.close();
});

describe('supervision board in a browser', () => {
  it('draws the charts and shows a ticket turning overdue live', async () => {
    // Something to chart before the page opens.
    for (const channel of ['sms', 'web', 'hotline']) {
      const { number } = await openTicket(hub, { channel });
      assert.equal((await command(hub, number, 'dispatch', { department: 'ZJJ' })).statusCode, 200);
    }
    const page = await browser.newPage({ width: 1366, height: 768, javaScript: true });
    const problems: string[] = [];
    page.on('console', (message) => {
      // The browser's own /favicon.ico request is not the page's (the hub serves none).
      const url = message.location().url;
      if (message.type() === 'error' && !url.endsWith('/favicon.ico'))
        problems.push(`${message.text()} ${url}`);
    });
    page.on('pageerror', (error) => problems.push(error.message));
    const outside: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(browser.base)) outside.push(request.url());
    });

    await page.goto('/staff/login');
    await page.fill('#username', 'super1');
    await page.fill('#password', 'super1-pass-0123');
    await Promise.all([page.waitForURL('**/staff/supervision'), page.click('button[type=submit]')]);
    await page.waitForSelector('#supervision.sv-drawn', { timeout: 15_000 });
    for (const id of ['volume', 'status', 'channel', 'department', 'bottlenecks']) {
      assert.equal(await page.locator(`#chart-${id} canvas`).count(), 1, id);
    }
    assert.equal(await page.textContent('#kpi-total'), '3');

    const { number } = await openTicket(hub, { channel: 'email' });
    assert.equal(
      (await command(hub, number, 'dispatch', { department: 'CGJ', slaPolicy: 'fast' })).statusCode,
      200,
    );
    // No reload: the live socket's events (dispatched, sla_yellow … sla_overdue) refresh the page.
    await page.waitForSelector(`#list-overdue tr[data-number='${number}']`, { timeout: 20_000 });
    assert.equal(await page.textContent('#kpi-total'), '4');
    assert.equal(await page.textContent(`#list-overdue tr[data-number='${number}'] .sv-stage`), '超期');
    await browser.screenshot(page, 'supervision-board-1366');
    assert.deepEqual(problems, []);
    assert.deepEqual(outside, []);

    // A tablet: nothing scrolls sideways.
    await page.setViewportSize({ width: 768, height: 1024 });
    await page.waitForTimeout(300);
    await browser.screenshot(page, 'supervision-board-768');
    assert.equal(await overflowsHorizontally(page), false);
  });
});
