// Lifecycle of executions across process deaths and shutdowns.
// Each engine keeps a liveness lease `replica:<id>` in the store. An execution still `running` whose
// owner's lease has lapsed belongs to a dead process: it is marked interrupted and reported in its
// thread. Taking the dead owner's lease is atomic, so with several replicas exactly one reports it.
// On a graceful stop, executions that did not finish within the drain time are interrupted the same way.
// The heartbeat also interrupts this replica's own executions that are no longer in flight (their final
// store write failed), and approved requests that were never claimed (a crash or store error right
// after the approval).
import type { Execution } from '../store/types.js';
import { type EngineContext, refreshMessage, reply, scope } from './context.js';

/** How long a replica counts as alive after its last heartbeat. */
export const REPLICA_LEASE_MS = 30_000;
/** How often an engine renews its lease and looks for executions left by dead replicas. */
export const HEARTBEAT_MS = 10_000;

/** How long an approved request may stay without an execution before it counts as interrupted. */
export const UNCLAIMED_MS = 60_000;

export const replicaLease = (owner: string) => `replica:${owner}`;

export const INTERRUPTED_REPLY =
  ':double_vertical_bar: *Interrupted*: the bot stopped while this ran, so its outcome is unknown. ' +
  "Check the target's state (`/auth-status`) and request the change again if it is still needed.";

export const NEVER_RAN_REPLY =
  ':double_vertical_bar: *Interrupted*: the bot stopped after the approval and before running it, so nothing ' +
  'was changed. Request the change again if it is still needed.';

/** Renews this replica's liveness lease. */
export async function heartbeat(ctx: EngineContext): Promise<void> {
  await ctx.store.tryLease(replicaLease(ctx.replicaId), ctx.replicaId, ctx.now(), REPLICA_LEASE_MS);
}

/** Marks one execution (and its request) interrupted; reports in the thread when this call moved it. */
async function interrupt(ctx: EngineContext, execution: Execution, by: string): Promise<boolean> {
  const now = ctx.now();
  const s = scope(ctx, execution.requestId);
  await ctx.store.finishExecution(execution.requestId, 'interrupted', now);
  const moved = await ctx.store.transition(execution.requestId, ['approved', 'running'], 'interrupted', now, {
    result: { reason: 'interrupted', owner: execution.owner, detectedBy: by },
  });
  await s.audit('execution.interrupted', null, { owner: execution.owner, detectedBy: by });
  ctx.logger.warn(
    { requestId: execution.requestId, owner: execution.owner, detectedBy: by },
    'execution interrupted',
  );
  if (!moved) return false;
  await refreshMessage(ctx, s, moved);
  await reply(s, moved, INTERRUPTED_REPLY);
  return true;
}

/** Approved requests older than UNCLAIMED_MS with no running execution: interrupted. Returns how many. */
async function interruptUnclaimed(ctx: EngineContext, running: readonly Execution[]): Promise<number> {
  const now = ctx.now();
  const approved = await ctx.store.listRequests({ states: ['approved'], limit: 200 });
  const claimed = new Set(running.map((e) => e.requestId));
  let count = 0;
  for (const request of approved) {
    if (claimed.has(request.id) || now - (request.decidedAt ?? request.updatedAt) < UNCLAIMED_MS) continue;
    const moved = await ctx.store.transition(request.id, ['approved'], 'interrupted', now, {
      result: { reason: 'interrupted', owner: null, detectedBy: ctx.replicaId },
    });
    if (!moved) continue;
    const s = scope(ctx, request.id);
    await s.audit('execution.interrupted', null, { owner: null, detectedBy: ctx.replicaId, unclaimed: true });
    ctx.logger.warn({ requestId: request.id }, 'approved request was never executed; interrupted');
    await refreshMessage(ctx, s, moved);
    await reply(s, moved, NEVER_RAN_REPLY);
    count++;
  }
  return count;
}

/**
 * Finds executions left `running` by replicas that are no longer alive, or by this one but no longer in
 * flight, and approved requests never claimed, and marks them interrupted. Returns how many this call did.
 */
export async function recoverInterrupted(ctx: EngineContext): Promise<number> {
  const running = await ctx.store.listExecutions({ running: true });
  let count = await interruptUnclaimed(ctx, running);
  for (const execution of running) {
    if (execution.owner === ctx.replicaId) {
      if (!ctx.executing.has(execution.requestId) && (await interrupt(ctx, execution, ctx.replicaId)))
        count++;
      continue;
    }
    // succeeds only when the owner's lease has lapsed (or never existed), and only for one replica
    const dead = await ctx.store.tryLease(
      replicaLease(execution.owner),
      ctx.replicaId,
      ctx.now(),
      REPLICA_LEASE_MS,
    );
    if (dead && (await interrupt(ctx, execution, ctx.replicaId))) count++;
  }
  return count;
}

/** After a drain that timed out: interrupts this replica's own executions that are still running. */
export async function interruptOwn(ctx: EngineContext): Promise<number> {
  const running = await ctx.store.listExecutions({ running: true });
  let count = 0;
  for (const execution of running) {
    if (execution.owner === ctx.replicaId && (await interrupt(ctx, execution, ctx.replicaId))) count++;
  }
  return count;
}
