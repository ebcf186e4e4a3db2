import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { TestHub } from './hub.js';

/** Debian's chromium (scripts/ensure-system-packages.sh): the machines cannot download Playwright's. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots are kept as test artefacts here (git-ignored). */
export const SCREENSHOT_DIR = path.resolve('test-artifacts/screenshots');

export interface TestBrowser {
  /** The hub's base URL (it listens on a free loopback port for the browser). */
  base: string;
  /** A new page in a fresh context (no cookies), at the feature-phone width unless told otherwise. */
  newPage(options?: {
    width?: number;
    height?: number;
    javaScript?: boolean;
    locale?: string;
  }): Promise<Page>;
  /** Saves a full-page screenshot as SCREENSHOT_DIR/NAME.png and returns the path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Headless Chromium on a listening hub. Pages default to a 240-pixel-wide viewport with JavaScript
 * off: the citizen pages must work on a cheap phone's browser.
 */
export async function startBrowser(hub: TestHub): Promise<TestBrowser> {
  const base = await hub.app.listen({ port: 0, host: '127.0.0.1' });
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
  const contexts: BrowserContext[] = [];
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    base,
    async newPage({ width = 240, height = 320, javaScript = false, locale = 'zh-CN' } = {}) {
      const context = await browser.newContext({
        viewport: { width, height },
        javaScriptEnabled: javaScript,
        locale,
        baseURL: base,
      });
      contexts.push(context);
      return context.newPage();
    },
    async screenshot(page, name) {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** True when the page's content is wider than its viewport (a horizontal scroll bar at 240 px). */
export async function overflowsHorizontally(page: Page): Promise<boolean> {
  const viewport = page.viewportSize();
  const width = await page.evaluate('document.documentElement.scrollWidth');
  return viewport !== null && Number(width) > viewport.width;
}

/** Signs `page` in through the staff sign-in form and waits for where the role lands (`home`). */
export async function signInPage(
  page: Page,
  account: { username: string; password: string; home: string; lang?: 'en' },
): Promise<void> {
  await page.goto(account.lang ? `/staff/login?lang=${account.lang}` : '/staff/login');
  await page.fill('#username', account.username);
  await page.fill('#password', account.password);
  await page.click('.login button[type=submit]');
  await page.waitForURL(`**${account.home}`);
}

/**
 * What a staff page must not do, collected as it happens: requests to another host (the centre has
 * no internet), responses refused with 4xx/5xx, and what the browser reports against the policy.
 */
export function watchPage(
  page: Page,
  base: string,
): { foreign: string[]; failed: string[]; violations: string[] } {
  const seen = { foreign: [] as string[], failed: [] as string[], violations: [] as string[] };
  page.on('response', (response) => {
    if (response.status() >= 400) seen.failed.push(`${String(response.status())} ${response.url()}`);
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(base) && !url.startsWith('data:')) seen.foreign.push(url);
  });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) seen.violations.push(message.text());
  });
  return seen;
}
