// The result of an action is posted within 10 s of the approval (product.md), even against a slow proxy:
// verification polling and the canary share one deadline, and what did not finish in time is reported.
import { afterEach, describe, expect, it } from 'vitest';
import { askRefresh, blocksText, click, startWorld, type World } from '../approvals/e2e-helpers.js';
import { DEFAULT_CLIENT_KEY } from '../fakes/fake-proxy.js';

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const CANARY_ENV = { CLIPROXY_CLIENT_KEY: DEFAULT_CLIENT_KEY, CLIPROXY_CANARY_MODEL: 'kiro-model' };
const OK_COMPLETION = { id: 'c1', object: 'chat.completion', choices: [{ message: { content: 'pong' } }] };

/** Clicks Approve and waits for the final thread reply; returns it and the time from the click. */
async function approveAndTime(world: World, id: string): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  await click(world, 'approve', id, 'U0ALICE');
  const final = await world.h.slack.waitFor(
    (c) =>
      c.method === 'chat.postMessage' &&
      c.args.thread_ts !== undefined &&
      /\*Verified\*|\*Verification failed\*|Failed:/.test(blocksText(c)),
    25_000,
  );
  return { text: blocksText(final), ms: final.at - started };
}

describe('the result is posted within 10 s of the approval', () => {
  it('holds against a slow proxy whose token never moves and whose canary takes 12 s', async () => {
    w = await startWorld({
      env: CANARY_ENV,
      proxy: {
        // the proxy's clock is a day behind: a refresh writes an older expiry, so the token never "moves"
        // and verification would poll its whole 8 s; the canary alone would take 12 s
        now: () => Date.now() - 86_400_000,
        canary: { status: 200, body: OK_COMPLETION, delayMs: 12_000 },
      },
    });
    const { id } = await askRefresh(w);
    await w.proxy.setFault({ kind: 'delay', ms: 300 });
    const { text, ms } = await approveAndTime(w, id);
    expect(ms).toBeLessThan(10_000);
    expect(text).toContain('Verification failed');
    expect(text).toContain('not finished in time');
    expect(text).toMatch(/canary/);
  }, 30_000);

  it('gives the canary what polling left when the token moves at once', async () => {
    w = await startWorld({
      env: CANARY_ENV,
      proxy: { canary: { status: 200, body: OK_COMPLETION, delayMs: 2500 } },
    });
    const { id } = await askRefresh(w);
    await w.proxy.setFault({ kind: 'delay', ms: 200 });
    const { text, ms } = await approveAndTime(w, id);
    expect(ms).toBeLessThan(10_000);
    expect(text).toContain('*Verified*');
    expect(text).not.toContain('not finished in time');
  }, 30_000);
});
