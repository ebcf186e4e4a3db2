import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { DEFAULT_MENU } from '../../src/ivr/default-menu.js';
import { overflowsHorizontally, signInPage, startBrowser, type TestBrowser } from '../helpers/browser.js';
import { startHub, type TestHub } from '../helpers/hub.js';
import { ADMIN_PASSWORD } from '../helpers/staff.js';

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

/** The texts of the simulator's "the caller hears now" list. */
async function hears(page: Page): Promise<string[]> {
  return page.locator('#sim-hears li').allTextContents();
}

describe('the IVR menu page in the browser (no JavaScript)', () => {
  it('edits the menu into a draft, then clicks through the draft in the simulator', async () => {
    const page = await browser.newPage({ width: 1366, height: 768, javaScript: false });
    const failed: string[] = [];
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${String(response.status())} ${response.url()}`);
    });
    await signInPage(page, { username: 'admin', password: ADMIN_PASSWORD, home: '/staff/admin' });
    await page.click('a[href="/staff/admin/ivr"]');
    await page.waitForURL('**/staff/admin/ivr');
    assert.equal(await page.textContent('#prompt-text-main'), DEFAULT_MENU.nodes[0]?.prompt);
    assert.equal(await page.locator('#ivr-no-draft').count(), 1);

    // The root's prompt: open its edit box, change the words, save.
    await page.click('#node-main > details > summary');
    await page.fill('#prompt-main-text', '查询进度请按1；更多服务请按6；重听请按0。');
    await page.click('#prompt-main button[type=submit]');
    await page.waitForURL('**/staff/admin/ivr?done=edited#node-main');
    assert.equal(await page.textContent('#ivr-done'), '已保存到草稿。');
    assert.equal(await page.textContent('#prompt-text-main'), '查询进度请按1；更多服务请按6；重听请按0。');
    assert.match((await page.textContent('#ivr-draft')) ?? '', /^您的草稿：基于第 1 版/);

    // A submenu: a new node, then a key in main that leads to it, then its way back.
    await page.fill('#add-node-id', 'more');
    await page.fill('#add-node-prompt', '人工服务请按1，返回主菜单请按星号键。');
    await page.click('#add-node-form button[type=submit]');
    await page.waitForURL('**/staff/admin/ivr?done=edited#node-more');
    await page.click('#node-main > details:has(#add-option-main) > summary');
    await page.selectOption('#add-option-main-digit', '6');
    await page.selectOption('#add-option-main-action', 'submenu');
    await page.selectOption('#add-option-main-target', 'more');
    await page.click('#add-option-main button[type=submit]');
    await page.waitForURL('**/staff/admin/ivr?done=edited#node-main');
    await page.click('#node-more > details:has(#add-option-more) > summary');
    await page.selectOption('#add-option-more-digit', '*');
    await page.selectOption('#add-option-more-action', 'main');
    await page.click('#add-option-more button[type=submit]');
    await page.waitForURL('**/staff/admin/ivr?done=edited#node-more');
    await page.click('#node-more > details:has(#add-option-more) > summary');
    await page.selectOption('#add-option-more-digit', '1');
    await page.selectOption('#add-option-more-action', 'operator');
    await page.click('#add-option-more button[type=submit]');
    await page.waitForURL('**/staff/admin/ivr?done=edited#node-more');
    // The submenu hangs under key 6 of main; the draft passes every check.
    assert.equal(await page.locator('#option-main-6-row #node-more').count(), 1);
    assert.equal(await page.locator('#ivr-draft-ready').count(), 1);
    // A bad edit is shown beside its form.
    await page.click('#flow-queueWait-row details > summary');
    await page.fill('#flow-queueWait-text', '座席正忙，请耐心等候。');
    await page.click('#flow-queueWait button[type=submit]');
    assert.equal(await page.getAttribute('#flow-queueWait-text', 'aria-invalid'), 'true');
    assert.match((await page.textContent('#flow-queueWait-error')) ?? '', /missing_placeholder/);
    await page.goto('/staff/admin/ivr#tree');
    await browser.screenshot(page, 'admin-ivr-tree');
    // Nothing published yet.
    assert.equal((await hub.app.store.ivrMenus.current())?.version, 1);

    // The simulator on the draft: the changed prompt, the submenu, back to main.
    await page.click('#simulate-link');
    await page.waitForURL('**/staff/admin/ivr/simulate?menu=draft');
    assert.deepEqual(await hears(page), [
      DEFAULT_MENU.prompts.welcome,
      '查询进度请按1；更多服务请按6；重听请按0。',
    ]);
    await page.click("#sim-keypad a[data-key='6']");
    assert.deepEqual(await hears(page), ['人工服务请按1，返回主菜单请按星号键。']);
    assert.deepEqual(await page.locator('#sim-keypad a.listens .digit').allTextContents(), ['1', '*']);
    await page.click("#sim-keypad a[data-key='9']");
    assert.deepEqual(await hears(page), [
      DEFAULT_MENU.prompts.invalidKey,
      '人工服务请按1，返回主菜单请按星号键。',
    ]);
    await page.click("#sim-keypad a[data-key='*']");
    assert.deepEqual(await hears(page), ['查询进度请按1；更多服务请按6；重听请按0。']);
    assert.equal(await page.textContent('#sim-path'), '按 6 → 按 9 → 按 *');
    await browser.screenshot(page, 'admin-ivr-simulator');
    await page.click('#sim-restart');
    assert.equal(await page.textContent('#sim-path'), '（还没有按键）');
    // The version in force is one click away and still says the old words.
    await page.click('.ivr-sim-menus a:not(.current)');
    assert.deepEqual(await hears(page), [DEFAULT_MENU.prompts.welcome, DEFAULT_MENU.nodes[0]?.prompt]);
    // Nothing scrolls sideways, on the desk screen or a tablet, the editor with its forms open included.
    for (const [width, height] of [
      [1366, 768],
      [768, 1024],
    ] as const) {
      await page.setViewportSize({ width, height });
      for (const url of [
        '/staff/admin/ivr',
        '/staff/admin/ivr/simulate?menu=draft&keys=6',
        '/staff/admin/ivr/versions/1',
      ]) {
        await page.goto(url);
        for (const summary of await page.locator('#ivr-tree details > summary').all()) await summary.click();
        assert.equal(await overflowsHorizontally(page), false, `${url} at ${String(width)} px`);
      }
    }
    // The refused flow prompt was the only 400.
    assert.deepEqual(
      failed.map((f) => f.replace(browser.base, '')),
      ['400 /staff/admin/ivr/prompts/queueWait'],
    );
  });
});
