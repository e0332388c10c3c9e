// Helpers for the approval end-to-end tests: the real bot (harness) + fake Slack + fake proxy.
import { type Harness, startHarness } from '../e2e/harness.js';
import {
  DEFAULT_MANAGEMENT_KEY,
  type FakeProxy,
  type FakeProxyOptions,
  kiroIdcFile,
  startFakeProxy,
} from '../fakes/fake-proxy.js';
import type { FakeSlack, SlackCall } from '../fakes/fake-slack.js';
import { policyIn } from './helpers.js';

export const E2E_POLICY = policyIn('C0INCIDENT');

export interface World {
  h: Harness;
  proxy: FakeProxy;
  secrets: string[];
  close(): Promise<void>;
}

export async function startWorld(
  options: {
    policy?: string;
    proxy?: FakeProxyOptions;
    env?: Record<string, string>;
    slack?: FakeSlack;
  } = {},
): Promise<World> {
  const seeded = kiroIdcFile({
    name: 'kiro-a.json',
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
  });
  const proxy = await startFakeProxy({
    version: 'v6.9.3-plus-test',
    files: [seeded.file],
    routes: { seedRefresh: true },
    ...options.proxy,
  });
  const h = await startHarness({
    policy: options.policy ?? E2E_POLICY,
    env: { CLIPROXY_URL: proxy.url, CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY, ...options.env },
    ...(options.slack ? { slack: options.slack } : {}),
  });
  return {
    h,
    proxy,
    secrets: [...seeded.secrets, DEFAULT_MANAGEMENT_KEY],
    async close() {
      await h.stop();
      await proxy.close();
    },
  };
}

type Block = { type: string; elements?: { action_id?: string; value?: string; text?: { text: string } }[] };

export const blocksText = (call: SlackCall) =>
  `${String(call.args.text)} ${JSON.stringify(call.args.blocks ?? [])}`;

export function buttonsOf(call: SlackCall): { actionId: string; value: string; text: string }[] {
  const blocks = (call.args.blocks ?? []) as Block[];
  return blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .map((e) => ({ actionId: e.action_id ?? '', value: e.value ?? '', text: e.text?.text ?? '' }));
}

/** Sends /auth-refresh and waits for the request message; returns its id and ts. */
export async function askRefresh(
  w: World,
  text = 'kiro',
  user = 'U0REQ',
): Promise<{ id: string; call: SlackCall; ackMs: number }> {
  const before = w.h.slack.callsTo('chat.postMessage').length;
  const started = Date.now();
  const res = await w.h.command('/auth-refresh', text, { user, channel: 'C0INCIDENT' });
  const ackMs = Date.now() - started;
  if (res.status !== 200) throw new Error(`ack was ${res.status}`);
  const call = await w.h.slack.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.args.thread_ts === undefined &&
      buttonsOf(c).some((b) => b.actionId === 'approve') &&
      w.h.slack.callsTo('chat.postMessage').indexOf(c) >= before,
  );
  const approve = buttonsOf(call).find((b) => b.actionId === 'approve')!;
  return { id: approve.value, call, ackMs };
}

export function click(w: World, actionId: string, value: string, user: string, messageTs = '1.1') {
  return w.h.click(actionId, value, { user, channel: 'C0INCIDENT', messageTs });
}

export function updateFor(w: World, words: string | RegExp, timeoutMs = 12_000): Promise<SlackCall> {
  return w.h.slack.waitFor(
    (c) =>
      c.method === 'chat.update' &&
      (typeof words === 'string' ? blocksText(c).includes(words) : words.test(blocksText(c))),
    timeoutMs,
  );
}

export function ephemeralFor(w: World, user: string, words: string, timeoutMs = 5000): Promise<SlackCall> {
  return w.h.slack.waitFor(
    (c) => c.method === 'chat.postEphemeral' && c.args.user === user && String(c.args.text).includes(words),
    timeoutMs,
  );
}

export function threadFor(w: World, words: string, timeoutMs = 12_000): Promise<SlackCall> {
  return w.h.slack.waitFor(
    (c) => c.method === 'chat.postMessage' && c.args.thread_ts !== undefined && blocksText(c).includes(words),
    timeoutMs,
  );
}

export function expectNoSecrets(w: World): void {
  const all =
    JSON.stringify(w.h.slack.calls.filter((c) => c.method !== 'auth.test').map((c) => c.args)) + w.h.logs();
  for (const s of w.secrets) if (all.includes(s)) throw new Error(`a secret leaked: ${s.slice(0, 6)}…`);
}

/**
 * Runs `change(n)` right after the watch's n-th read of the auth-file list (n = 1, 2, ...), until `polls`
 * reads have happened: what the next poll sees can differ from poll to poll (a flapping credential or proxy).
 */
export async function afterEachWatchRead(
  w: World,
  polls: number,
  change: (n: number) => void | Promise<void>,
): Promise<void> {
  const reads = () => w.proxy.callsTo('/v0/management/auth-files', 'GET').length;
  for (let seen = 0; seen < polls; ) {
    const n = reads();
    if (n > seen) {
      seen = n;
      await change(seen);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}
