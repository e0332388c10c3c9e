// The rollback action over a real ManagementClient and the fake proxy: execute (pre-rollback snapshot,
// PUT keeping remote-management, the server's refusals reported as they are) and verify.
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import {
  executeRollback,
  prepareRollback,
  recheckRollbackTarget,
  verifyRollback,
} from '../../src/domain/actions/rollback.js';
import { parseConfigYaml } from '../../src/domain/config/blocks.js';
import { AppError } from '../../src/errors.js';
import { Snapshotter } from '../../src/snapshots/snapshotter.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, startFakeProxy } from '../fakes/fake-proxy.js';

const HASHED = '$2a$10$abcdefghijklmnopqrstuuOlwbJ0qJbtqXN9sFq4/CxyZ1q2w3e4r';
const OLD = `api-keys: ["k-1"]\nremote-management:\n  secret-key: "old"\nproxy-url: "http://old:3128"\n`;
const LIVE = `api-keys: ["k-1", "k-2"]\nremote-management:\n  secret-key: "${HASHED}"\n  allow-remote: false\nproxy-url: ""\n`;

let proxy: FakeProxy;
let client: HttpManagementClient;
let store: Store;
let snapshotter: Snapshotter;
const clock = { t: Date.parse('2026-08-29T10:00:00Z') };

async function setup(live = LIVE) {
  proxy = await startFakeProxy({ configYaml: live });
  client = createManagementClient({ baseUrl: proxy.url, managementKey: DEFAULT_MANAGEMENT_KEY, retries: 0 });
  store = await openStore(`file:${join(mkdtempSync(join(tmpdir(), 'rb-')), 'bot.sqlite')}`);
  snapshotter = new Snapshotter({
    store,
    client,
    logger: pino({ level: 'silent' }),
    now: () => clock.t++,
    intervalMs: 60_000,
    keep: 50,
    owner: 'a',
  });
  return (await snapshotter.snapshotNow('interval', OLD)).snapshot;
}

afterEach(async () => {
  await client?.close();
  await store?.close();
  await proxy?.close();
});

const deps = () => ({
  client,
  now: () => Date.now(),
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
});
const timing = { pollIntervalMs: 20, timeoutMs: 300, canary: { clientKey: undefined, model: undefined } };

describe('rollback action', () => {
  it('prepares a plan whose fingerprint is what a recheck reads while nothing changes', async () => {
    const snap = await setup();
    const prepared = await prepareRollback(client, snapshotter, snap.id);
    expect(prepared.params.changedBlocks).toEqual(['api-keys', 'proxy-url']);
    const again = await recheckRollbackTarget(client, prepared.plan.liveFingerprint, snap);
    expect(again.fingerprint).toBe(prepared.plan.liveFingerprint);
    proxy.state.configYaml = LIVE.replace('proxy-url: ""', 'proxy-url: "http://x"');
    const changed = await recheckRollbackTarget(client, prepared.plan.liveFingerprint, snap);
    expect(changed.fingerprint).not.toBe(prepared.plan.liveFingerprint);
    expect(changed.change).toContain('proxy-url');
  });

  it('makes a change outside the shown blocks (ws-auth) stale, naming it; a remote-management rewrite does not', async () => {
    const snap = await setup();
    const prepared = await prepareRollback(client, snapshotter, snap.id);
    const shown = [...prepared.params.changedBlocks, ...prepared.params.otherChangedBlocks];
    expect(shown).not.toContain('ws-auth');
    // the server rewriting the management key (or any remote-management edit) is kept by the plan: not stale
    proxy.state.configYaml = LIVE.replace(HASHED, '$2a$10$another-bcrypt-hash-of-the-same-key');
    const same = await recheckRollbackTarget(client, prepared.plan.liveFingerprint, snap, shown);
    expect(same.fingerprint).toBe(prepared.plan.liveFingerprint);
    proxy.state.configYaml = `${LIVE}ws-auth: true\n`;
    const changed = await recheckRollbackTarget(client, prepared.plan.liveFingerprint, snap, shown);
    expect(changed.fingerprint).not.toBe(prepared.plan.liveFingerprint);
    expect(changed.change).toContain('ws-auth');
  });

  it('refuses at run time when the live config changed after the approval, before any snapshot or PUT', async () => {
    const snap = await setup();
    const prepared = await prepareRollback(client, snapshotter, snap.id);
    const shown = [...prepared.params.changedBlocks, ...prepared.params.otherChangedBlocks];
    proxy.state.configYaml = `${LIVE}ws-auth: true\n`;
    const snapshotsBefore = (await store.listSnapshots()).length;
    const out = await executeRollback(client, snapshotter, snap, 'req-late', {
      fingerprint: prepared.plan.liveFingerprint,
      shown,
    });
    expect(out.kind).toBe('failed');
    expect(out.summary).toContain('ws-auth');
    expect(out.summary).toContain('nothing was changed');
    expect(proxy.callsTo('/v0/management/config.yaml', 'PUT')).toHaveLength(0);
    expect((await store.listSnapshots()).length).toBe(snapshotsBefore);
    expect(parseYaml(proxy.state.configYaml)['ws-auth']).toBe(true);
  });

  it('writes nothing when the pre-rollback snapshot fails, and says why', async () => {
    const snap = await setup();
    const failing = {
      getSnapshot: (id: string) => snapshotter.getSnapshot(id),
      fingerprinter: () => snapshotter.fingerprinter(),
      snapshotNow: async () => {
        throw new AppError('store_error', 'The store could not write: disk full');
      },
    };
    const out = await executeRollback(client, failing, snap, 'req-nosnap');
    expect(out.kind).toBe('failed');
    expect(out.summary).toContain('The pre-rollback snapshot failed');
    expect(out.summary).toContain('disk full');
    expect(out.summary).toContain('nothing was changed');
    expect(proxy.callsTo('/v0/management/config.yaml', 'PUT')).toHaveLength(0);
  });

  it('takes a pre-rollback snapshot, PUTs the snapshot with the live remote-management, and verifies', async () => {
    const snap = await setup();
    const out = await executeRollback(client, snapshotter, snap, 'req-1');
    expect(out.kind).toBe('done');
    if (out.kind !== 'done') return;
    const pre = await store.getSnapshot(out.preRollbackId);
    expect(pre).toMatchObject({ content: LIVE, reason: 'pre-rollback:req-1' });
    const put = parseYaml(proxy.callsTo('/v0/management/config.yaml', 'PUT')[0]!.body);
    expect(put['remote-management']).toEqual({ 'secret-key': HASHED, 'allow-remote': false });
    expect(put['api-keys']).toEqual(['k-1']);
    const report = await verifyRollback(deps(), out.target, snap.id, timing);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['auth/provider blocks', true],
      ['management API', true],
      ['running config', true],
      ['canary', true],
    ]);
    expect(report.ok).toBe(true);
  });

  it.each([
    [
      400,
      '{"error":"invalid_yaml","message":"yaml: line 3: did not find expected key"}',
      'did not find expected key',
    ],
    [
      422,
      '{"error":"invalid_config","message":"claude-api-key[0]: base-url must be a URL"}',
      'base-url must be a URL',
    ],
    [
      500,
      '{"error":"write_failed","message":"open config.yaml: read-only file system"}',
      'read-only file system',
    ],
  ])(
    'reports a %s from PUT with the server message and changes nothing else',
    async (status, body, words) => {
      const snap = await setup();
      // the real client talks HTTP to a front that passes every call to the fake proxy, except that it
      // answers the PUT itself with the server's refusal
      const puts: string[] = [];
      const front = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (req.method === 'PUT' && req.url === '/v0/management/config.yaml') {
            puts.push(text);
            res.writeHead(status, { 'content-type': 'application/json', 'x-cpa-version': 'v7' });
            res.end(body);
            return;
          }
          void fetch(`${proxy.url}${req.url}`, {
            method: req.method ?? 'GET',
            headers: { authorization: req.headers.authorization ?? '' },
            ...(text ? { body: text } : {}),
          }).then(async (r) => {
            res.writeHead(r.status, Object.fromEntries(r.headers));
            res.end(Buffer.from(await r.arrayBuffer()));
          });
        });
      });
      front.listen(0, '127.0.0.1');
      await once(front, 'listening');
      const frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
      const refused = createManagementClient({
        baseUrl: frontUrl,
        managementKey: DEFAULT_MANAGEMENT_KEY,
        retries: 0,
      });
      try {
        const out = await executeRollback(refused, snapshotter, snap, 'req-2');
        expect(out.kind).toBe('failed');
        expect(out.summary).toContain(words);
        expect(out.summary).toContain('Nothing else was changed');
        // the rollback was really attempted once, with the snapshot's content and the live remote-management
        expect(puts).toHaveLength(1);
        expect(parseYaml(puts[0] as string)['api-keys']).toEqual(['k-1']);
        // ... and nothing else was written: no other PUT/PATCH/POST reached the proxy, the config is as it was
        expect(proxy.calls.filter((c) => c.method !== 'GET')).toEqual([]);
        expect(proxy.state.configYaml).toBe(LIVE);
        // the pre-rollback snapshot it names holds the live config
        const preId = /pre-rollback snapshot is `([^`]+)`/.exec(out.summary)?.[1];
        expect(await store.getSnapshot(preId as string)).toMatchObject({
          content: LIVE,
          reason: 'pre-rollback:req-2',
        });
      } finally {
        await refused.close();
        front.closeAllConnections();
        await new Promise((r) => front.close(r));
      }
    },
  );

  it('fails verification when the live blocks still differ, naming them', async () => {
    const snap = await setup();
    const report = await verifyRollback(deps(), parseConfigYaml(snap.content), snap.id, timing);
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'auth/provider blocks', ok: false });
    expect(report.checks[0]?.detail).toContain('api-keys, proxy-url');
  });

  it('fails verification when the management API stopped answering, with its runbook row', async () => {
    const snap = await setup();
    proxy.state.managementKey = undefined; // management switched off: 404 everywhere
    const report = await verifyRollback(deps(), parseConfigYaml(snap.content), snap.id, timing);
    expect(report.ok).toBe(false);
    expect(report.checks[0]).toMatchObject({ name: 'management API', ok: false, runbook: 'refresh-404' });
  });

  it('runs the canary when configured and fails on its answer', async () => {
    const snap = await setup();
    proxy.state.canary = {
      status: 503,
      body: { error: { message: 'auth_unavailable: no auth available', code: 'auth_unavailable' } },
    };
    await executeRollback(client, snapshotter, snap, 'req-3');
    const report = await verifyRollback(deps(), parseConfigYaml(OLD), snap.id, {
      ...timing,
      canary: { clientKey: 'k-1', model: 'm' },
    });
    expect(report.checks.at(-1)).toMatchObject({ name: 'canary', ok: false, runbook: 'auth-unavailable' });
    expect(report.runbook).toBe('auth-unavailable');
  });

  it('refuses unknown snapshots and snapshots equal to the live config', async () => {
    await setup(OLD);
    await expect(prepareRollback(client, snapshotter, '20200101-000000-abcd')).rejects.toMatchObject({
      code: 'not_found',
    });
    const [same] = await store.listSnapshots(1);
    await expect(prepareRollback(client, snapshotter, same!.id)).rejects.toBeInstanceOf(AppError);
    await expect(prepareRollback(client, snapshotter, same!.id)).rejects.toMatchObject({ code: 'conflict' });
  });
});
