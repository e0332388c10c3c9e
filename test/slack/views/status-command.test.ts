// /auth-status and the check buttons: handler logic against the fake proxy, through a minimal App stand-in.
import type { App } from '@slack/bolt';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../../src/cliproxy/client.js';
import { createStatusReader } from '../../../src/cliproxy/status-reader.js';
import type { StatusReport } from '../../../src/domain/status.js';
import { registerCheckAction } from '../../../src/slack/actions/check.js';
import {
  answerStatus,
  createStatusCommandReader,
  RESPOND_CONCURRENCY,
  registerStatusCommand,
} from '../../../src/slack/commands/status.js';
import { findBlockKitViolations } from '../../../src/slack/views/limits.js';
import { type FakeProxy, kiroIdcFile, startFakeProxy } from '../../fakes/fake-proxy.js';

const logger = pino({ level: 'silent' });
let proxy: FakeProxy | undefined;
let client: HttpManagementClient | undefined;
afterEach(async () => {
  await client?.close();
  await proxy?.close();
  proxy = undefined;
  client = undefined;
});

type Listener = (args: Record<string, unknown>) => Promise<void>;
function fakeApp() {
  const commands = new Map<string, Listener>();
  const actions: Array<[RegExp | string, Listener]> = [];
  const app = {
    command: (name: string, fn: Listener) => commands.set(name, fn),
    action: (pattern: RegExp | string, fn: Listener) => actions.push([pattern, fn]),
  } as unknown as App;
  return { app, commands, actions };
}

async function setup(timeoutMs = 5000) {
  proxy = await startFakeProxy({ files: [kiroIdcFile({ clientSecret: false }).file] });
  client = createManagementClient({
    baseUrl: proxy.url,
    managementKey: proxy.state.managementKey,
    timeoutMs,
  });
  return { proxy, client };
}

describe('/auth-status', () => {
  it('acks before touching the proxy, then responds ephemerally with the status view', async () => {
    const { proxy, client } = await setup();
    const { app, commands } = fakeApp();
    registerStatusCommand(app, { proxy: client, logger, now: Date.now });
    const events: string[] = [];
    let answered: (msg: Record<string, unknown>) => void = () => undefined;
    const response = new Promise<Record<string, unknown>>((resolve) => {
      answered = resolve;
    });
    await commands.get('/auth-status')?.({
      command: { text: 'kiro', user_id: 'U1', channel_id: 'C1' },
      ack: async () => {
        events.push(`ack after ${proxy.calls.length} proxy calls`);
      },
      respond: async (msg: Record<string, unknown>) => {
        answered(msg);
      },
    });
    expect(events).toEqual(['ack after 0 proxy calls']);
    // the listener returns at once; the answer follows in the background
    const responded = await response;
    expect(responded?.response_type).toBe('ephemeral');
    expect(findBlockKitViolations(responded?.blocks)).toEqual([]);
    expect(JSON.stringify(responded?.blocks)).toContain('kiro-idc-refresh');
  });

  it('answers the next commands in the ack from the recent read, without the proxy, until it is too old', async () => {
    const { proxy, client } = await setup();
    const { app, commands } = fakeApp();
    let clock = Date.now();
    const now = () => clock;
    const answers: string[] = [];
    const reader = createStatusCommandReader({ proxy: client, logger, now }, 10_000);
    registerStatusCommand(app, { proxy: client, logger, now, reader, onAnswer: (s) => answers.push(s) });
    const run = async (text: string) => {
      let acked: unknown = 'not acked';
      let responded: Record<string, unknown> | undefined;
      let done: () => void = () => undefined;
      const answered = new Promise<void>((resolve) => {
        done = resolve;
      });
      await commands.get('/auth-status')?.({
        command: { text, user_id: 'U1', channel_id: 'C1', response_url: undefined },
        ack: async (message?: unknown) => {
          acked = message;
        },
        respond: async (msg: Record<string, unknown>) => {
          responded = msg;
          done();
        },
      });
      if (acked === undefined) await answered;
      return { acked: acked as Record<string, unknown> | undefined, responded };
    };
    const first = await run('kiro');
    expect(first.acked).toBeUndefined(); // nothing read yet: empty ack, answer through response_url
    expect(first.responded?.text).toContain('1 credential(s), 1 with problems');
    const callsAfterFirst = proxy.calls.length;
    expect(callsAfterFirst).toBeGreaterThan(0);

    clock += 2000;
    const second = await run('KIRO');
    expect(second.responded).toBeUndefined();
    expect(second.acked?.response_type).toBe('ephemeral');
    expect(second.acked?.text).toBe(first.responded?.text);
    expect(findBlockKitViolations(second.acked?.blocks)).toEqual([]);
    expect(JSON.stringify(second.acked?.blocks)).toContain('Read from the proxy at');
    expect(proxy.calls.length).toBe(callsAfterFirst);

    const other = await run(''); // another key (all providers) has no recent read of its own
    expect(other.acked).toBeUndefined();
    expect(other.responded?.text).toContain('credential(s)');

    clock += 8001; // the kiro read is now older than 10 s
    const late = await run('kiro');
    expect(late.acked).toBeUndefined();
    expect(late.responded?.text).toContain('1 credential(s)');
    await new Promise((r) => setImmediate(r));
    expect(answers.filter((a) => a === 'recent_read')).toHaveLength(1);
    expect(answers.filter((a) => a === 'proxy_read')).toHaveLength(3);
  });

  it('with a max age of 0 every command reads the proxy', async () => {
    const { proxy, client } = await setup();
    const { app, commands } = fakeApp();
    const reader = createStatusCommandReader({ proxy: client, logger, now: Date.now }, 0);
    registerStatusCommand(app, { proxy: client, logger, now: Date.now, reader });
    const counts: number[] = [];
    for (let i = 0; i < 2; i++) {
      await new Promise<void>((resolve, reject) => {
        void commands.get('/auth-status')?.({
          command: { text: '', user_id: 'U1', channel_id: 'C1' },
          ack: async (message?: unknown) => {
            if (message !== undefined) reject(new Error('answered in the ack'));
          },
          respond: async () => resolve(),
        });
      });
      counts.push(proxy.calls.length);
    }
    expect(counts[1]).toBeGreaterThan(counts[0] ?? 0);
  });

  it('gives every command that waited on one read the same answer, serialized once, posted to each response_url', async () => {
    const { app, commands } = fakeApp();
    let release: (r: StatusReport) => void = () => undefined;
    const keys: string[] = [];
    const reader = createStatusReader(
      (key) => {
        keys.push(key);
        return new Promise<StatusReport>((resolve) => {
          release = resolve;
        });
      },
      { now: Date.now, maxAgeMs: 10_000 },
    );
    const posts: { url: string; body: unknown }[] = [];
    const responder = {
      post: async (url: string, body: Record<string, unknown> | string) => {
        posts.push({ url, body });
      },
      close: async () => undefined,
    };
    const answers: string[] = [];
    registerStatusCommand(app, {
      proxy: {} as never, // never called: the reader stands in for the proxy
      logger,
      now: Date.now,
      reader,
      responder,
      onAnswer: (source) => answers.push(source),
    });
    const acks: unknown[] = [];
    for (let i = 0; i < 5; i++)
      await commands.get('/auth-status')?.({
        command: { text: '', user_id: `U${i}`, channel_id: 'C1', response_url: `https://hooks.test/${i}` },
        ack: async (m?: unknown) => {
          acks.push(m);
        },
        respond: async () => {
          throw new Error('the pooled responder answers');
        },
      });
    expect(acks).toEqual([undefined, undefined, undefined, undefined, undefined]);
    expect(keys).toEqual(['']);
    release({ server: { url: 'http://proxy', reachable: true, version: 'v7' }, credentials: [] });
    await vi.waitFor(() => expect(posts).toHaveLength(5));
    expect(posts.map((p) => p.url).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `https://hooks.test/${i}`));
    expect(typeof posts[0]?.body).toBe('string');
    expect(new Set(posts.map((p) => p.body)).size).toBe(1);
    expect(JSON.parse(posts[0]?.body as string).response_type).toBe('ephemeral');
    await vi.waitFor(() => expect(answers).toHaveLength(5));

    // a malformed provider is answered in the ack, with no read
    let bad: { text?: string } | undefined;
    await commands.get('/auth-status')?.({
      command: { text: '../etc', user_id: 'U9', channel_id: 'C1', response_url: 'https://hooks.test/9' },
      ack: async (m?: { text?: string }) => {
        bad = m;
      },
      respond: async () => undefined,
    });
    expect(bad?.text).toContain('Invalid provider');
    expect(keys).toEqual(['']);
  });

  it('answers a burst of thousands released by one read with at most RESPOND_CONCURRENCY posts in flight', async () => {
    const { app, commands } = fakeApp();
    let release: (r: StatusReport) => void = () => undefined;
    const reader = createStatusReader(
      () =>
        new Promise<StatusReport>((resolve) => {
          release = resolve;
        }),
      { now: Date.now, maxAgeMs: 10_000 },
    );
    let inFlight = 0;
    let most = 0;
    const posted = new Set<string>();
    const responder = {
      post: async (url: string) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        if (url.endsWith('/13')) throw new Error('Slack refused the answer (HTTP 500).');
        posted.add(url);
      },
      close: async () => undefined,
    };
    const answers: string[] = [];
    registerStatusCommand(app, {
      proxy: {} as never,
      logger,
      now: Date.now,
      reader,
      responder,
      onAnswer: (source) => answers.push(source),
    });
    const n = 2000;
    for (let i = 0; i < n; i++)
      await commands.get('/auth-status')?.({
        command: { text: '', user_id: `U${i}`, channel_id: 'C1', response_url: `https://hooks.test/${i}` },
        ack: async () => undefined,
        respond: async () => undefined,
      });
    release({ server: { url: 'http://proxy', reachable: true, version: 'v7' }, credentials: [] });
    await vi.waitFor(() => expect(posted.size).toBe(n - 1), { timeout: 10_000 });
    expect(most).toBe(RESPOND_CONCURRENCY);
    expect(posted.has('https://hooks.test/13')).toBe(false);
    expect(answers).toHaveLength(n - 1);
  });

  it('a command that arrives after the bot changed the proxy does not join a read started before', async () => {
    const { app, commands } = fakeApp();
    const releases: ((r: StatusReport) => void)[] = [];
    const reader = createStatusReader(
      () =>
        new Promise<StatusReport>((resolve) => {
          releases.push(resolve);
        }),
      { now: Date.now, maxAgeMs: 10_000 },
    );
    const posts: { url: string; body: string }[] = [];
    registerStatusCommand(app, {
      proxy: {} as never,
      logger,
      now: Date.now,
      reader,
      responder: {
        post: async (url: string, body: Record<string, unknown> | string) => {
          posts.push({ url, body: String(body) });
        },
        close: async () => undefined,
      },
    });
    const send = (id: string) =>
      commands.get('/auth-status')?.({
        command: { text: '', user_id: 'U1', channel_id: 'C1', response_url: `https://hooks.test/${id}` },
        ack: async () => undefined,
        respond: async () => undefined,
      });
    await send('before');
    reader.invalidate(); // e.g. an approved refresh just ran
    await send('after');
    expect(releases).toHaveLength(2);
    releases[0]?.({ server: { url: 'http://old-read', reachable: true, version: 'v7' }, credentials: [] });
    releases[1]?.({ server: { url: 'http://new-read', reachable: true, version: 'v7' }, credentials: [] });
    await vi.waitFor(() => expect(posts).toHaveLength(2));
    const byUrl = Object.fromEntries(posts.map((p) => [p.url, p.body]));
    expect(byUrl['https://hooks.test/before']).toContain('old-read');
    expect(byUrl['https://hooks.test/after']).toContain('new-read');
  });

  it('answers with the error view within 10 s when the proxy hangs (default deadlines)', async () => {
    const { proxy } = await setup();
    await proxy.setFault({ kind: 'hang', scope: 'all' });
    const started = Date.now();
    const view = await answerStatus({ proxy: client as HttpManagementClient, logger, now: Date.now }, '');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(view.text).toMatch(/did not answer|took longer/);
    expect(findBlockKitViolations(view.blocks)).toEqual([]);
  }, 15_000);

  it('holds its own deadline even when a client call would wait longer', async () => {
    const { proxy } = await setup(60_000);
    await proxy.setFault({ kind: 'hang', scope: 'all' });
    const started = Date.now();
    const view = await answerStatus(
      { proxy: client as HttpManagementClient, logger, now: Date.now, deadlineMs: 300 },
      '',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(view.text).toContain('took longer than');
  });

  it('answers a bad provider name with an error view, without calling the proxy', async () => {
    const { proxy, client } = await setup();
    const view = await answerStatus({ proxy: client, logger, now: Date.now }, '../../etc');
    expect(view.text).toContain('Invalid provider');
    expect(proxy.calls).toHaveLength(0);
  });
});

describe('check_run buttons', () => {
  it("acks, runs the row's check and responds ephemerally", async () => {
    const { client } = await setup();
    const { app, actions } = fakeApp();
    registerCheckAction(app, { proxy: client, logger, now: Date.now });
    const [pattern, listener] = actions[0] ?? [];
    expect(pattern).toBeInstanceOf(RegExp);
    expect((pattern as RegExp).test('check_run:kiro-idc-refresh')).toBe(true);
    let acked = false;
    let responded: Record<string, unknown> | undefined;
    await listener?.({
      action: { type: 'button', action_id: 'check_run:kiro-idc-refresh', value: 'kiro-idc-refresh' },
      body: { user: { id: 'U1' }, channel: { id: 'C1' } },
      ack: async () => {
        acked = true;
      },
      respond: async (msg: Record<string, unknown>) => {
        expect(acked).toBe(true);
        responded = msg;
      },
    });
    expect(responded?.response_type).toBe('ephemeral');
    expect(responded?.text).toContain('Check kiro-idc-refresh: confirmed');
    expect(findBlockKitViolations(responded?.blocks)).toEqual([]);
  });
});
