// Local mode in a real browser: headless Chromium against the real `auth-bot serve` process (local mode)
// and the fake proxy. Each step writes a screenshot under test-output/local-mode/ for people to look at.
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import { buttonIn, launchBrowser, screenshot, send, switchUser, waitForMessage } from './browser.js';
import { type LocalProcess, spawnServe } from './spawn-local.js';

// page-side shapes used by the evaluate callbacks below (this module only; no DOM library in the type-check)
interface Node {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  tagName: string;
  querySelectorAll(selector: string): Iterable<Node>;
}
declare const document: { querySelectorAll(selector: string): Iterable<Node>; activeElement: Node | null };
declare const window: Record<string, unknown>;

let proxy: FakeProxy;
let bot: LocalProcess;
let browser: Browser;
let page: Page;
let secrets: string[];

beforeAll(async () => {
  const seeded = kiroIdcFile({
    name: 'kiro-a.json',
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
  });
  secrets = seeded.secrets;
  proxy = await startFakeProxy({
    version: 'v6.9.3-plus-test',
    files: [seeded.file],
    routes: { seedRefresh: true },
  });
  bot = await spawnServe({ CLIPROXY_URL: proxy.url, CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY });
  browser = await launchBrowser();
  page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(`${bot.url}/`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="message"]') !== null);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await bot?.stop();
  await proxy?.close();
});

const messageTexts = (p: Page) =>
  p.evaluate(() => [...document.querySelectorAll('[data-testid="message"]')].map((m) => m.textContent ?? ''));

// a shared CI machine can be slow: each step may take up to a minute
describe('local mode in Chromium', { timeout: 60_000 }, () => {
  it('shows the banner and answers /auth-why 401 with the repeated-401 row', async () => {
    const banner = await page.$eval('[data-testid="banner"]', (b) => b.textContent);
    expect(banner).toBe('LOCAL MODE — not connected to Slack');
    await send(page, '/auth-why 401');
    const ts = await waitForMessage(page, { text: 'repeated-401', ephemeral: true });
    const text = await page.$eval(`[data-ts="${ts}"]`, (m) => m.textContent ?? '');
    expect(text).toContain('Only visible to you');
    expect(text).toContain('Requests return repeated 401 after prior success');
    await screenshot(page, '01-auth-why-401', ts);
  });

  it('as the requester, Approve is refused with an ephemeral reason', async () => {
    await switchUser(page, 'U0LOCALYOU');
    await send(page, '/auth-refresh kiro');
    const request = await waitForMessage(page, { text: 'Approvals needed', ephemeral: false });
    await screenshot(page, '02-refresh-requested', request);
    await (await buttonIn(page, request, 'Approve')).click();
    // You are not among the demo approvers (Alice, Bob): the bot says so, to you only
    const refusal = await waitForMessage(page, { text: 'You are not an approver', ephemeral: true });
    await screenshot(page, '03-requester-approve-refused', refusal);
    expect(proxy.callsTo('/v0/management/auths/kiro/refresh', 'POST')).toHaveLength(0);
  });

  it('as Alice, Approve runs the refresh and the thread shows Verified; You’s ephemeral messages stay hidden', async () => {
    await switchUser(page, 'U0LOCALALICE');
    const texts = await messageTexts(page);
    expect(texts.some((t) => t.includes('You are not an approver'))).toBe(false);
    expect(texts.some((t) => t.includes('repeated-401'))).toBe(false);
    const request = await waitForMessage(page, { text: 'Approvals needed', ephemeral: false });
    await (await buttonIn(page, request, 'Approve')).click();
    await waitForMessage(page, { text: 'Verified', ephemeral: false });
    await page.waitForSelector(`[data-ts="${request}"] [data-testid="thread-open"]`);
    await page.click(`[data-ts="${request}"] [data-testid="thread-open"]`);
    await waitForMessage(page, { text: 'Verified', inThread: true });
    await screenshot(page, '04-approved-thread-verified', request);
    expect(proxy.callsTo('/v0/management/auths/kiro/refresh', 'POST')).toHaveLength(1);
    // the request message was updated in place: its buttons are gone, the same ts stays
    const buttons = await page.$$eval(
      `#messages [data-ts="${request}"] button:not([data-testid="thread-open"])`,
      (b) => b.length,
    );
    expect(buttons).toBe(0);
  });

  it('never puts HTML from a message into the DOM: <script> and <img onerror> show as text', async () => {
    const hostile = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"> *bold* <b>b</b>';
    await send(page, hostile);
    const typed = await waitForMessage(page, { text: '<script>window.pwned = 1</script>' });
    await send(page, `/auth-why <img src=x onerror="window.pwned = 3"> 401`);
    await waitForMessage(page, { text: '<img src=x onerror', ephemeral: true }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    const inside = await page.evaluate(
      () =>
        [...document.querySelectorAll('#messages script, #messages img, #messages b, #messages [onerror]')]
          .length,
    );
    expect(inside).toBe(0);
    expect(await page.evaluate(() => window.pwned)).toBeUndefined();
    const text = await page.$eval(`[data-ts="${typed}"] .message-body`, (m) => m.textContent ?? '');
    expect(text).toContain('<img src=x onerror="window.pwned = 2">');
    expect(await page.$eval(`[data-ts="${typed}"] .message-body strong`, (s) => s.textContent)).toBe('bold');
    await screenshot(page, '05-escaping', typed);
  });

  it('renders every Block Kit block and element the bot sends, and shows unknown ones as such', async () => {
    // the page's own module, loaded by the page (a string, so the test runner leaves the import alone)
    const blocksModule = await page.evaluateHandle('import("/assets/blocks.js")');
    const rendered = await page.evaluate(async (mod) => {
      const g = globalThis as unknown as {
        document: {
          createElement(tag: string): { id: string; append(n: unknown): void; innerHTML: string };
          getElementById(id: string): { append(n: unknown): void; scrollIntoView(): void } | null;
        };
      };
      const { renderBlocks } = mod as { renderBlocks: (...args: unknown[]) => unknown };
      const clicks: unknown[] = [];
      const blocks = [
        { type: 'header', text: { type: 'plain_text', text: 'Header <b>x</b>' } },
        {
          type: 'section',
          block_id: 's1',
          text: { type: 'mrkdwn', text: '*Section* with <@U0LOCALBOB> and <!channel>' },
          fields: [
            { type: 'mrkdwn', text: '*Field one*\nvalue' },
            { type: 'plain_text', text: 'Field *two*' },
          ],
          accessory: {
            type: 'static_select',
            action_id: 'pick',
            placeholder: { type: 'plain_text', text: 'Pick a credential' },
            options: [{ text: { type: 'plain_text', text: 'kiro-a.json' }, value: 'kiro-a.json' }],
          },
        },
        { type: 'context', elements: [{ type: 'mrkdwn', text: '_context_ `code`' }] },
        { type: 'divider' },
        {
          type: 'actions',
          block_id: 'a1',
          elements: [
            {
              type: 'button',
              action_id: 'ok',
              text: { type: 'plain_text', text: 'Approve' },
              style: 'primary',
            },
            { type: 'button', action_id: 'no', text: { type: 'plain_text', text: 'Deny' }, style: 'danger' },
            { type: 'overflow', action_id: 'more', options: [] },
          ],
        },
        { type: 'rich_text', elements: [] },
      ];
      const node = renderBlocks(g.document, blocks, {
        names: new Map([['U0LOCALBOB', 'bob']]),
        onAction: (a: unknown) => clicks.push(a),
      });
      const holder = g.document.createElement('li');
      holder.id = 'render-check';
      holder.append(node);
      g.document.getElementById('messages')?.append(holder);
      g.document.getElementById('render-check')?.scrollIntoView();
      const q = (sel: string) =>
        (
          node as {
            querySelector(s: string): { textContent: string; className: string; click(): void } | null;
          }
        ).querySelector(sel);
      q('.btn-primary')?.click();
      return {
        header: q('h3.block-header')?.textContent,
        bold: q('.section-body strong')?.textContent,
        mention: q('.mention-user')?.textContent,
        channel: q('.mention-special')?.textContent,
        fields: (node as { querySelectorAll(s: string): { length: number } }).querySelectorAll(
          '.section-fields > *',
        ).length,
        select: q('.section-accessory select')?.textContent,
        context: q('.block-context em')?.textContent,
        divider: !!q('hr.block-divider'),
        primary: q('.btn-primary')?.textContent,
        danger: q('.btn-danger')?.textContent,
        unknownElement: q('.block-actions .unknown')?.textContent,
        unknownBlock: q('[data-block-type="rich_text"]')?.textContent,
        html: (holder as { innerHTML: string }).innerHTML,
        clicks,
      };
    }, blocksModule);
    expect(rendered.header).toBe('Header <b>x</b>');
    expect(rendered.bold).toBe('Section');
    expect(rendered.mention).toBe('@bob');
    expect(rendered.channel).toBe('@channel');
    expect(rendered.fields).toBe(2);
    expect(rendered.select).toContain('Pick a credential');
    expect(rendered.select).toContain('kiro-a.json');
    expect(rendered.context).toBe('context');
    expect(rendered.divider).toBe(true);
    expect(rendered.primary).toBe('Approve');
    expect(rendered.danger).toBe('Deny');
    expect(rendered.unknownElement).toBe('Unsupported element type: overflow');
    expect(rendered.unknownBlock).toBe('Unsupported block type: rich_text');
    expect(rendered.html).not.toContain('<b>');
    expect(rendered.clicks).toEqual([{ blockId: 'a1', actionId: 'ok' }]);
    await screenshot(page, '06-block-kit-rendering');
    await page.evaluate(() => {
      (
        globalThis as unknown as { document: { getElementById(id: string): { remove(): void } | null } }
      ).document
        .getElementById('render-check')
        ?.remove();
    });
  });

  it('is keyboard usable: Tab from the composer reaches a message button', async () => {
    await page.focus('[data-testid="composer"]');
    let reached = '';
    for (let i = 0; i < 60 && !reached; i += 1) {
      await page.keyboard.down('Shift');
      await page.keyboard.press('Tab');
      await page.keyboard.up('Shift');
      reached = await page.evaluate(() => {
        const a = document.activeElement;
        return a?.tagName === 'BUTTON' && a.dataset.testid !== 'thread-open' ? (a.textContent ?? '') : '';
      });
    }
    expect(reached).not.toBe('');
  });

  it('is readable at 375 px wide and in dark mode, the thread covering the channel', async () => {
    await page.setViewport({ width: 375, height: 800 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    const overflow = await page.evaluate(() => {
      const d = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document;
      return d.documentElement.scrollWidth - d.documentElement.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, '07-mobile-dark-thread', undefined, false);
    await page.click('#thread-close');
    await page.waitForSelector('[data-testid="thread"]', { hidden: true });
    await screenshot(page, '08-mobile-dark-channel', undefined, false);
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await screenshot(page, '09-mobile-light-channel', undefined, false);
    await page.setViewport({ width: 1280, height: 900 });
  });

  it('lets no secret reach the page or the log', async () => {
    const html = await page.content();
    for (const secret of [...secrets, DEFAULT_MANAGEMENT_KEY]) {
      expect(html).not.toContain(secret);
      expect(bot.stdout()).not.toContain(secret);
    }
    expect(html).not.toMatch(/xoxb-local-/);
    expect(html).not.toContain('/response/');
  });
});
