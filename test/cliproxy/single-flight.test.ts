import { describe, expect, it } from 'vitest';
import { singleFlight } from '../../src/cliproxy/single-flight.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((res) => {
    resolve = res;
  });
  return { promise, resolve };
}

describe('singleFlight', () => {
  it('shares the read in flight with every caller of the same key, and only of that key', async () => {
    const pending = [deferred<string>(), deferred<string>()];
    const keys: string[] = [];
    const read = singleFlight((key) => {
      keys.push(key);
      return (pending[keys.length - 1] as ReturnType<typeof deferred<string>>).promise;
    });
    const a = read('all');
    const b = read('all');
    const c = read('kiro');
    expect(keys).toEqual(['all', 'kiro']);
    pending[0]?.resolve('status-all');
    pending[1]?.resolve('status-kiro');
    expect(await Promise.all([a, b, c])).toEqual(['status-all', 'status-all', 'status-kiro']);
  });

  it('starts a fresh read once the last one has ended, and never keeps a failure', async () => {
    let calls = 0;
    const read = singleFlight(async () => {
      calls++;
      if (calls === 2) throw new Error('proxy down');
      return calls;
    });
    expect(await read('all')).toBe(1);
    await expect(read('all')).rejects.toThrow('proxy down');
    expect(await read('all')).toBe(3);
    expect(calls).toBe(3);
  });
});
