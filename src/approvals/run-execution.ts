// After approval: claim the execution (at most once, one per target), run the action, verify, report.
import { clientProbes, findAlternatives } from '../domain/actions/alternatives.js';
import { RESULT_BUDGET_MS, resultDeadline } from '../domain/actions/budget.js';
import { executeLegacyKiroRefresh, executeReenable } from '../domain/actions/execute.js';
import { loginRouteName } from '../domain/actions/login-routes.js';
import { executePlannedRefresh } from '../domain/actions/refresh-plan.js';
import { executeRelogin } from '../domain/actions/relogin.js';
import { readTargetState } from '../domain/actions/target.js';
import type { ActionDeps, ExecuteOutcome, TargetScope } from '../domain/actions/types.js';
import { verifyAction } from '../domain/actions/verify.js';
import { describeError } from '../errors.js';
import { md } from '../slack/mrkdwn.js';
import { describeChecks } from '../slack/views/request.js';
import { renderAlternatives } from '../slack/views/request-thread.js';
import type { ApprovalRequest } from '../store/types.js';
import { type EngineContext, refreshMessage, reply, type Scoped, scope } from './context.js';
import { loginPrompter } from './login-prompt.js';
import { beforeMutation } from './pre-mutation.js';
import { stillRunning } from './recover.js';
import { paramsOf, type RequestResult } from './request-data.js';

/** How often a final store write is tried, and the pause before each retry (times the attempt number). */
export const FINISH_ATTEMPTS = 3;
export const FINISH_BACKOFF_MS = 250;

/** Runs a store write, retrying a failure a few times with a short backoff; throws the last failure. */
async function retryWrite<T>(ctx: EngineContext, what: string, write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= FINISH_ATTEMPTS) throw err;
      ctx.logger.warn({ err, what, attempt }, 'store write failed; retrying');
      await ctx.sleep(FINISH_BACKOFF_MS * attempt);
    }
  }
}

async function finish(
  ctx: EngineContext,
  s: Scoped,
  request: ApprovalRequest,
  state: 'verified' | 'failed',
  result: RequestResult,
): Promise<boolean> {
  const now = ctx.now();
  const done = await retryWrite(ctx, 'finish request', () =>
    ctx.store.transition(request.id, ['running', 'approved'], state, now, {
      result: result as Record<string, unknown>,
    }),
  );
  await retryWrite(ctx, 'finish execution', () => ctx.store.finishExecution(request.id, state, now));
  // a request moved on meanwhile (interrupted while this replica was paused or stopping) keeps its state:
  // the late result is recorded as such, never as the request's outcome
  if (done) await s.audit(`request.${state}`, null, { ...result });
  else await s.audit('execution.late_result', null, { ...result, state });
  if (done) await refreshMessage(ctx, s, done);
  // false: the request was already moved on (interrupted at shutdown): report nothing more
  return done !== null;
}

async function act(
  ctx: EngineContext,
  s: Scoped,
  request: ApprovalRequest,
  deps: ActionDeps,
): Promise<ExecuteOutcome> {
  const params = paramsOf(request);
  // the login URL / device code goes to the approver alone (login-prompt.ts)
  const onPrompt = loginPrompter(s, request, params.provider);
  switch (request.action) {
    case 'refresh':
      if (params.method === 'legacy') return executeLegacyKiroRefresh(s.client);
      // the plan probed before the request was posted: seed route, then its fallback where it is missing
      return executePlannedRefresh(
        deps,
        params.provider,
        { fallback: params.fallback ?? null, login: params.login ?? null },
        {
          onFallback: (words) => reply(s, request, `:twisted_rightwards_arrows: ${words}`),
          relogin: { ...ctx.login, onPrompt },
        },
      );
    case 'reenable':
      return executeReenable(s.client, params.credentials);
    case 'relogin': {
      const name = params.login?.name ?? loginRouteName(params.provider) ?? params.provider;
      return executeRelogin(deps, name, { ...ctx.login, method: params.login?.method, onPrompt });
    }
    default:
      return {
        kind: 'failed',
        summary: `The ${request.action} action is not handled here.`,
        runbook: undefined,
      };
  }
}

async function offerAlternatives(
  ctx: EngineContext,
  s: Scoped,
  request: ApprovalRequest,
  outcome: ExecuteOutcome & { kind: 'route_missing' },
) {
  const params = paramsOf(request);
  const states = await readTargetState(s.client, { provider: params.provider, credential: undefined }).catch(
    () => params.states,
  );
  const alternatives = await findAlternatives(ctx.probes ?? clientProbes(s.client), params.provider, states);
  await s.audit('alternatives.offered', null, {
    version: outcome.version ?? null,
    kinds: alternatives.map((a) => a.kind),
  });
  await reply(s, request, renderAlternatives(request.id, outcome.version, params.provider, alternatives));
}

/** A claim's outcome; when refused, the request as failed by the refusal (null when it had moved on). */
export type Claim = { claimed: true } | { claimed: false; failed: ApprovalRequest | null };

const REFUSED_REASON =
  'Another change on this target is running (or this request already ran); nothing was done.';

/**
 * Claims the execution of a just-approved request: store writes only, no Slack, so it happens right after
 * the approval (at most once, one per target). A refused claim fails the request; runExecution reports it.
 * While claimed, the request id is in ctx.executing until runExecution ends.
 */
export async function claimExecution(ctx: EngineContext, approved: ApprovalRequest): Promise<Claim> {
  const s = scope(ctx, approved.id);
  ctx.executing.add(approved.id);
  let claimed = false;
  try {
    claimed = await ctx.store.claimExecution({
      requestId: approved.id,
      target: approved.target,
      owner: ctx.replicaId,
      startedAt: ctx.now(),
    });
  } finally {
    if (!claimed) ctx.executing.delete(approved.id);
  }
  if (claimed) {
    await s.audit('execution.claimed', null, { owner: ctx.replicaId });
    return { claimed: true };
  }
  await s.audit('execution.refused', null, {
    reason: 'already executed or another change on the target is running',
  });
  const failed = await ctx.store.transition(approved.id, ['approved'], 'failed', ctx.now(), {
    result: { reason: REFUSED_REASON },
  });
  return { claimed: false, failed };
}

/** After claimExecution: runs the action, verifies and reports (or reports the refused claim). */
export async function runExecution(
  ctx: EngineContext,
  approved: ApprovalRequest,
  claim: Claim,
  /** When the approving click arrived; the result is due 10 s after it. Default: the stored approval time. */
  clickedAt?: number,
): Promise<void> {
  try {
    if (claim.claimed) await runClaimed(ctx, approved, clickedAt ?? approved.decidedAt);
    else if (claim.failed) {
      const s = scope(ctx, approved.id);
      await refreshMessage(ctx, s, claim.failed);
      await reply(s, claim.failed, `:x: ${REFUSED_REASON}`);
    }
  } finally {
    if (claim.claimed) ctx.executing.delete(approved.id);
  }
}

async function runClaimed(
  ctx: EngineContext,
  approved: ApprovalRequest,
  approvedAt: number | null,
): Promise<void> {
  const s = scope(ctx, approved.id);
  // the result is due within 10 s of the approval: verification and canary share what is left of it,
  // counted from the approving click (the vote's target re-read and Slack updates come out of the same
  // 10 s); an execution that starts late anyway still gets a real attempt, not an instant "not in time"
  const deadline = resultDeadline(approvedAt, ctx.now());
  const running = await ctx.store.transition(approved.id, ['approved'], 'running', ctx.now());
  if (!running) {
    await ctx.store.finishExecution(approved.id, 'interrupted', ctx.now());
    return;
  }
  const params = paramsOf(running);
  const deps: ActionDeps = { client: s.client, now: ctx.now, sleep: ctx.sleep };
  const target: TargetScope = { provider: params.provider, credential: params.credential ?? undefined };
  try {
    await refreshMessage(ctx, s, running);
    await reply(s, running, md`:gear: Running: ${params.plan}`);
    // --- plugged actions and pre-mutation hook (rollback) ---
    const plugin = ctx.plugins?.get(running.action);
    if (plugin) {
      const run = { client: s.client, request: running, audit: s.audit, now: ctx.now, sleep: ctx.sleep };
      const out = await plugin.run({
        ...run,
        reply: (m) => reply(s, running, m),
        canary: ctx.canary,
        verify: { ...ctx.verify, deadline },
      });
      if (!(await finish(ctx, s, running, out.state, out.result))) return;
      await reply(s, running, out.message);
      return;
    }
    const noSnapshot = await beforeMutation(ctx, s, running);
    if (noSnapshot !== undefined) {
      if (!(await finish(ctx, s, running, 'failed', { reason: noSnapshot, runbook: null }))) return;
      await reply(s, running, `:x: Failed: ${noSnapshot}`);
      return;
    }
    // --- end plugged actions ---
    const before = await readTargetState(s.client, target);
    // the last moment to learn that this execution was taken away (this replica was paused past its
    // lease): then another change may already run on the target, so this one must not start
    if (!(await stillRunning(ctx, running, 'execution.not_started'))) return;
    const outcome = await act(ctx, s, running, deps);
    await s.audit('action.result', null, { kind: outcome.kind, summary: outcome.summary });
    if (!(await stillRunning(ctx, running))) return;
    if (outcome.kind === 'route_missing') {
      if (
        !(await finish(ctx, s, running, 'failed', {
          reason: outcome.summary,
          outcome: 'no management refresh route',
        }))
      )
        return;
      await offerAlternatives(ctx, s, running, outcome);
      return;
    }
    if (outcome.kind === 'failed' && outcome.checks) {
      // the action's own answer proves it did not work: reported as a failed verification
      const result = { outcome: outcome.summary, verification: true, checks: outcome.checks };
      if (!(await finish(ctx, s, running, 'failed', { ...result, runbook: outcome.runbook ?? null }))) return;
      const row = outcome.runbook ? ` (runbook: \`${outcome.runbook}\`)` : '';
      await reply(s, running, `:red_circle: *Verification failed*${row}\n${describeChecks(outcome.checks)}`);
      return;
    }
    if (outcome.kind === 'failed') {
      if (
        !(await finish(ctx, s, running, 'failed', {
          reason: outcome.summary,
          runbook: outcome.runbook ?? null,
        }))
      )
        return;
      await reply(s, running, md`:x: Failed: ${outcome.summary}`);
      return;
    }
    await reply(s, running, md`:mag: ${outcome.summary} Verifying…`);
    const report = await verifyAction(deps, target, before, {
      ...ctx.verify,
      // a re-login waits for a person to log in: its 10 s start when the login is done
      deadline: running.action === 'relogin' ? ctx.now() + RESULT_BUDGET_MS : deadline,
      canary: ctx.canary,
      expect: running.action === 'reenable' ? 'enabled' : 'fresh-token',
      ignore: before.map((b) => b.name).filter((n) => !params.credentials.includes(n)),
    });
    await s.audit('verify.result', null, {
      ok: report.ok,
      runbook: report.runbook ?? null,
      checks: report.checks,
      elapsedMs: report.elapsedMs,
    });
    const state = report.ok ? 'verified' : 'failed';
    if (
      !(await finish(ctx, s, running, state, {
        outcome: outcome.summary,
        verification: true,
        checks: report.checks,
        runbook: report.runbook ?? null,
      }))
    )
      return;
    const head = report.ok
      ? ':large_green_circle: *Verified*'
      : `:red_circle: *Verification failed*${report.runbook ? ` (runbook: \`${report.runbook}\`)` : ''}`;
    await reply(s, running, `${head}\n${describeChecks(report.checks)}`);
  } catch (err) {
    const d = describeError(err);
    ctx.logger.warn({ err, requestId: running.id }, 'action failed');
    if (
      !(await finish(ctx, s, running, 'failed', {
        reason: d.message,
        runbook: d.runbook ?? null,
        hint: d.hint ?? null,
      }))
    )
      return;
    await reply(
      s,
      running,
      md`:x: Failed: ${d.message}${d.runbook ? ` Runbook: \`${d.runbook}\`.` : ''}${d.hint ? ` ${d.hint}` : ''}`,
    );
  }
}
