// A replica that learns its execution was taken away (another replica found its lease lapsed and marked
// the request interrupted) neither starts the mutation nor reports a result over the interruption.
import { afterEach, describe, expect, it } from 'vitest';
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

/** What another replica does when this one's lease lapsed: the execution, then the request, interrupted. */
async function interruptFromElsewhere(id: string) {
  await w.store.finishExecution(id, 'interrupted', w.clock.t);
  await w.store.transition(id, ['approved', 'running'], 'interrupted', w.clock.t, {
    result: { reason: 'interrupted', owner: 'this replica', detectedBy: 'replica-b' },
  });
}

const approve = (id: string) =>
  w.engine.vote({ requestId: id, userId: 'U0ALICE', channel: 'C0INC', decision: 'approve' });
const kinds = async (id: string) =>
  (await w.store.listAudit({ correlationId: id, limit: 500 })).map((e) => e.kind);

describe('an execution interrupted by another replica', () => {
  it('does not start the mutation when it learns of it before mutating', async () => {
    await world();
    const id = await requestKiro(w);
    const list = w.client.listAuthFiles.bind(w.client);
    w.client.listAuthFiles = async () => {
      // the read of the state before the mutation: the request is already running
      if ((await w.store.getRequest(id))?.state === 'running') await interruptFromElsewhere(id);
      return list();
    };
    expect(await approve(id)).toBe('approved');
    await w.engine.drain();
    expect(w.client.count('refreshProvider')).toBe(0);
    expect((await w.store.getRequest(id))?.state).toBe('interrupted');
    expect(await kinds(id)).toContain('execution.not_started');
    expect(w.messenger.texts('thread').join('\n')).not.toContain('Verif');
  });

  it('reports no result when it learns of it after mutating', async () => {
    await world();
    const id = await requestKiro(w);
    const refresh = w.client.refreshProvider.bind(w.client);
    w.client.refreshProvider = async (provider: string) => {
      const result = await refresh(provider);
      await interruptFromElsewhere(id); // this replica was paused while the proxy answered
      return result;
    };
    expect(await approve(id)).toBe('approved');
    await w.engine.drain();
    expect(w.client.count('refreshProvider')).toBe(1);
    expect((await w.store.getRequest(id))?.state).toBe('interrupted');
    expect(await kinds(id)).toContain('execution.late_result');
    expect(await kinds(id)).not.toContain('request.verified');
    expect(w.messenger.texts('thread').join('\n')).not.toContain('Verif');
    expect(JSON.stringify(w.messenger.lastUpdate()?.message)).not.toContain('Verified');
  });
});
