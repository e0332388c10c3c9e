import { describe, expect, it } from 'vitest';
import { singleFlight } from '../../src/cliproxy/single-flight.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('singleFlight', () => {
  it('shares a read started moments ago with callers of the same key', async () => {
    const clock = { t: 0 };
    const pending = [deferred<string>(), deferred<string>()];
    const keys: string[] = [];
    const read = singleFlight(
      (key) => {
        keys.push(key);
        return (pending[keys.length - 1] as ReturnType<typeof deferred<string>>).promise;
      },
      { joinWithinMs: 1000, now: () => clock.t },
    );
    const a = read('all');
    clock.t = 999;
    const b = read('all');
    const c = read('kiro');
    expect(keys).toEqual(['all', 'kiro']);
    pending[0]?.resolve('status-all');
    pending[1]?.resolve('status-kiro');
    expect(await Promise.all([a, b, c])).toEqual(['status-all', 'status-all', 'status-kiro']);
  });

  it('starts a new read when the running one is older than joinWithinMs, or finished, or failed', async () => {
    const clock = { t: 0 };
    let calls = 0;
    const gate = deferred<number>();
    const read = singleFlight(
      async () => {
        calls++;
        if (calls === 1) return gate.promise;
        if (calls === 2) throw new Error('proxy down');
        return calls;
      },
      { joinWithinMs: 1000, now: () => clock.t },
    );
    const first = read('all');
    clock.t = 1000; // the first read is still running but started too long ago
    await expect(read('all')).rejects.toThrow('proxy down');
    gate.resolve(1);
    expect(await first).toBe(1);
    expect(await read('all')).toBe(3); // the failure was not cached
    expect(calls).toBe(3);
  });
});
