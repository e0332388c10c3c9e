// A failed pre-mutation snapshot stops the change (the default), or with `snapshot_failure: continue`
// lets it go on; either way the request thread says so. Real bot over HTTP, fake Slack, fake proxy.
import { afterEach, describe, expect, it } from 'vitest';
import {
  askRefresh,
  click,
  E2E_POLICY,
  startWorld,
  threadFor,
  type World,
} from '../approvals/e2e-helpers.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** From now on the store refuses to write snapshots, as a full disk or a broken database would. */
function breakSnapshots(world: World): void {
  (world.h.bot.store as unknown as Record<string, unknown>).putSnapshot = async () => {
    throw new Error('SQLITE_FULL: database or disk is full');
  };
}

const refreshCalls = (world: World) =>
  world.proxy.callsTo('/v0/management/auths/kiro/refresh', 'POST').length;

describe('pre-mutation snapshot failure', () => {
  it('stops the change by default and says so in the thread', async () => {
    w = await startWorld();
    const { id } = await askRefresh(w);
    breakSnapshots(w);
    await click(w, 'approve', id, 'U0ALICE');
    const reply = await threadFor(w, 'The config snapshot before the change failed');
    expect(String(reply.args.text)).toContain('nothing was changed');
    expect(String(reply.args.text)).toContain('snapshot_failure: stop');
    expect((await w.h.bot.store.getRequest(id))?.state).toBe('failed');
    expect(refreshCalls(w)).toBe(0);
    const audit = await w.h.bot.store.listAudit({ correlationId: id, limit: 200 });
    expect(audit.find((e) => e.kind === 'snapshot.failed')?.data).toMatchObject({ policy: 'stop' });
  });

  it('goes on with `snapshot_failure: continue`, saying so in the thread', async () => {
    w = await startWorld({ policy: `${E2E_POLICY}snapshot_failure: continue\n` });
    const { id } = await askRefresh(w);
    breakSnapshots(w);
    await click(w, 'approve', id, 'U0ALICE');
    const warning = await threadFor(w, 'going on without it');
    expect(String(warning.args.text)).toContain('snapshot_failure: continue');
    await threadFor(w, '*Verified*');
    expect(refreshCalls(w)).toBe(1);
    expect((await w.h.bot.store.getRequest(id))?.state).toBe('verified');
  });
});
