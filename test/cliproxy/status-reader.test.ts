import { describe, expect, it } from 'vitest';
import { changesCredentials, createStatusReader, MAX_KEPT_READS } from '../../src/cliproxy/status-reader.js';
import type { StatusReport } from '../../src/domain/status.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const reachable = (tag: string): StatusReport => ({
  server: { url: `http://proxy/${tag}`, reachable: true, version: 'v7' },
  credentials: [],
});
const unreachable = (): StatusReport => ({
  server: {
    url: 'http://proxy',
    reachable: false,
    version: undefined,
    error: { code: 'unreachable', message: 'proxy down', runbook: undefined },
  },
  credentials: [],
});

/** A reader over scripted reads: each call to the proxy takes the next deferred. */
function scripted(maxAgeMs: number, refreshAfterMs?: number) {
  let clock = 1_000_000;
  const reads: { key: string; answer: ReturnType<typeof deferred<StatusReport>> }[] = [];
  const errors: unknown[] = [];
  const reader = createStatusReader(
    (key) => {
      const answer = deferred<StatusReport>();
      reads.push({ key, answer });
      return answer.promise;
    },
    {
      now: () => clock,
      maxAgeMs,
      ...(refreshAfterMs !== undefined ? { refreshAfterMs } : {}),
      onBackgroundError: (err) => errors.push(err),
    },
  );
  return {
    reader,
    reads,
    errors,
    tick: (ms: number) => {
      clock += ms;
    },
    now: () => clock,
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('createStatusReader', () => {
  it('shares the read in flight with every caller of the same key, and only of that key', async () => {
    const { reader, reads } = scripted(10_000);
    const a = reader.read('');
    const b = reader.read('');
    const c = reader.read('kiro');
    expect(reads.map((r) => r.key)).toEqual(['', 'kiro']);
    reads[0]?.answer.resolve(reachable('all'));
    reads[1]?.answer.resolve(reachable('kiro'));
    const [ra, rb, rc] = await Promise.all([a, b, c]);
    expect(ra).toBe(rb);
    expect(ra.report.server.url).toBe('http://proxy/all');
    expect(rc.report.server.url).toBe('http://proxy/kiro');
  });

  it('keeps a read that reached the proxy for maxAge, counted from when the read started', async () => {
    const t = scripted(10_000);
    const startedAt = t.now();
    const first = t.reader.read('');
    t.tick(2000); // the proxy takes 2 s
    t.reads[0]?.answer.resolve(reachable('one'));
    expect((await first).readAt).toBe(startedAt);
    expect(t.reader.recent('')?.report.server.url).toBe('http://proxy/one');
    expect(t.reader.recent('kiro')).toBeUndefined();
    t.tick(8000); // 10 s after the read started: still usable
    expect(t.reader.recent('')?.readAt).toBe(startedAt);
    t.tick(1);
    expect(t.reader.recent('')).toBeUndefined();
  });

  it('never keeps a failed read or one that did not reach the proxy', async () => {
    const t = scripted(10_000);
    const failing = t.reader.read('');
    t.reads[0]?.answer.reject(new Error('boom'));
    await expect(failing).rejects.toThrow('boom');
    expect(t.reader.recent('')).toBeUndefined();
    const down = t.reader.read('');
    t.reads[1]?.answer.resolve(unreachable());
    expect((await down).report.server.error?.code).toBe('unreachable');
    expect(t.reader.recent('')).toBeUndefined();
    expect(t.reads).toHaveLength(2);
  });

  it('refreshes an ageing read in the background once, and answers from the old one meanwhile', async () => {
    const t = scripted(9000, 3000);
    const first = t.reader.read('');
    t.reads[0]?.answer.resolve(reachable('old'));
    await first;
    t.tick(2999);
    expect(t.reader.recent('')?.report.server.url).toBe('http://proxy/old');
    expect(t.reads).toHaveLength(1); // young enough: no refresh
    t.tick(1);
    expect(t.reader.recent('')?.report.server.url).toBe('http://proxy/old');
    expect(t.reader.recent('')?.report.server.url).toBe('http://proxy/old');
    expect(t.reads).toHaveLength(2); // one refresh, however many commands
    t.tick(2000);
    t.reads[1]?.answer.resolve(reachable('new'));
    await settle();
    const recent = t.reader.recent('');
    expect(recent?.report.server.url).toBe('http://proxy/new');
    expect(recent?.readAt).toBe(t.now() - 2000);
  });

  it('reports a failed background refresh and keeps answering from the kept read until it is too old', async () => {
    const t = scripted(9000, 3000);
    const first = t.reader.read('');
    t.reads[0]?.answer.resolve(reachable('old'));
    await first;
    t.tick(3000);
    expect(t.reader.recent('')).toBeDefined();
    t.reads[1]?.answer.reject(new Error('proxy hiccup'));
    await settle();
    expect(t.errors).toHaveLength(1);
    expect(t.reader.recent('')?.report.server.url).toBe('http://proxy/old');
    expect(t.reads).toHaveLength(3); // the next command tries again
    t.tick(6001);
    expect(t.reader.recent('')).toBeUndefined();
  });

  it('invalidate() forgets kept reads, and a read started before it is neither joined nor kept', async () => {
    const t = scripted(10_000);
    const first = t.reader.read('');
    t.reads[0]?.answer.resolve(reachable('before'));
    await first;
    const during = t.reader.read('kiro'); // in flight while the bot changes the proxy
    t.reader.invalidate();
    expect(t.reader.recent('')).toBeUndefined();
    const after = t.reader.read('kiro'); // must not join the read that started before the change
    expect(t.reads).toHaveLength(3);
    t.reads[1]?.answer.resolve(reachable('stale'));
    t.reads[2]?.answer.resolve(reachable('fresh'));
    expect((await during).report.server.url).toBe('http://proxy/stale');
    expect((await after).report.server.url).toBe('http://proxy/fresh');
    expect(t.reader.recent('kiro')?.report.server.url).toBe('http://proxy/fresh');
  });

  it('an older read that ends last does not replace a newer kept one', async () => {
    const t = scripted(10_000, 1000);
    const first = t.reader.read('');
    t.reads[0]?.answer.resolve(reachable('first'));
    await first;
    t.tick(1000);
    t.reader.recent(''); // starts refresh #2
    t.reader.invalidate();
    const third = t.reader.read(''); // after the change
    t.reads[2]?.answer.resolve(reachable('third'));
    await third;
    t.reads[1]?.answer.resolve(reachable('second'));
    await settle();
    expect(t.reader.recent('')?.report.server.url).toBe('http://proxy/third');
  });

  it('never keeps a read whose token files could not all be read', async () => {
    const t = scripted(10_000);
    const partial = t.reader.read('');
    t.reads[0]?.answer.resolve({
      ...reachable('partial'),
      credentials: [
        {
          name: 'kiro-a.json',
          provider: 'kiro',
          status: 'active',
          disabled: false,
          expiresAt: null,
          lastRefresh: null,
          hasRefreshToken: false,
          problems: [
            {
              code: 'token_unreadable',
              text: 'token unreadable: token file not read (timeout)',
              runbook: [],
            },
          ],
          runbook: [],
        },
      ],
    } as unknown as StatusReport); // only the credential's problems matter here
    await partial;
    expect(t.reader.recent('')).toBeUndefined();
  });

  it('keeps at most MAX_KEPT_READS keys and drops expired reads as new ones arrive', async () => {
    const t = scripted(10_000);
    const keys = Array.from({ length: MAX_KEPT_READS + 5 }, (_, i) => `p${i}`);
    for (const [i, key] of keys.entries()) {
      const r = t.reader.read(key);
      t.reads[i]?.answer.resolve(reachable(key));
      await r;
    }
    expect(t.reader.recent('p0')).toBeUndefined(); // the oldest went first
    expect(t.reader.recent('p4')).toBeUndefined();
    expect(t.reader.recent('p5')).toBeDefined();
    expect(t.reader.recent(`p${MAX_KEPT_READS + 4}`)).toBeDefined();
    t.tick(10_001);
    const fresh = t.reader.read('new');
    t.reads.at(-1)?.answer.resolve(reachable('new'));
    await fresh;
    t.tick(-10_001); // back in time: only entries still in the map could answer now
    expect(t.reader.recent('p5')).toBeUndefined(); // swept when "new" was kept, though asked for no more
    expect(t.reader.recent('new')).toBeUndefined(); // read "in the future" from here: refused, not served
  });

  it('counts generations: each invalidate() starts a new one', () => {
    const t = scripted(10_000);
    const g = t.reader.generation();
    t.reader.invalidate();
    t.reader.invalidate();
    expect(t.reader.generation()).toBe(g + 2);
  });

  it('with maxAge 0 keeps nothing: every command waits for a read of its own (joined while in flight)', async () => {
    const t = scripted(0);
    const a = t.reader.read('');
    t.reads[0]?.answer.resolve(reachable('a'));
    await a;
    expect(t.reader.recent('')).toBeUndefined();
    const b = t.reader.read('');
    expect(t.reads).toHaveLength(2);
    t.reads[1]?.answer.resolve(reachable('b'));
    expect((await b).report.server.url).toBe('http://proxy/b');
  });
});

describe('changesCredentials', () => {
  it('is true for every write and for the OAuth login routes, false for plain reads', () => {
    expect(changesCredentials('POST', '/v0/management/auths/kiro/refresh')).toBe(true);
    expect(changesCredentials('PATCH', '/v0/management/auth-files/status')).toBe(true);
    expect(changesCredentials('PUT', '/v0/management/config.yaml')).toBe(true);
    expect(changesCredentials('POST', '/v0/oauth/kiro/refresh')).toBe(true);
    expect(changesCredentials('GET', '/v0/management/kiro-auth-url')).toBe(true);
    expect(changesCredentials('GET', '/v0/management/get-auth-status')).toBe(true);
    expect(changesCredentials('GET', '/v0/management/auth-files')).toBe(false);
    expect(changesCredentials('GET', '/v0/management/auth-files/download')).toBe(false);
    expect(changesCredentials('GET', '/v0/management/config.yaml')).toBe(false);
    expect(changesCredentials('POST', '/v1/chat/completions')).toBe(false); // the canary
  });
});
