import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { hashContent } from '../../src/domain/config/fingerprint.js';
import { openStore } from '../../src/store/open.js';
import { leakedSecrets, OTHER_CONFIG, SECRET_CONFIG } from '../domain/config/secrets.js';
import { DEFAULT_MANAGEMENT_KEY, type FakeProxy, startFakeProxy } from '../fakes/fake-proxy.js';

function sink() {
  let text = '';
  const stream = new Writable({
    write(c, _e, cb) {
      text += c.toString();
      cb();
    },
  });
  return { stream, text: () => text };
}

const KEY = Buffer.alloc(32, 3).toString('base64');
let proxy: FakeProxy | undefined;
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function seed(key?: string): Promise<string> {
  const url = `file:${join(mkdtempSync(join(tmpdir(), 'cli-snap-')), 'bot.sqlite')}`;
  const store = await openStore(url, {
    snapshotKey: key === undefined ? undefined : Buffer.from(key, 'base64'),
  });
  const t = Date.parse('2026-08-29T10:15:00Z');
  await store.putSnapshot(
    {
      id: '20260829-101500-aaaa',
      takenAt: t,
      hash: hashContent(SECRET_CONFIG),
      content: SECRET_CONFIG,
      reason: 'interval',
    },
    50,
  );
  await store.putSnapshot(
    {
      id: '20260829-102000-bbbb',
      takenAt: t + 300_000,
      hash: hashContent(OTHER_CONFIG),
      content: OTHER_CONFIG,
      reason: 'pre-rollback:req-1',
    },
    50,
  );
  await store.close();
  return url;
}

async function run(args: string[], env: Record<string, string | undefined>) {
  const out = sink();
  const err = sink();
  const code = await runCli(['snapshots', ...args], { env, stdout: out.stream, stderr: err.stream });
  return { code, out: out.text(), err: err.text() };
}

describe('auth-bot snapshots', () => {
  it('prints the fixed --json shape, newest first, compared with the live config', async () => {
    proxy = await startFakeProxy({ configYaml: OTHER_CONFIG });
    const url = await seed(KEY);
    const r = await run(['--json'], {
      AUTHBOT_DATABASE_URL: url,
      AUTHBOT_SNAPSHOT_KEY: KEY,
      CLIPROXY_URL: proxy.url,
      CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
    });
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const json = JSON.parse(r.out);
    expect(json).toEqual({
      snapshots: [
        {
          id: '20260829-102000-bbbb',
          taken_at: '2026-08-29T10:20:00Z',
          hash: hashContent(OTHER_CONFIG),
          changed_blocks: [],
        },
        {
          id: '20260829-101500-aaaa',
          taken_at: '2026-08-29T10:15:00Z',
          hash: hashContent(SECRET_CONFIG),
          changed_blocks: [
            'api-keys',
            'claude-api-key',
            'codex-api-key',
            'gemini-api-key',
            'kiro',
            'openai-compatibility',
            'proxy-url',
            'request-retry',
            'routing',
            'vertex-api-key',
          ],
        },
      ],
    });
    expect(Object.keys(json.snapshots[0])).toEqual(['id', 'taken_at', 'hash', 'changed_blocks']);
    expect(leakedSecrets(r.out + r.err)).toEqual([]);
  });

  it('says on stderr when it cannot compare with the live config, and leaves changed_blocks empty', async () => {
    const url = await seed();
    const r = await run(['--json'], {
      AUTHBOT_DATABASE_URL: url,
      CLIPROXY_URL: 'http://127.0.0.1:9',
      CLIPROXY_MANAGEMENT_KEY: 'k',
    });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/not compared with the live config/);
    const json = JSON.parse(r.out);
    expect(json.snapshots.map((s: { changed_blocks: string[] }) => s.changed_blocks)).toEqual([[], []]);
    expect(leakedSecrets(r.out + r.err)).toEqual([]);
  });

  it('prints a readable table without secrets', async () => {
    proxy = await startFakeProxy({ configYaml: OTHER_CONFIG });
    const url = await seed();
    const r = await run([], {
      AUTHBOT_DATABASE_URL: url,
      CLIPROXY_URL: proxy.url,
      CLIPROXY_MANAGEMENT_KEY: DEFAULT_MANAGEMENT_KEY,
    });
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(
      /^20260829-102000-bbbb {2}2026-08-29T10:20:00Z {2}[0-9a-f]{12} {2}pre-rollback:req-1 {2}same as live$/,
    );
    expect(lines[1]).toContain('api-keys, claude-api-key');
    expect(leakedSecrets(r.out + r.err)).toEqual([]);
  });

  it('a wrong AUTHBOT_SNAPSHOT_KEY is bad config (exit 2) naming the setting', async () => {
    const url = await seed(KEY);
    const r = await run(['--json'], {
      AUTHBOT_DATABASE_URL: url,
      AUTHBOT_SNAPSHOT_KEY: Buffer.alloc(32, 4).toString('base64'),
    });
    expect(r.code).toBe(2);
    expect(r.err).toContain('AUTHBOT_SNAPSHOT_KEY');
    expect(r.out).toBe('');
  });

  it('rejects unknown arguments with usage (exit 2)', async () => {
    const r = await run(['--yaml'], {});
    expect(r.code).toBe(2);
    expect(r.err).toContain('Usage: auth-bot snapshots');
  });
});
