import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from 'playwright-core';
import { DEMO_APPLICATIONS, DEMO_SUBSIDY_HOUSEHOLDS, loadDemoCases } from '../../src/subsidies/demo-data.js';
import { overflowsHorizontally, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { startHub, type TestHub } from '../helpers/hub.js';

/**
 * The subsidy look-up and the application status in headless Chromium at 240×320 with JavaScript
 * off (a cheap phone's browser): every step through the real forms, the code read from the
 * development outbox, no horizontal scrolling on any page. Screenshots in test-artifacts/screenshots.
 */

const [wang, li, , zhangGang] = DEMO_SUBSIDY_HOUSEHOLDS;
const [, liDibao] = DEMO_APPLICATIONS;
if (!wang || !li || !zhangGang || !liDibao) throw new Error('demo data missing');

let hub: TestHub;
let browser: TestBrowser;

async function codeSentTo(phone: string, count: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const items = await hub.app.store.devOutbox.list({ limit: 10, channel: 'sms', to: phone });
    const body = items.length >= count ? items[0]?.body : undefined;
    const code = body ? /(?:验证码|code is) (\d{6})/.exec(body)?.[1] : undefined;
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no code SMS to ${phone}`);
    await sleep(50);
  }
}

async function fits(page: Page, name: string): Promise<void> {
  await browser.screenshot(page, name);
  assert.equal(await overflowsHorizontally(page), false, `${name} scrolls sideways at 240 px`);
}

before(async () => {
  hub = await startHub({ WEB_RATE_PER_MINUTE: '1000' });
  await loadDemoCases(hub.app.store);
  browser = await startBrowser(hub);
});

after(async () => {
  await browser.close();
  await hub.close();
});

describe('citizen pages at 240 px without JavaScript', () => {
  it('subsidy look-up: ID number and name, a marked mistake, the SMS code, a wrong code, the payments', async () => {
    const page = await browser.newPage();
    await page.goto('/');
    await page.click('a[href="/subsidies"]');
    assert.equal(await page.textContent('h1'), '惠农补贴查询');
    await fits(page, 'web-subsidy-1-form');

    await page.fill('#idNumber', wang.idNumber.slice(0, 17));
    await page.fill('#name', wang.headName);
    await page.click('button[type=submit]');
    assert.equal(await page.getAttribute('#idNumber', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('#idNumber'), wang.idNumber.slice(0, 17));
    assert.equal(await page.inputValue('#name'), wang.headName);
    assert.equal(await page.textContent('#idNumber-error'), '身份证号码应为 18 位，您填写了 17 位。');
    await fits(page, 'web-subsidy-2-invalid-id');

    await page.fill('#idNumber', wang.idNumber);
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('h1'), '输入验证码');
    assert.equal(await page.textContent('p.ok'), '验证码已发送至 139****0001，10 分钟内有效。');
    await fits(page, 'web-subsidy-3-code');
    const code = await codeSentTo('+8613903110001', 1);

    await page.fill('#code', code === '999999' ? '000000' : '999999');
    await page.click('form[action="/subsidies/code"] button');
    assert.equal(await page.textContent('#code-error'), '验证码不正确，还可以再试 2 次。');
    await fits(page, 'web-subsidy-4-wrong-code');

    await page.fill('#code', code);
    await page.click('form[action="/subsidies/code"] button');
    assert.equal(await page.textContent('h1'), '补贴发放情况');
    const amounts = await page.locator('.payments .amount').allTextContents();
    assert.deepEqual(amounts, ['840.00 元', '412.60 元', '834.00 元', '821.50 元']);
    await fits(page, 'web-subsidy-5-payments');
  });

  it('a household with two registered mobiles, in English: choose where the code goes; a returned payment', async () => {
    const page = await browser.newPage({ locale: 'en-US' });
    await page.goto('/subsidies?lang=en');
    assert.equal(await page.textContent('h1'), 'Farm subsidy look-up');
    await page.fill('#idNumber', zhangGang.idNumber);
    await page.fill('#name', zhangGang.headName);
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('p.ok'), 'We sent a code to 139****0004. It works for 10 minutes.');
    assert.deepEqual(await page.locator('#phone option').allTextContents(), ['139****0004', '139****0006']);
    await fits(page, 'web-subsidy-6-code-two-phones-en');
    const code = await codeSentTo('+8613903110004', 1);
    await page.fill('#code', code);
    await page.click('form[action="/subsidies/code"] button');
    assert.equal(await page.textContent('h1'), 'Subsidy payments');
    assert.deepEqual(await page.locator('.payments strong').allTextContents(), [
      '2026 Farm-input subsidy',
      '2025 Farm-input subsidy',
      '2025 Grain subsidy',
    ]);
    assert.equal(
      await page.locator('.payments .problem').textContent(),
      'returned by the bank (ask the township finance office)',
    );
    await fits(page, 'web-subsidy-7-payments-en');
  });

  it('three wrong codes: the page says the look-up is locked for an hour', async () => {
    const page = await browser.newPage();
    await page.goto('/subsidies');
    await page.fill('#idNumber', li.idNumber);
    await page.fill('#name', li.headName);
    await page.click('button[type=submit]');
    const code = await codeSentTo('+8613903110002', 1);
    const wrong = code === '111111' ? '222222' : '111111';
    for (let i = 0; i < 3; i++) {
      await page.fill('#code', wrong);
      await page.click('form[action="/subsidies/code"] button');
    }
    assert.equal(await page.textContent('h1'), '查询已暂停');
    assert.match((await page.textContent('p.problem')) ?? '', /网上补贴查询已锁定 1 小时/);
    await fits(page, 'web-subsidy-8-locked');
  });

  it('application status: a marked wrong number, then the case with its steps', async () => {
    const page = await browser.newPage();
    await page.goto('/');
    await page.click('a[href="/applications"]');
    assert.equal(await page.textContent('h1'), '办件进度查询');
    await fits(page, 'web-application-1-form');
    await page.fill('#number', `${liDibao.number.slice(0, -1)}0`);
    await page.fill('#code', liDibao.queryCode);
    await page.click('button[type=submit]');
    assert.equal(await page.getAttribute('#number', 'aria-invalid'), 'true');
    await fits(page, 'web-application-2-invalid');
    await page.fill('#number', liDibao.number);
    await page.fill('#code', liDibao.queryCode);
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('h1'), '办件进度');
    assert.equal(await page.textContent('.status-open'), '审查中');
    assert.deepEqual(await page.locator('.steps strong').allTextContents(), ['受理', '审查']);
    await fits(page, 'web-application-3-status');
  });
});
