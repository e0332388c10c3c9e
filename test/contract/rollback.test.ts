// Rollback against the real CLIProxyAPI server: snapshot, change the config through the API, roll back
// (remote-management kept), and see the restored values in the running config after the hot reload.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import {
  executeRollback,
  prepareRollback,
  recheckRollbackTarget,
  verifyRollback,
} from '../../src/domain/actions/rollback.js';
import { parseConfigYaml } from '../../src/domain/config/blocks.js';
import { Snapshotter } from '../../src/snapshots/snapshotter.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/types.js';
import { beforeAllLoudly, type RealServer, seedTokenFiles, startRealServer } from '../setup/real-server.js';

const EXTRA_KEY = 'extra-client-key-rollback-0001';
const NEW_PROXY = 'http://10.9.9.9:3128';

let server: RealServer;
let client: HttpManagementClient;
let store: Store;
let snapshotter: Snapshotter;

beforeAllLoudly(async () => {
  server = await startRealServer({ authFiles: seedTokenFiles().files });
  client = createManagementClient({ baseUrl: server.url, managementKey: server.managementKey });
  store = await openStore(`file:${join(mkdtempSync(join(tmpdir(), 'rb-real-')), 'bot.sqlite')}`, {
    snapshotKey: Buffer.alloc(32, 5),
  });
  snapshotter = new Snapshotter({
    store,
    client,
    logger: pino({ level: 'silent' }),
    now: Date.now,
    intervalMs: 60_000,
    keep: 50,
    owner: 'contract',
  });
});

afterAll(async () => {
  await client?.close();
  await store?.close();
  await server?.close();
});

async function runningConfig(predicate: (c: Record<string, unknown>) => boolean, timeoutMs = 3000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const c = await client.getConfig();
    if (predicate(c) || Date.now() > deadline) return c;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const keysOf = (c: Record<string, unknown>) => (c['api-keys'] as string[] | undefined) ?? [];
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('rollback on the real server', () => {
  it('restores the snapshot, keeps the management API on, and the running config shows it', async () => {
    const before = await client.getConfig();
    expect(keysOf(before)).toContain(server.clientKey);
    const taken = await snapshotter.snapshotNow('interval');
    expect(taken.stored).toBe(true);

    // someone changes the config through the API: an extra client key and a proxy
    const doc = parseDocument(await client.getConfigYaml());
    doc.set('api-keys', [...keysOf(before), EXTRA_KEY]);
    doc.set('proxy-url', NEW_PROXY);
    await client.putConfigYaml(doc.toString());
    const changed = await runningConfig((c) => keysOf(c).includes(EXTRA_KEY) && c['proxy-url'] === NEW_PROXY);
    expect(keysOf(changed)).toContain(EXTRA_KEY);
    expect(changed['proxy-url']).toBe(NEW_PROXY);

    // plan: the diff names the changed blocks; the staleness fingerprint is stable while nothing changes
    const prepared = await prepareRollback(client, snapshotter, taken.snapshot.id);
    expect(prepared.params.changedBlocks).toEqual(['api-keys', 'proxy-url']);
    expect(prepared.params.diff.join('\n')).not.toContain(EXTRA_KEY);
    const recheck = await recheckRollbackTarget(client, prepared.plan.liveFingerprint, taken.snapshot);
    expect(recheck.fingerprint).toBe(prepared.plan.liveFingerprint);

    // execute and verify
    const out = await executeRollback(client, snapshotter, taken.snapshot, 'req-real');
    expect(out.kind).toBe('done');
    if (out.kind !== 'done') return;
    const report = await verifyRollback({ client, now: Date.now, sleep }, out.target, taken.snapshot.id, {
      pollIntervalMs: 100,
      timeoutMs: 5000,
      canary: { clientKey: undefined, model: undefined },
    });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);

    // the running config shows the restored values after the hot reload
    const restored = await runningConfig(
      (c) => !keysOf(c).includes(EXTRA_KEY) && c['proxy-url'] !== NEW_PROXY,
    );
    expect(keysOf(restored)).not.toContain(EXTRA_KEY);
    expect(keysOf(restored)).toContain(server.clientKey);
    expect(restored['proxy-url'] ?? '').toBe(before['proxy-url'] ?? '');

    // the remote-management block survived on disk; the management API still answers
    const onDisk = parseConfigYaml(readFileSync(server.configPath, 'utf8'));
    expect((onDisk['remote-management'] as Record<string, unknown>)['secret-key']).toMatch(/^\$2[aby]\$/);
    expect((await client.probe()).error).toBeUndefined();

    // the pre-rollback snapshot holds the changed config: re-apply is one rollback away
    const pre = await store.getSnapshot(out.preRollbackId);
    expect(pre?.reason).toBe('pre-rollback:req-real');
    expect(pre?.content).toContain(EXTRA_KEY);
    const reapply = await prepareRollback(client, snapshotter, out.preRollbackId);
    expect(reapply.params.changedBlocks).toEqual(['api-keys', 'proxy-url']);
  });
});
