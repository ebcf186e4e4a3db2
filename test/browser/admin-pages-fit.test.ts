import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { overflowsHorizontally, signInPage, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD } from '../helpers/staff.js';

/**
 * Every admin page the start page links to, in headless Chromium with JavaScript on, at 1366×768 and
 * on a tablet (768×1024): it opens (200), nothing scrolls sideways, every request stays on the hub
 * and the security policy blocks nothing of ours. Screenshots: test-artifacts/screenshots/admin-*.png.
 */

let hub: TestHub;
let browser: TestBrowser;

async function signedIn(
  width: number,
  height: number,
): Promise<{ page: Page; foreign: string[]; violations: string[] }> {
  const page = await browser.newPage({ width, height, javaScript: true });
  const foreign: string[] = [];
  const violations: string[] = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(browser.base)) foreign.push(request.url());
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await signInPage(page, { username: 'admin', password: ADMIN_PASSWORD, home: '/staff/admin' });
  return { page, foreign, violations };
}

before(async () => {
  hub = await startHub({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
  browser = await startBrowser(hub);
});

after(async () => {
  await browser.close();
  await hub.close();
});

describe('admin pages fit the screen', () => {
  for (const [width, height, device] of [
    [1366, 768, 'desktop'],
    [768, 1024, 'tablet'],
  ] as const) {
    it(`every admin page at ${String(width)}×${String(height)}`, async () => {
      const { page, foreign, violations } = await signedIn(width, height);
      const links: string[] = [];
      for (const anchor of await page.locator('ul.cards li > a').all()) {
        links.push((await anchor.getAttribute('href')) ?? '');
      }
      assert.ok(links.length >= 11, `the admin start page links ${String(links.length)} pages`);
      for (const link of links) {
        const response = await page.goto(link);
        assert.equal(response?.status(), 200, link);
        assert.equal(
          await overflowsHorizontally(page),
          false,
          `${link} scrolls sideways at ${String(width)} px`,
        );
        const name = link.replace(/^\/staff\/(admin\/)?/, '').replace(/\W+/g, '-') || 'home';
        await browser.screenshot(page, `admin-${name}-${device}`);
      }
      assert.deepEqual(foreign, []);
      assert.deepEqual(violations, []);
    });
  }
});
