// Right before a built-in action changes the proxy: the pre-mutation config snapshot, and what its failure
// means under the policy's `snapshot_failure`.
import { describeError } from '../errors.js';
import type { ApprovalRequest } from '../store/types.js';
import { type EngineContext, reply, type Scoped } from './context.js';

/**
 * The pre-mutation hook (a config snapshot). When it fails, the policy's `snapshot_failure` decides: stop
 * (the default: returns why, and nothing is changed) or continue (the thread says the change goes on
 * without a snapshot). Either way the failure is audited.
 */
export async function beforeMutation(
  ctx: EngineContext,
  s: Scoped,
  request: ApprovalRequest,
): Promise<string | undefined> {
  if (!ctx.beforeMutation) return undefined;
  try {
    await ctx.beforeMutation(request, s.client);
    return undefined;
  } catch (err) {
    const d = describeError(err);
    const policy = ctx.policy.snapshotFailure ?? 'stop';
    await s.audit('snapshot.failed', null, { error: d.code, policy });
    if (policy === 'stop')
      return `The config snapshot before the change failed (${d.message}); nothing was changed (policy \`snapshot_failure: stop\`). Fix the snapshot store, or set \`snapshot_failure: continue\`, and request again.`;
    await reply(
      s,
      request,
      `:warning: The config snapshot before the change failed (${d.message}); going on without it (policy \`snapshot_failure: continue\`).`,
    );
    return undefined;
  }
}
