// Config snapshots and approval-gated /auth-rollback end to end: the real bot over HTTP, fake Slack,
// fake CLIProxyAPI. Configs full of secrets; none may appear in Slack, logs or the audit trail.
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  blocksText,
  buttonsOf,
  click,
  ephemeralFor,
  threadFor,
  updateFor,
} from '../approvals/e2e-helpers.js';
import { leakedSecrets, SECRETS } from '../domain/config/secrets.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, kiroIdcFile, startFakeProxy } from '../fakes/fake-proxy.js';
import type { SlackCall } from '../fakes/fake-slack.js';
import { type Harness, startHarness } from './harness.js';

const POLICY = `
channels: [C0INCIDENT]
approvers: { users: [U0ALICE, U0BOB, U0CAROL, U0REQ] }
actions:
  rollback: { cooldown: 0s }
`;

const CLIENT_KEY = 'sk-live-client-key-0001';
const HASHED = '$2a$10$abcdefghijklmnopqrstuuOlwbJ0qJbtqXN9sFq4/CxyZ1q2w3e4r';

/** The config before the bad change: secrets everywhere. */
const GOOD = `# production config
host: "127.0.0.1"
port: 8317
api-keys:
  - "${CLIENT_KEY}"
  - "plain-client-key-0002"
remote-management:
  allow-remote: false
  secret-key: "${HASHED}"
proxy-url: "socks5://user:proxy-password-7777@10.0.0.1:1080"
claude-api-key:
  - api-key: "sk-ant-api03-claude-secret-aaaa"
    base-url: "https://api.anthropic.com"
    headers:
      Authorization: "Bearer-header-token-9999"
openai-compatibility:
  - name: "openrouter"
    base-url: "https://openrouter.ai/api/v1"
    api-key-entries:
      - api-key: "sk-or-openrouter-secret-1111"
`;

/** The config after someone's change through the API: new client key, other proxy, new remote-management. */
const BAD = `host: "127.0.0.1"
port: 8317
api-keys:
  - "${CLIENT_KEY}"
  - "plain-client-key-0002"
  - "codex-secret-value-xyz"
remote-management:
  allow-remote: false
  secret-key: "${HASHED}"
  disable-control-panel: true
proxy-url: ""
claude-api-key:
  - api-key: "sk-ant-api03-claude-secret-aaaa"
    base-url: "https://claude-proxy.internal"
openai-compatibility:
  - name: "openrouter"
    base-url: "https://openrouter.ai/api/v1"
    api-key-entries:
      - api-key: "sk-or-openrouter-secret-1111"
`;

let proxy: FakeProxy;
let h: Harness;
afterEach(async () => {
  await h?.stop();
  await proxy?.close();
});

async function start(policy = POLICY): Promise<void> {
  proxy = await startFakeProxy({ configYaml: GOOD, clientKeys: [CLIENT_KEY, 'plain-client-key-0002'] });
  h = await startHarness({
    policy,
    env: {
      CLIPROXY_URL: proxy.url,
      CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
      CLIPROXY_CLIENT_KEY: CLIENT_KEY,
      CLIPROXY_CANARY_MODEL: 'claude-sonnet-4',
      AUTHBOT_SNAPSHOT_INTERVAL: '1h',
    },
  });
}

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Changes the live config the way a person would: PUT /v0/management/config.yaml. */
async function putConfig(yaml: string): Promise<void> {
  const res = await fetch(`${proxy.url}/v0/management/config.yaml`, {
    method: 'PUT',
    body: yaml,
    headers: { authorization: `Bearer ${DEFAULT_MANAGEMENT_KEY}`, 'content-type': 'application/yaml' },
  });
  expect(res.status).toBe(200);
}

async function firstSnapshotId(): Promise<string> {
  const snap = await until(async () => (await h.bot.store.listSnapshots())[0], 'the start-up snapshot');
  expect(snap.content).toBe(GOOD);
  return snap.id;
}

async function listReply(responseUrlId: string): Promise<SlackCall> {
  await h.command('/auth-rollback', '', { user: 'U0REQ', responseUrl: h.slack.responseUrl(responseUrlId) });
  return h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === responseUrlId);
}

async function requestRollback(snapshotId: string): Promise<{ id: string; call: SlackCall }> {
  const before = h.slack.callsTo('chat.postMessage').length;
  const res = await h.command('/auth-rollback', snapshotId, { user: 'U0REQ', channel: 'C0INCIDENT' });
  expect(res.status).toBe(200);
  const call = await h.slack.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.args.thread_ts === undefined &&
      buttonsOf(c).some((b) => b.actionId === 'approve') &&
      h.slack.callsTo('chat.postMessage').indexOf(c) >= before,
  );
  return { id: buttonsOf(call).find((b) => b.actionId === 'approve')!.value, call };
}

const w = () => ({ h, proxy, secrets: SECRETS, close: async () => undefined });

async function expectNothingLeaked(): Promise<void> {
  const slack = JSON.stringify(h.slack.calls.filter((c) => c.method !== 'auth.test').map((c) => c.args));
  const audit = JSON.stringify(await h.bot.store.listAudit({ limit: 5000 }));
  expect(leakedSecrets(slack)).toEqual([]);
  expect(leakedSecrets(h.logs())).toEqual([]);
  expect(leakedSecrets(audit)).toEqual([]);
  for (const text of [slack, h.logs(), audit]) expect(text).not.toContain(HASHED);
}

describe('/auth-rollback over HTTP', () => {
  it('lists snapshots, requests a rollback with a masked diff, rolls back after two approvals, and re-applies', async () => {
    await start();
    const goodId = await firstSnapshotId();
    await putConfig(BAD);

    // list: id, short hash, the blocks that differ from the live config
    const list = blocksText(await listReply('list-1'));
    expect(list).toContain(goodId);
    for (const block of ['api-keys', 'claude-api-key', 'proxy-url']) expect(list).toContain(block);
    expect(list).not.toContain('openai-compatibility');

    // the request message names the changed blocks and shows their masked diff
    const { id, call } = await requestRollback(goodId);
    const request = blocksText(call);
    expect(buttonsOf(call).map((b) => b.text)).toEqual(['Approve', 'Deny']);
    expect(request).toContain('Config blocks it changes');
    expect(request).toMatch(/api-keys\[hmac:[0-9a-f]{8}\]/);
    expect(request).toContain('https://claude-proxy.internal');
    expect(request).toContain('https://api.anthropic.com');
    expect(request).toContain('remote-management');
    expect(request).toContain('Approvals needed');

    // two approvals, not the requester
    await click(w(), 'approve', id, 'U0REQ');
    await ephemeralFor(w(), 'U0REQ', 'cannot approve it yourself');
    await click(w(), 'approve', id, 'U0ALICE');
    await updateFor(w(), '1 of 2');
    expect(proxy.callsTo('/v0/management/config.yaml', 'PUT')).toHaveLength(1); // only our putConfig
    await click(w(), 'approve', id, 'U0BOB');
    await updateFor(w(), 'Verified');
    const done = await threadFor(w(), 'Verified');

    // the PUT carried the snapshot with the live remote-management block
    const puts = proxy.callsTo('/v0/management/config.yaml', 'PUT');
    expect(puts).toHaveLength(2);
    const body = parseYaml(puts[1]!.body) as Record<string, unknown>;
    expect(body['remote-management']).toEqual(
      (parseYaml(BAD) as Record<string, unknown>)['remote-management'],
    );
    expect(body['api-keys']).toEqual([CLIENT_KEY, 'plain-client-key-0002']);
    expect(puts[1]!.body).toContain('# production config');
    expect(proxy.state.managementKey).toBe(DEFAULT_MANAGEMENT_KEY); // management API still on

    // the pre-rollback snapshot is one command away
    const pre = (await h.bot.store.listSnapshots()).find((s) => s.reason === `pre-rollback:${id}`);
    expect(pre?.content).toBe(BAD);
    expect(blocksText(done)).toContain(`/auth-rollback ${pre!.id}`);
    const audit = await h.bot.store.listAudit({ correlationId: id, limit: 500 });
    expect(audit.map((e) => e.kind)).toEqual(
      expect.arrayContaining([
        'request.created',
        'vote.cast',
        'request.approved',
        'proxy.call',
        'verify.result',
        'request.verified',
      ]),
    );

    // re-apply: a rollback to the pre-rollback snapshot
    const again = await requestRollback(pre!.id);
    expect(blocksText(again.call)).toContain('proxy-url');
    await click(w(), 'approve', again.id, 'U0ALICE');
    await click(w(), 'approve', again.id, 'U0BOB');
    await h.slack.waitFor(
      (c) =>
        c.method === 'chat.update' && blocksText(c).includes('Verified') && blocksText(c).includes(again.id),
      12_000,
    );
    const reapplied = parseYaml(proxy.state.configYaml) as Record<string, unknown>;
    expect(reapplied['api-keys']).toContain('codex-secret-value-xyz');
    expect(reapplied['proxy-url']).toBe('');

    await expectNothingLeaked();
  });

  it('with the default 5m cooldown, still lets the advertised re-apply through, but not another rollback', async () => {
    await start('channels: [C0INCIDENT]\napprovers: { users: [U0ALICE, U0BOB, U0CAROL, U0REQ] }\n');
    const goodId = await firstSnapshotId();
    await putConfig(BAD);
    const first = await requestRollback(goodId);
    await click(w(), 'approve', first.id, 'U0ALICE');
    await click(w(), 'approve', first.id, 'U0BOB');
    await updateFor(w(), 'Verified');
    const pre = (await h.bot.store.listSnapshots()).find((s) => s.reason === `pre-rollback:${first.id}`);
    expect(pre).toBeDefined();

    await h.command('/auth-rollback', goodId, { user: 'U0CAROL', channel: 'C0INCIDENT' });
    await ephemeralFor(w(), 'U0CAROL', 'cooling down');

    const undo = await requestRollback(pre!.id);
    expect(buttonsOf(undo.call).map((b) => b.text)).toEqual(['Approve', 'Deny']);
  });

  it('executes at most once when the last two approvals race', async () => {
    await start();
    const goodId = await firstSnapshotId();
    await putConfig(BAD);
    const { id } = await requestRollback(goodId);
    await click(w(), 'approve', id, 'U0ALICE');
    await updateFor(w(), '1 of 2');
    const acks = await Promise.all([
      click(w(), 'approve', id, 'U0BOB'),
      click(w(), 'approve', id, 'U0CAROL'),
      click(w(), 'approve', id, 'U0BOB'),
    ]);
    expect(acks.map((r) => r.status)).toEqual([200, 200, 200]);
    await updateFor(w(), 'Verified');
    await new Promise((r) => setTimeout(r, 200));
    expect(proxy.callsTo('/v0/management/config.yaml', 'PUT')).toHaveLength(2); // ours + exactly one rollback
    expect((await h.bot.store.listExecutions()).filter((e) => e.requestId === id)).toHaveLength(1);
  });

  it('expires like any request: no approval in time, nothing changed, late clicks refused', async () => {
    proxy = await startFakeProxy({ configYaml: GOOD, clientKeys: [CLIENT_KEY] });
    h = await startHarness({
      policy: POLICY.replace('rollback: { cooldown: 0s }', 'rollback: { cooldown: 0s, ttl: 1s }'),
      env: {
        CLIPROXY_URL: proxy.url,
        CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
        AUTHBOT_SNAPSHOT_INTERVAL: '1h',
      },
    });
    const goodId = await firstSnapshotId();
    await putConfig(BAD);
    const { id } = await requestRollback(goodId);
    await updateFor(w(), 'Expired', 8000);
    await click(w(), 'approve', id, 'U0ALICE');
    await ephemeralFor(w(), 'U0ALICE', 'expired');
    expect(proxy.callsTo('/v0/management/config.yaml', 'PUT')).toHaveLength(1); // ours only
  });

  it('with AUTHBOT_SNAPSHOT_KEY the bot stores snapshots encrypted: no secret in the database file', async () => {
    proxy = await startFakeProxy({ configYaml: GOOD, clientKeys: [CLIENT_KEY] });
    h = await startHarness({
      policy: POLICY,
      env: {
        CLIPROXY_URL: proxy.url,
        CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
        AUTHBOT_SNAPSHOT_INTERVAL: '1h',
        AUTHBOT_SNAPSHOT_KEY: Buffer.alloc(32, 1).toString('base64'),
      },
    });
    await firstSnapshotId(); // decrypted through the store
    await h.stop();
    const file = String(h.env.AUTHBOT_DATABASE_URL).slice('file:'.length);
    const raw = new Database(file, { readonly: true });
    const rows = raw.prepare('SELECT content, encrypted FROM snapshots').all() as {
      content: string;
      encrypted: number;
    }[];
    raw.close();
    expect(rows.map((r) => r.encrypted)).toEqual([1]);
    expect(leakedSecrets(rows[0]!.content)).toEqual([]);
    expect(leakedSecrets(readFileSync(file).toString('latin1'))).toEqual([]);
  });

  it('makes the request stale when the live auth blocks change before approval', async () => {
    await start();
    const goodId = await firstSnapshotId();
    await putConfig(BAD);
    const { id } = await requestRollback(goodId);
    await putConfig(BAD.replace('proxy-url: ""', 'proxy-url: "http://other:3128"'));
    await click(w(), 'approve', id, 'U0ALICE');
    await updateFor(w(), 'Stale');
    await threadFor(w(), 'changed since approvers were shown the request');
    expect(proxy.callsTo('/v0/management/config.yaml', 'PUT')).toHaveLength(2); // ours only
    await expectNothingLeaked();
  });

  it('makes the request stale when a setting outside the shown diff (ws-auth) changes before approval', async () => {
    await start();
    const goodId = await firstSnapshotId();
    await putConfig(BAD);
    const { id, call } = await requestRollback(goodId);
    // what approvers were shown: ws-auth is not among the keys the rollback changes
    expect(blocksText(call)).not.toContain('ws-auth');
    await putConfig(`${BAD}ws-auth: true\n`);
    await click(w(), 'approve', id, 'U0ALICE');
    await click(w(), 'approve', id, 'U0BOB');
    await updateFor(w(), 'Stale');
    const why = await threadFor(w(), 'changed since approvers were shown the request');
    expect(blocksText(why)).toContain('ws-auth');
    expect((await h.bot.store.getRequest(id))?.state).toBe('stale');
    // nothing was rolled back: the live config keeps ws-auth, and only our two PUTs reached the proxy
    expect(proxy.callsTo('/v0/management/config.yaml', 'PUT')).toHaveLength(2);
    expect(parseYaml(proxy.state.configYaml)['ws-auth']).toBe(true);
    await expectNothingLeaked();
  });

  it('refuses a rollback to a snapshot that matches the live config, and an unknown one', async () => {
    await start();
    const goodId = await firstSnapshotId();
    await h.command('/auth-rollback', goodId, { user: 'U0REQ', channel: 'C0INCIDENT' });
    await ephemeralFor(w(), 'U0REQ', 'already matches');
    await h.command('/auth-rollback', '20200101-000000-abcd', { user: 'U0REQ', channel: 'C0INCIDENT' });
    await ephemeralFor(w(), 'U0REQ', 'no config snapshot');
    await h.command('/auth-rollback', 'not-an-id', {
      user: 'U0REQ',
      responseUrl: h.slack.responseUrl('bad-id'),
    });
    const usage = await h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'bad-id');
    expect(String(usage.args.text)).toContain('is not a snapshot id');
  });

  it('takes a pre-mutation snapshot before other actions too (refresh, through the engine hook)', async () => {
    const seeded = kiroIdcFile({
      name: 'kiro-a.json',
      expiresAt: new Date(Date.now() + 600_000).toISOString(),
    });
    proxy = await startFakeProxy({ configYaml: GOOD, files: [seeded.file], routes: { seedRefresh: true } });
    h = await startHarness({
      policy: POLICY,
      env: {
        CLIPROXY_URL: proxy.url,
        CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
        AUTHBOT_SNAPSHOT_INTERVAL: '1h',
      },
    });
    await firstSnapshotId();
    await putConfig(BAD); // changed since the start-up snapshot, and not snapshotted yet (interval 1h)
    await h.command('/auth-refresh', 'kiro', { user: 'U0REQ', channel: 'C0INCIDENT' });
    const call = await h.slack.waitFor((c) => c.method === 'chat.postMessage' && buttonsOf(c).length > 0);
    const id = buttonsOf(call)[0]!.value;
    await click(w(), 'approve', id, 'U0ALICE');
    await updateFor(w(), /Verified|Verification failed|Failed/);
    const pre = (await h.bot.store.listSnapshots()).find((s) => s.reason === `pre-mutation:${id}`);
    expect(pre?.content).toBe(BAD);
    const refresh = proxy.callsTo('/v0/management/auths/kiro/refresh', 'POST')[0];
    const snapshotRead = proxy.callsTo('/v0/management/config.yaml', 'GET').at(-1);
    expect(snapshotRead!.at).toBeLessThanOrEqual(refresh!.at);
  });
});
