import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { signInPage, startBrowser, watchPage, type TestBrowser } from '../helpers/browser.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD } from '../helpers/staff.js';

const REGISTER = readFileSync(new URL('../fixtures/subsidies-register.csv', import.meta.url));

let hub: TestHub;
let browser: TestBrowser;

before(async () => {
  hub = await startHub({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
  browser = await startBrowser(hub);
});

after(async () => {
  await browser.close();
  await hub.close();
});

describe('admin pages in the browser', () => {
  it('uploads a register through the page script, follows the progress to the end; the queue monitor runs under its policy', async () => {
    const page = await browser.newPage({ width: 1366, height: 768, javaScript: true, locale: 'en' });
    const seen = watchPage(page, browser.base);
    await signInPage(page, { username: 'admin', password: ADMIN_PASSWORD, home: '/staff/admin', lang: 'en' });
    await page.click('a[href="/staff/admin/imports"]');
    await page.waitForURL('**/staff/admin/imports');
    // The script enabled the button.
    assert.equal(await page.isEnabled('#import-submit'), true);
    await page.setInputFiles('#import-file', {
      name: 'register.csv',
      mimeType: 'text/csv',
      buffer: REGISTER,
    });
    await page.click('#import-submit');
    await page.waitForURL(/\/staff\/admin\/imports\/imp-[0-9a-f]{16}$/);
    await page.waitForSelector("#import-view[data-status='done']", { timeout: 30_000 });
    assert.equal(await page.textContent('#import-status'), 'Everything imported');
    assert.equal(await page.getAttribute('#import-progress', 'value'), '7');
    assert.equal(await page.getAttribute('#import-progress', 'max'), '7');
    await browser.screenshot(page, 'admin-import-done');
    const [liu] = await hub.app.store.subsidies.householdsByPhone('13903120001');
    assert.equal(liu?.headName, '刘振华');

    await page.goto('/staff/admin/queues');
    // bull-board's React app has rendered the hub's queues.
    await page.getByText('imports', { exact: true }).first().waitFor({ timeout: 20_000 });
    await page.getByText('notify-sms', { exact: true }).first().waitFor();
    // Its overview (one call per queue for counts) answers too.
    await page.waitForResponse((r) => r.url().includes('/staff/admin/queues/api/queues') && r.ok());
    await page.click('text=imports');
    await page.waitForURL('**/staff/admin/queues/queue/imports**');
    await page.waitForTimeout(1000);
    await browser.screenshot(page, 'admin-queues');
    assert.deepEqual(seen.foreign, []);
    assert.deepEqual(seen.violations, []);
    assert.deepEqual(seen.failed, []);
  });
});
