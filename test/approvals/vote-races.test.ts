// Clicks and requests that race: a recorded Deny is final, an approval re-checks expiry after the slow
// target re-read, and two concurrent requests for the same target open one request, not two.
import { afterEach, describe, expect, it } from 'vitest';
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

const click = (id: string, userId: string, decision: 'approve' | 'deny') =>
  w.engine.vote({ requestId: id, userId, channel: 'C0INC', decision });

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

/** Every request with a recorded deny vote: none of them may have been approved or run. */
async function deniedButRun(store: Store): Promise<string[]> {
  const bad: string[] = [];
  for (const r of await store.listRequests({ limit: 1000 })) {
    const denied = (await store.listVotes(r.id)).some((v) => v.decision === 'deny');
    if (denied && r.state !== 'denied') bad.push(`${r.id}: ${r.state}`);
  }
  return bad;
}

describe('a Deny', () => {
  it('is final when an approval arrives at the same moment (30 rounds)', async () => {
    await world();
    for (let round = 0; round < 30; round++) {
      const id = await requestKiro(w);
      const clicks = [click(id, 'U0ALICE', 'approve'), click(id, 'U0BOB', 'deny')];
      if (round % 2) clicks.reverse();
      await Promise.all(clicks);
      await w.engine.drain();
      const state = (await w.store.getRequest(id))?.state;
      expect(['denied', 'verified']).toContain(state);
    }
    expect(await deniedButRun(w.store)).toEqual([]);
    const denied = (await w.store.listRequests({ states: ['denied'], limit: 100 })).length;
    expect(w.client.count('refreshProvider')).toBe(30 - denied);
  });

  it('is final when an approval arrives while the deny is still being written', async () => {
    await world();
    const id = await requestKiro(w);
    // the store is slow after the deny vote is in (its audit write takes 100 ms)
    w.rewire(
      (store) =>
        new Proxy(store, {
          get(target, prop) {
            const value = Reflect.get(target, prop, target) as unknown;
            if (typeof value !== 'function') return value;
            return async (...args: unknown[]) => {
              const event = args[0] as { kind?: string; data?: { decision?: string } } | undefined;
              if (prop === 'appendAudit' && event?.kind === 'vote.cast' && event.data?.decision === 'deny')
                await new Promise((r) => setTimeout(r, 100));
              return (value as (...a: unknown[]) => unknown).apply(target, args);
            };
          },
        }),
    );
    const deny = click(id, 'U0BOB', 'deny');
    while (!(await w.store.listVotes(id)).some((v) => v.decision === 'deny'))
      await new Promise((r) => setTimeout(r, 5));
    const approve = click(id, 'U0ALICE', 'approve');
    await Promise.all([deny, approve]);
    await w.engine.drain();
    expect((await w.store.getRequest(id))?.state).toBe('denied');
    expect(w.client.count('refreshProvider')).toBe(0);
    expect(await w.store.listExecutions()).toEqual([]);
  });

  it('is final even when the store fails right after the deny is recorded', async () => {
    await world();
    const id = await requestKiro(w);
    // the store fails once on the write that moves the request to denied (or records deny and denial
    // together): the vote and the denial must stand or fall together
    let failed = false;
    w.rewire((store) =>
      faulty(store, (method, args) => {
        const denyWrite = method === 'denyRequest' || (method === 'transition' && args[2] === 'denied');
        if (failed || !denyWrite) return false;
        failed = true;
        return true;
      }),
    );
    await click(id, 'U0BOB', 'deny').catch(() => 'store error');
    const afterDeny = await w.store.listVotes(id);
    await click(id, 'U0ALICE', 'approve');
    await w.engine.drain();
    expect(await deniedButRun(w.store)).toEqual([]);
    if (afterDeny.some((v) => v.decision === 'deny')) {
      expect(w.client.count('refreshProvider')).toBe(0);
    }
  });
});

describe('an approval', () => {
  it('is refused when the request expired during the slow target re-read', async () => {
    await world();
    const id = await requestKiro(w);
    const request = await w.store.getRequest(id);
    w.clock.t = (request?.expiresAt ?? 0) - 1000; // the click comes one second before expiry
    const list = w.client.listAuthFiles.bind(w.client);
    w.client.listAuthFiles = async () => {
      w.clock.t += 30_000; // the re-read takes 30 s
      return list();
    };
    expect(await click(id, 'U0ALICE', 'approve')).toBe('refused');
    await w.engine.drain();
    w.client.listAuthFiles = list;
    expect((await w.store.getRequest(id))?.state).toBe('expired');
    expect(w.client.count('refreshProvider')).toBe(0);
    expect(await w.store.listExecutions()).toEqual([]);
    expect(w.messenger.texts('ephemeral').at(-1)).toContain('expired');
  });
});

describe('two requests for the same target at the same moment', () => {
  it('open one request; the other user is told which request is already open', async () => {
    await world();
    const list = w.client.listAuthFiles.bind(w.client);
    w.client.listAuthFiles = async () => {
      await new Promise((r) => setTimeout(r, 20)); // a proxy read between the check and the insert
      return list();
    };
    const [a, b] = await Promise.all([
      w.engine.requestRefresh({ userId: 'U0REQ', channel: 'C0INC', text: 'kiro' }),
      w.engine.requestRefresh({ userId: 'U0ALICE', channel: 'C0INC', text: 'kiro' }),
    ]);
    const opened = [a, b].filter((r) => r.ok);
    expect(opened).toHaveLength(1);
    expect(await w.store.listRequests({ states: ['pending'] })).toHaveLength(1);
    const winner = opened[0]!.ok ? opened[0]!.request.id : '';
    const loser = [a, b].find((r) => !r.ok);
    expect(loser && !loser.ok ? loser.reason : '').toContain(`Request \`${winner}\``);
    expect(loser && !loser.ok ? loser.reason : '').toContain('already open for kiro');
    expect(w.messenger.texts('ephemeral').at(-1)).toContain(winner);
  });
});
