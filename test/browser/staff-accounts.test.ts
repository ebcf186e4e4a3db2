import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { overflowsHorizontally, signInPage, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD } from '../helpers/staff.js';

/**
 * Staff accounts in headless Chromium at 1366×768 with JavaScript on: the admin signs in (one wrong
 * password first), creates a clerk (one mistake marked first), looks at the audit log, signs out;
 * the clerk signs in and sees the clerk's navigation only. No page asks for anything outside the
 * hub and the security policy blocks nothing of ours. Screenshots in
 * test-artifacts/screenshots/staff-*.png.
 */

let hub: TestHub;
let browser: TestBrowser;

/** Watches a page: every request it makes, and what the browser reports against the policy. */
function watch(page: Page): { foreign: string[]; violations: string[] } {
  const seen = { foreign: [] as string[], violations: [] as string[] };
  page.on('request', (request) => {
    if (!request.url().startsWith(browser.base)) seen.foreign.push(request.url());
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) seen.violations.push(message.text());
  });
  return seen;
}

async function areas(page: Page): Promise<string[]> {
  const links = page.locator('nav.areas a');
  const found: string[] = [];
  for (let i = 0; i < (await links.count()); i++)
    found.push((await links.nth(i).getAttribute('data-area')) ?? '');
  return found;
}

before(async () => {
  hub = await startHub({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
  browser = await startBrowser(hub);
});

after(async () => {
  await browser.close();
  await hub.close();
});

describe('staff accounts in the browser', () => {
  it('admin creates a clerk, signs out; the clerk signs in and sees the clerk’s navigation', async () => {
    const page = await browser.newPage({ width: 1366, height: 768, javaScript: true });
    const seen = watch(page);

    await page.goto('/staff');
    assert.equal(new URL(page.url()).pathname, '/staff/login');
    assert.equal(new URL(page.url()).searchParams.get('next'), '/staff');
    assert.equal(await page.textContent('h1'), '工作人员登录');
    await browser.screenshot(page, 'staff-login');

    await page.fill('#username', 'admin');
    await page.fill('#password', 'not-the-password');
    await page.click('button[type=submit]');
    assert.equal(await page.textContent('#login-problem'), '用户名或密码不正确。');
    assert.equal(await page.inputValue('#username'), 'admin');
    await browser.screenshot(page, 'staff-login-error');

    await page.fill('#password', ADMIN_PASSWORD);
    await page.click('.login button[type=submit]');
    await page.waitForURL('**/staff/admin');
    assert.deepEqual(await areas(page), ['admin', 'audit']);
    assert.equal(await page.textContent('.who'), 'Administrator（系统管理员）');
    await browser.screenshot(page, 'staff-admin-home');

    await page.click('a[href="/staff/admin/users"]');
    await page.waitForURL('**/staff/admin/users');
    // One mistake first: a password too short. The form keeps what was typed, marks the field.
    await page.fill('#new-username', 'clerk9');
    await page.fill('#new-name', '王承办');
    await page.selectOption('#new-role', 'clerk');
    await page.selectOption('#new-department', 'JTJ');
    await page.fill('#new-password', 'short-pw');
    await page.click('#create-user button[type=submit]');
    assert.equal(await page.textContent('#password-error'), '密码至少需要 10 个字符。');
    assert.equal(await page.getAttribute('#new-password', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('#new-username'), 'clerk9');
    assert.equal(await page.inputValue('#new-department'), 'JTJ');
    await browser.screenshot(page, 'staff-users-error');

    await page.fill('#new-password', 'clerk9-pass-2026');
    await page.click('#create-user button[type=submit]');
    await page.waitForURL('**/staff/admin/users?done=created&user=clerk9');
    assert.equal(await page.textContent('#users-done'), '已创建账号 clerk9。');
    const row = (await page.locator('#user-clerk9 td').allTextContents()).slice(0, 5).map((c) => c.trim());
    assert.deepEqual(row, ['clerk9', '王承办', '承办人', '市交通运输局 (JTJ)', '正常']);
    await browser.screenshot(page, 'staff-users');

    await page.click('nav.areas a[data-area=audit]');
    await page.waitForURL('**/staff/audit');
    const actions = await page.locator('#audit-entries tbody tr td code').allTextContents();
    assert.deepEqual(actions.slice(0, 4), [
      'staff_user_created',
      'staff_login',
      'staff_login_failed',
      'staff_user_created',
    ]);
    await browser.screenshot(page, 'staff-audit');

    await page.click('.logout button');
    await page.waitForURL('**/staff/login');
    assert.equal(await page.locator('nav.areas').count(), 0);

    await page.fill('#username', 'clerk9');
    await page.fill('#password', 'clerk9-pass-2026');
    await page.click('.login button[type=submit]');
    await page.waitForURL('**/staff/desk');
    assert.deepEqual(await areas(page), ['desk']);
    assert.equal(await page.textContent('.who'), '王承办（承办人）');
    await browser.screenshot(page, 'staff-clerk-desk');

    // The clerk tries the admin page by address: the 403 page, with the clerk's navigation.
    const refused = await page.goto('/staff/admin/users');
    assert.equal(refused?.status(), 403);
    assert.equal(await page.textContent('.problem'), '您的角色无权访问此页面。');
    assert.deepEqual(await areas(page), ['desk']);

    // English, remembered.
    await page.goto('/staff/desk');
    await page.click('a.lang');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.textContent('.logout button'), 'Sign out');

    assert.deepEqual(seen.foreign, []);
    assert.deepEqual(seen.violations, []);
  });

  it('fits a tablet: the users page at 768×1024 does not scroll sideways', async () => {
    const page = await browser.newPage({ width: 768, height: 1024, javaScript: true });
    await signInPage(page, { username: 'admin', password: ADMIN_PASSWORD, home: '/staff/admin' });
    await page.goto('/staff/admin/users');
    assert.equal(await overflowsHorizontally(page), false);
    await browser.screenshot(page, 'staff-users-tablet');
  });
});
