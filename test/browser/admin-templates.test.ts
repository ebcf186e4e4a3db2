import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { signInPage, startBrowser, watchPage, type TestBrowser } from '../helpers/browser.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD } from '../helpers/staff.js';

const KEY = { event: 'received', channel: 'sms', locale: 'zh-CN' } as const;
const EDITOR = '/staff/admin/templates/received/sms/zh-CN';
/** 25 more characters: the sample's 52 become 77, over the 70 of one UCS-2 part. */
const MORE = '请在办结后对我们的服务进行评价，感谢您的支持与配合';

let hub: TestHub;
let browser: TestBrowser;

/** What the page must not do (watchPage), and how many live previews it asked for. */
function watch(page: Page): ReturnType<typeof watchPage> & { previews: number } {
  const seen = { ...watchPage(page, browser.base), previews: 0 };
  page.on('response', (response) => {
    if (response.url().endsWith(`${EDITOR}/preview`)) seen.previews += 1;
  });
  return seen;
}

before(async () => {
  hub = await startHub({ HUB_ADMIN_PASSWORD: ADMIN_PASSWORD });
  browser = await startBrowser(hub);
});

after(async () => {
  await browser.close();
  await hub.close();
});

describe('message templates page in the browser', () => {
  it('typing updates the preview and the SMS part count without a page load; saving keeps it', async () => {
    const page = await browser.newPage({ width: 1366, height: 768, javaScript: true, locale: 'en' });
    const seen = watch(page);
    await signInPage(page, { username: 'admin', password: ADMIN_PASSWORD, home: '/staff/admin', lang: 'en' });
    await page.click('a[href="/staff/admin/templates"]');
    await page.waitForURL('**/staff/admin/templates');
    assert.equal(
      await page.textContent('#tpl-received-sms-zh-CN td.sms'),
      '1 part(s) · UCS-2 · 52 characters',
    );
    await page.click(`#tpl-received-sms-zh-CN a[href="${EDITOR}"]`);
    await page.waitForURL(`**${EDITOR}`);

    assert.equal(await page.textContent('#sms-parts'), '1 part(s)');
    assert.equal(await page.getAttribute('#sms-count', 'data-characters'), '52');
    // A mark on this document: a page load would lose it.
    await page.evaluate('window.__samePage = true');

    const body = page.locator('#field-body');
    await body.click();
    await body.press('ControlOrMeta+End');
    await body.pressSequentially(MORE);
    // htmx swapped in the preview of the typed text (the policy allows no eval: wait on the DOM).
    await page.waitForSelector("#sms-count[data-parts='2']");
    assert.equal(await page.textContent('#sms-parts'), '2 part(s)');
    assert.equal(await page.getAttribute('#sms-count', 'data-characters'), String(52 + MORE.length));
    assert.equal(
      await page.textContent('#sms-detail'),
      `UCS-2 · ${String(52 + MORE.length)} characters (signature 【12345】 included) · at most 3 parts`,
    );
    assert.match((await page.textContent('#preview-body')) ?? '', new RegExp(`${MORE}$`));
    assert.equal(await page.evaluate('window.__samePage'), true);
    assert.ok(page.url().endsWith(EDITOR));
    // Debounced: one or a few previews for 25 keystrokes, not one per key.
    assert.ok(seen.previews >= 1 && seen.previews < MORE.length, String(seen.previews));

    await page.click('#save-button');
    await page.waitForURL(`**${EDITOR}?saved=1`);
    assert.equal(
      await page.textContent('#template-notice'),
      'Saved as version 1; in use at once in every process.',
    );
    assert.equal(await page.textContent('#sms-parts'), '2 part(s)');
    const saved = await hub.app.store.messageTemplates.find(KEY);
    assert.equal(saved?.version, 1);
    assert.ok(saved.body.endsWith(MORE));
    assert.equal(
      hub.app.templates.current().render('received', 'sms', 'zh-CN', hub.app.templates.current().sample).sms
        ?.parts,
      2,
    );
    await browser.screenshot(page, 'admin-templates-live-preview');

    assert.deepEqual(seen.foreign, []);
    assert.deepEqual(seen.violations, []);
    assert.deepEqual(seen.failed, []);
  });
});
