// Local mode with a real incident channel ID in AUTHBOT_WATCH_CHANNEL, in headless Chromium against the
// real `auth-bot serve` process: the header names the ID, the watch's alert for an expired credential is
// on the page, and its Run check button answers.
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import { buttonIn, launchBrowser, screenshot, waitForMessage } from './browser.js';
import { type LocalProcess, spawnServe } from './spawn-local.js';

// the one DOM shape the waitForFunction callback uses (no DOM library in the project's type-check)
declare const document: { getElementById(id: string): { textContent: string | null } | null };

let proxy: FakeProxy;
let bot: LocalProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  const seeded = kiroIdcFile({
    name: 'kiro-a.json',
    expiresAt: new Date(Date.now() - 3_600_000).toISOString(),
  });
  proxy = await startFakeProxy({ version: 'v6.9.3-plus-test', files: [seeded.file] });
  bot = await spawnServe({
    CLIPROXY_URL: proxy.url,
    CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
    AUTHBOT_WATCH_CHANNEL: 'C0ABC123',
    AUTHBOT_WATCH_INTERVAL: '1s',
  });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${bot.url}/`);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await bot?.stop();
  await proxy?.close();
});

describe('local mode with AUTHBOT_WATCH_CHANNEL set to a real channel ID', { timeout: 60_000 }, () => {
  it('names the ID in the header and shows the watch alert, whose Run check answers', async () => {
    await page.waitForFunction(
      () => document.getElementById('channel-name')?.textContent === '# incident-local · C0ABC123',
    );
    const alert = await waitForMessage(page, { text: 'Token expired', ephemeral: false });
    const text = await page.$eval(`[data-ts="${alert}"]`, (m) => m.textContent ?? '');
    expect(text).toContain('kiro-a.json');
    await screenshot(page, '10-watch-alert-real-channel', alert);
    await (await buttonIn(page, alert, 'Run check')).click();
    await waitForMessage(page, { text: 'Check', ephemeral: true });
    expect(bot.stderr()).not.toContain('channel_not_found');
  });
});
