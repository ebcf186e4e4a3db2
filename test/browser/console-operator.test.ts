import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEMO_RULES } from '../../src/seed-data.js';
import { overflowsHorizontally, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { FakeTwilio } from '../helpers/fake-twilio.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { AUTH_TOKEN } from '../helpers/ivr-caller.js';
import { makeStaffUser } from '../helpers/staff.js';
import { textOf, twimlVerbs, type XmlElement } from '../helpers/twiml.js';

const ACCOUNT_SID = `AC${'6'.repeat(32)}`;
const HOTLINE = '+8631112345';
/** 市人力资源和社会保障局's dialable line (its first number, 12333, only works inside the carrier). */
const RSJ_LINE = '+8631186681001';

/**
 * "An operator opens a ticket during a simulated call and transfers it" (issue 7), in headless
 * Chromium at 1366×768 with JavaScript on: the operator signs in, places a call in the channel
 * simulator (Twilio is configured with the fake Twilio, SMTP is not, so the simulator is there)
 * while the console — open in another tab — lists it live over the socket; they take it, see the
 * caller's history, type the request and watch the routing preview change, open the ticket, and
 * transfer the call blind to the department: the fake Twilio receives the new TwiML. Screenshots in
 * test-artifacts/screenshots/console-*.png and simulator.png.
 */
let hub: TestHub;
let fake: FakeTwilio;
let browser: TestBrowser;

before(async () => {
  fake = new FakeTwilio({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN });
  await fake.start();
  hub = await startHub({
    TWILIO_ACCOUNT_SID: ACCOUNT_SID,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    TWILIO_FROM: HOTLINE,
    TWILIO_API_URL: fake.url,
    QUIET_HOURS: '',
  });
  for (const rule of DEMO_RULES)
    await hub.app.store.rules.create({ ...rule, updatedAt: new Date(), updatedBy: 'test' });
  await hub.app.routingService.changed();
  await makeStaffUser(hub, 'op', 'operator');
  browser = await startBrowser(hub);
});

after(async () => {
  await browser.close();
  await hub.close();
  await fake.close();
});

async function signIn(page: Page): Promise<void> {
  await page.goto('/staff/login');
  await page.fill('#username', 'op');
  await page.fill('#password', 'op-pass-0123');
  await page.click('form.stack button[type=submit]');
  await page.waitForURL('**/staff/console');
}

describe('operator console in the browser', () => {
  it('places a simulated call, opens a ticket for it with the live preview, and transfers it', async () => {
    const consoleTab = await browser.newPage({ width: 1366, height: 768, javaScript: true });
    await signIn(consoleTab);
    await consoleTab.waitForFunction(
      "document.getElementById('live-status')?.textContent === '实时更新已连接'",
    );
    assert.equal(await consoleTab.textContent('#no-calls'), '当前没有来电。');

    // The citizen's side, in a second tab of the same session: the simulator.
    const simulator = await consoleTab.context().newPage();
    await simulator.setViewportSize({ width: 1366, height: 768 });
    await simulator.goto('/staff/simulator');
    await simulator.fill('#call-from', '13800138000');
    await simulator.click('#call-start-button');
    const callSid = (await simulator.getAttribute('#call-log', 'data-call-sid')) ?? '';
    assert.match(callSid, /^CA[0-9a-f]{32}$/);
    assert.ok((await simulator.textContent('#call-log'))?.includes('您好，欢迎致电12345政务服务便民热线。'));
    // The keypad (simulator.js) presses 4: to the operators.
    await simulator.click('#keypad button[data-key="4"]');
    assert.equal(await simulator.inputValue('#digits'), '4');
    await simulator.click('#press');
    await simulator.waitForSelector('text=进入人工排队（hotline-operators），话务台已显示这通来电。');
    await browser.screenshot(simulator, 'simulator');
    // Twilio holds the call now: the fake knows it as live, so a transfer can move it.
    fake.live.add({ sid: callSid, from: '+8613800138000', to: HOTLINE });

    // The console tab was not reloaded: the socket and htmx brought the call in.
    const row = consoleTab.locator(`tr[data-call-sid="${callSid}"]`);
    await row.waitFor();
    await consoleTab.waitForSelector(`tr[data-call-sid="${callSid}"].call-queued`);
    assert.equal(await row.locator('td').nth(1).textContent(), '138****8000');
    assert.equal(await overflowsHorizontally(consoleTab), false);
    await browser.screenshot(consoleTab, 'console');

    await row.locator('a.take').click();
    await consoleTab.waitForURL(`**/staff/console/calls/${callSid}`);
    assert.equal(await consoleTab.textContent('#call-caller'), '138****8000');
    assert.equal(await consoleTab.textContent('#call-state'), '排队等待人工');
    assert.equal(await consoleTab.textContent('#history-title'), '来电人历史（已脱敏，查看已留痕）');

    // The preview follows the typing (htmx posts the form on each change).
    await consoleTab.selectOption('#place', '130102');
    await consoleTab.fill('#ticket-text', '单位拖欠工资三个月了');
    await consoleTab.locator('#ticket-text').press('Space');
    await consoleTab.waitForSelector('#preview-lead[data-department="RSJ"]');
    assert.equal(await consoleTab.textContent('#preview-lead'), '主办部门：市人力资源和社会保障局 (RSJ)');
    assert.equal(await hub.app.store.tickets.count(), 0, 'the preview opens nothing');
    await browser.screenshot(consoleTab, 'console-call-preview');

    await consoleTab.click('#create-button');
    await consoleTab.waitForSelector('#call-done');
    const number = /已建立工单 (\d+) 并关联本通话。/.exec(
      (await consoleTab.textContent('#call-done')) ?? '',
    )?.[1];
    assert.ok(number, 'the new ticket number');
    assert.equal(await consoleTab.textContent('#linked-tickets'), number);
    assert.deepEqual(await hub.app.store.calls.ticketsOf(callSid), [number]);
    assert.equal((await hub.app.store.tickets.findByNumber(number))?.leadDepartment, 'RSJ');

    // Transfer blind to the department, with the ticket (chosen for the operator: the linked one).
    assert.equal(await consoleTab.inputValue('#transfer-ticket'), number);
    await consoleTab.selectOption('#transfer-department', 'RSJ');
    await consoleTab.click('#transfer-button');
    await consoleTab.waitForSelector('#call-done');
    assert.equal(await consoleTab.textContent('#call-done'), '已转接到 市人力资源和社会保障局（直接转接）。');
    assert.equal(await consoleTab.textContent('#call-state'), '通话中');
    const update = fake.live.live.get(callSid)?.updates.at(-1);
    assert.ok(update?.twiml, 'Twilio got new instructions for the call');
    const [say, dial] = twimlVerbs(update.twiml);
    assert.equal(say && textOf(say), '正在为您转接市人力资源和社会保障局，请稍候。');
    const line = dial?.children.find((c): c is XmlElement => typeof c !== 'string');
    assert.equal(line && textOf(line), RSJ_LINE);
    assert.equal(line?.attributes.url, `${hub.config.publicUrl}/webhooks/twilio/voice/whisper?t=${number}`);
    assert.deepEqual(
      (await hub.app.store.calls.eventsOf(callSid))
        .filter((e) => e.type === 'transfer_blind')
        .map((e) => e.detail),
      ['RSJ by user:op'],
    );
    assert.equal(await overflowsHorizontally(consoleTab), false);
    await browser.screenshot(consoleTab, 'console-call-transferred');

    // The caller hangs up in the simulator: the open call page says so, live.
    await simulator.click('#hang-up');
    await simulator.waitForSelector('text=通话结束');
    await consoleTab.waitForSelector('#call-ended-live:not([hidden])');
    assert.equal(await consoleTab.textContent('#call-state'), '已结束');
  });

  it('searches the directory as the operator types (查号)', async () => {
    const page = await browser.newPage({ width: 1366, height: 768, javaScript: true });
    await signIn(page);
    await page.fill('#directory-q', 'mzj');
    await page.waitForSelector('#directory-table tr[data-code="MZJ"]');
    assert.equal(await page.locator('#directory-table tbody tr').count(), 1);
    await browser.screenshot(page, 'console-directory');
    // On a tablet the two columns become one and nothing scrolls sideways.
    await page.setViewportSize({ width: 768, height: 1024 });
    assert.equal(await overflowsHorizontally(page), false);
    await browser.screenshot(page, 'console-tablet');
  });
});
