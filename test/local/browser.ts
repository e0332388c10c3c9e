// Headless Chromium (Debian's chromium package, no browser download) driven by puppeteer-core, plus
// helpers that find messages by the page's fixed test hooks and write a screenshot per step.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { root } from './spawn-local.js';

// The functions passed to waitForFunction run in the page; these are the few DOM shapes they use
// (declared here, in this module only, so the project's type-check stays without the DOM library).
interface PageElement {
  textContent: string | null;
  dataset: Record<string, string | undefined>;
  value: string;
  querySelectorAll(selector: string): Iterable<PageElement>;
}
declare const document: {
  body: PageElement;
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): Iterable<PageElement>;
  getElementById(id: string): PageElement | null;
};

export const SCREENSHOTS = join(root, 'test-output', 'local-mode');

export function chromiumPath(): string {
  for (const p of ['/usr/bin/chromium', '/usr/bin/chromium-browser']) if (existsSync(p)) return p;
  throw new Error('Chromium is not installed: run scripts/install-chromium.sh (Debian package "chromium")');
}

export async function launchBrowser(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    // running as root in CI containers needs --no-sandbox; /dev/shm is small there
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}

/** Writes test-output/local-mode/NAME.png, after scrolling the message with data-ts `ts` into view. */
export async function screenshot(page: Page, name: string, ts?: string, fullPage = true): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  if (ts) await page.$eval(`#messages [data-ts="${ts}"]`, (m) => m.scrollIntoView({ block: 'end' }));
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage });
  return path;
}

export interface MessageQuery {
  text: string;
  /** Only inside the open thread pane. */
  inThread?: boolean;
  ephemeral?: boolean;
}

/** Waits for a [data-testid="message"] whose text contains `text`; returns its data-ts. */
export async function waitForMessage(page: Page, q: MessageQuery, timeout = 30_000): Promise<string> {
  const handle = await page.waitForFunction(
    (query: MessageQuery) => {
      const scope = query.inThread ? document.querySelector('[data-testid="thread"]') : document;
      const all = [...(scope?.querySelectorAll('[data-testid="message"]') ?? [])];
      const found = all
        .reverse()
        .find(
          (m) =>
            (m.textContent ?? '').includes(query.text) &&
            (query.ephemeral === undefined || (m.dataset.ephemeral === 'true') === query.ephemeral),
        );
      return found?.dataset.ts ?? false;
    },
    { timeout },
    q,
  );
  return (await handle.jsonValue()) as string;
}

/** The <button> with exactly `label` inside the message with data-ts `ts` (in the channel list). */
export async function buttonIn(page: Page, ts: string, label: string): Promise<ElementHandle> {
  const handle = await page.waitForFunction(
    (t: string, l: string) =>
      [...document.querySelectorAll(`#messages [data-ts="${t}"] button`)].find((b) => b.textContent === l) ??
      false,
    { timeout: 10_000 },
    ts,
    label,
  );
  return handle as ElementHandle;
}

export async function send(page: Page, text: string): Promise<void> {
  await page.click('[data-testid="composer"]');
  await page.type('[data-testid="composer"]', text);
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('[data-testid="composer"]')?.value === '');
}

export async function switchUser(page: Page, user: string): Promise<void> {
  await page.select('select[data-testid="user-picker"]', user);
  await page.waitForFunction(
    (u: string) =>
      document.querySelector('select[data-testid="user-picker"]')?.value === u &&
      document.body.dataset.user === u &&
      document.getElementById('live')?.textContent === 'live',
    {},
    user,
  );
}
