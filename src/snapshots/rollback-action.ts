// Rollback as an action plugged into the approval engine: the engine handles requests, votes,
// staleness, expiry and at-most-once; this file says how to read the target and execute → verify.
import type { ActionPlugin } from '../approvals/plugins.js';
import {
  executeRollback,
  loadSnapshot,
  prepareRollback,
  ROLLBACK_TARGET,
  recheckRollbackTarget,
  type SnapshotAccess,
  verifyRollback,
} from '../domain/actions/rollback.js';
import { md } from '../slack/mrkdwn.js';
import {
  reapplyHint,
  rollbackPlanText,
  rollbackResultText,
  rollbackSections,
} from '../slack/views/rollback.js';

export function createRollbackPlugin(snapshots: SnapshotAccess): ActionPlugin {
  const snapshotIdOf = (params: Record<string, unknown>) => String(params.snapshotId ?? '');
  /** The block names the request message showed as changing (auth/provider and other settings). */
  const shownBlocks = (params: Record<string, unknown>): string[] =>
    [params.changedBlocks, params.otherChangedBlocks].flatMap((list) =>
      Array.isArray(list) ? list.map(String) : [],
    );
  return {
    action: 'rollback',
    target: ROLLBACK_TARGET,
    async prepare(client, args) {
      const id = snapshotIdOf(args);
      const prepared = await prepareRollback(client, snapshots, id);
      return {
        subject: `snapshot ${id}`,
        plan: rollbackPlanText(id),
        sections: rollbackSections(prepared.params),
        fingerprint: prepared.plan.liveFingerprint,
        params: { ...prepared.params },
      };
    },
    async recheck(client, request) {
      const snapshot = await snapshots.getSnapshot(snapshotIdOf(request.params));
      return recheckRollbackTarget(client, request.fingerprint, snapshot, shownBlocks(request.params));
    },
    async run(r) {
      const id = snapshotIdOf(r.request.params);
      const snapshot = await loadSnapshot(snapshots, id);
      const outcome = await executeRollback(r.client, snapshots, snapshot, r.request.id, {
        fingerprint: r.request.fingerprint,
        shown: shownBlocks(r.request.params),
      });
      await r.audit('action.result', null, {
        kind: outcome.kind,
        summary: outcome.summary,
        ...(outcome.kind === 'done' ? { preRollbackSnapshot: outcome.preRollbackId } : {}),
      });
      if (outcome.kind === 'failed') {
        return {
          state: 'failed',
          result: { reason: outcome.summary },
          message: md`:x: Failed: ${outcome.summary}`,
        };
      }
      await r.reply(md`:mag: ${outcome.summary} Verifying…`);
      const report = await verifyRollback(
        { client: r.client, now: r.now, sleep: r.sleep },
        outcome.target,
        id,
        {
          ...r.verify,
          canary: r.canary,
        },
      );
      await r.audit('verify.result', null, {
        ok: report.ok,
        runbook: report.runbook ?? null,
        checks: report.checks,
      });
      return {
        state: report.ok ? 'verified' : 'failed',
        result: {
          outcome: outcome.summary,
          verification: true,
          checks: report.checks,
          runbook: report.runbook ?? null,
          hint: reapplyHint(outcome.preRollbackId),
          preRollbackSnapshot: outcome.preRollbackId,
        },
        message: rollbackResultText(report.ok, report.checks, report.runbook, outcome.preRollbackId),
      };
    },
  };
}
