// /auth-status and the check buttons: handler logic against the fake proxy, through a minimal App stand-in.
import type { App } from '@slack/bolt';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../../src/cliproxy/client.js';
import { registerCheckAction } from '../../../src/slack/actions/check.js';
import { answerStatus, registerStatusCommand } from '../../../src/slack/commands/status.js';
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
