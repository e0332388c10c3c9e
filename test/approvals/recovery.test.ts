// Nothing stays `approved` or `running` for good: the execution is claimed before any Slack I/O, final
// store writes are retried, and the heartbeat interrupts what no one will finish.
import { afterEach, describe, expect, it } from 'vitest';
import { INTERRUPTED_REPLY, NEVER_RAN_REPLY } from '../../src/approvals/recover.js';
import type { Store } from '../../src/store/types.js';
import { makeWorld, requestKiro, type World } from './helpers.js';

let w: World;
afterEach(async () => {
  await w?.engine.drain();
  await w?.store.close();
});

async function world() {
  w = await makeWorld();
  w.client.add({ name: 'kiro-a.json' });
  return w;
}

const UNCLAIMED_MS = 60_000; // the bound after which an unclaimed approved request counts as interrupted

const approve = (id: string) =>
  w.engine.vote({ requestId: id, userId: 'U0ALICE', channel: 'C0INC', decision: 'approve' });

/** The store, with `fail(method, args)` deciding which calls throw a store error. */
function faulty(store: Store, fail: (method: string, args: unknown[]) => boolean): Store {
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (fail(String(prop), args)) return Promise.reject(new Error(`store down: ${String(prop)}`));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const isFinal = (method: string, args: unknown[]) =>
  method === 'transition' && ['verified', 'failed'].includes(String(args[2]));

describe('an approved request', () => {
  it('has its execution claimed before the approval is shown in Slack', async () => {
    await world();
    const id = await requestKiro(w);
    let release!: () => void;
    let held!: () => void;
    const reached = new Promise<void>((r) => {
      held = r;
    });
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const update = w.messenger.updateRequest.bind(w.messenger);
    w.messenger.updateRequest = async (channel, ts, message) => {
      held();
      await gate; // Slack is slow (rate limits and retries)
      return update(channel, ts, message);
    };
    const vote = approve(id);
    await reached;
    const running = await w.store.listExecutions({ running: true });
    expect(running.map((e) => e.requestId)).toEqual([id]);
    release();
    expect(await vote).toBe('approved');
    await w.engine.drain();
    expect((await w.store.getRequest(id))?.state).toBe('verified');
    expect(w.client.count('refreshProvider')).toBe(1);
  });

  it('whose execution was never claimed is interrupted after a bound, reported, and frees its target', async () => {
    await world();
    const id = await requestKiro(w);
    let failClaim = true;
    w.rewire((store) => faulty(store, (m) => m === 'claimExecution' && failClaim));
    await approve(id).catch(() => 'store error');
    await w.engine.drain();
    failClaim = false;
    expect((await w.store.getRequest(id))?.state).toBe('approved');
    expect(await w.store.listExecutions()).toEqual([]);

    w.clock.t += UNCLAIMED_MS / 2;
    expect(await w.engine.recoverInterrupted()).toBe(0);
    expect((await w.store.getRequest(id))?.state).toBe('approved');

    w.clock.t += UNCLAIMED_MS;
    expect(await w.engine.recoverInterrupted()).toBe(1);
    expect((await w.store.getRequest(id))?.state).toBe('interrupted');
    expect(JSON.stringify(w.messenger.lastUpdate()?.message)).toContain('Interrupted');
    expect(w.messenger.texts('thread').at(-1)).toContain(NEVER_RAN_REPLY);
    expect(w.client.count('refreshProvider')).toBe(0);
    expect(await w.engine.recoverInterrupted()).toBe(0);
    // the provider is no longer blocked by an open change
    expect((await w.engine.requestRefresh({ userId: 'U0REQ', channel: 'C0INC', text: 'kiro' })).ok).toBe(
      true,
    );
  });
});

describe('a running request whose final store write fails', () => {
  it('is finished once the store answers again within a few retries', async () => {
    await world();
    const id = await requestKiro(w);
    let failures = 2;
    w.rewire((store) => faulty(store, (m, args) => isFinal(m, args) && failures-- > 0));
    expect(await approve(id)).toBe('approved');
    await w.engine.drain();
    expect((await w.store.getRequest(id))?.state).toBe('verified');
    expect((await w.store.listExecutions({ running: true })).length).toBe(0);
    expect(w.messenger.texts('thread').join('\n')).toContain('Verified');
    expect(w.client.count('refreshProvider')).toBe(1);
  });

  it('is interrupted by the heartbeat once it is no longer in flight on this replica', async () => {
    await world();
    const id = await requestKiro(w);
    let storeDown = true;
    w.rewire((store) => faulty(store, (m, args) => isFinal(m, args) && storeDown));
    expect(await approve(id)).toBe('approved');
    await w.engine.drain();
    storeDown = false;
    expect((await w.store.getRequest(id))?.state).toBe('running');
    expect(await w.engine.recoverInterrupted()).toBe(1);
    expect((await w.store.getRequest(id))?.state).toBe('interrupted');
    expect((await w.store.listExecutions({ running: true })).length).toBe(0);
    expect(w.messenger.texts('thread').at(-1)).toContain(INTERRUPTED_REPLY);
    expect(w.client.count('refreshProvider')).toBe(1);
  });

  it('is left alone by the heartbeat while it is still in flight', async () => {
    await world();
    const id = await requestKiro(w);
    w.client.refreshDelayMs = 200;
    expect(await approve(id)).toBe('approved');
    expect(await w.engine.recoverInterrupted()).toBe(0);
    await w.engine.drain();
    expect((await w.store.getRequest(id))?.state).toBe('verified');
  });
});
