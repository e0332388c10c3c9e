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

  it('after joinWithinMs, callers share one follow-up read that starts when the running one ends', async () => {
    const clock = { t: 0 };
    let calls = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const gates = [deferred<number>(), deferred<number>()];
    const read = singleFlight(
      async () => {
        calls++;
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          if (calls <= 2) return await (gates[calls - 1] as ReturnType<typeof deferred<number>>).promise;
          throw new Error('proxy down');
        } finally {
          inFlight--;
        }
      },
      { joinWithinMs: 1000, now: () => clock.t },
    );
    const first = read('all');
    clock.t = 1000; // the first read is still running but started too long ago
    const second = read('all');
    clock.t = 5000;
    const third = read('all'); // joins the same follow-up, which has not started yet
    expect(calls).toBe(1);
    gates[0]?.resolve(1);
    expect(await first).toBe(1);
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toBe(2); // the follow-up started only now
    gates[1]?.resolve(2);
    expect(await Promise.all([second, third])).toEqual([2, 2]);
    expect(maxInFlight).toBe(1);
    await expect(read('all')).rejects.toThrow('proxy down'); // nothing in flight: a fresh read
    await expect(read('all')).rejects.toThrow('proxy down'); // a failure is never cached
    expect(calls).toBe(4);
  });
});
