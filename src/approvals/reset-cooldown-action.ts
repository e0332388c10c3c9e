// reset-cooldown as an action plugged into the approval engine: the engine handles requesters, cooldown
// per target, one change per target, votes, staleness, expiry, at-most-once and audit; this file says
// how to read one cooling-down credential and how to reset → verify it.
import {
  type CooldownParams,
  credentialNameOf,
  executeCooldownReset,
  prepareCooldownReset,
  recheckCooldown,
  verifyCooldownCleared,
} from '../domain/actions/reset-cooldown.js';
import { runCanary } from '../domain/actions/verify.js';
import {
  code,
  cooldownPlanText,
  cooldownResultText,
  cooldownSections,
  modelsText,
} from '../slack/views/cooldown.js';
import type { ActionPlugin } from './plugins.js';

export interface ResetCooldownOptions {
  now: () => number;
  /** A cooldown longer than this is called stale (AUTHBOT_WATCH_STALE_COOLDOWN). */
  staleCooldownMs: number;
}

/** One change per credential at a time; the cooldown between resets counts per credential too. */
export function cooldownTarget(name: string): string {
  return `credential:${name}`;
}

function paramsOf(params: Record<string, unknown>): CooldownParams {
  const cooldown = (params.cooldown ?? {}) as Partial<CooldownParams['cooldown']>;
  return {
    credentialName: String(params.credentialName ?? ''),
    authIndex: String(params.authIndex ?? ''),
    cooldown: {
      text: String(cooldown.text ?? ''),
      until: typeof cooldown.until === 'string' ? cooldown.until : null,
      since: typeof cooldown.since === 'string' ? cooldown.since : null,
    },
  };
}

export function createResetCooldownPlugin(options: ResetCooldownOptions): ActionPlugin {
  const judge = () => ({ now: options.now(), staleCooldownMs: options.staleCooldownMs });
  return {
    action: 'reset-cooldown',
    target: 'credential',
    targetFor: (args) => cooldownTarget(credentialNameOf(args)),
    async prepare(client, args) {
      const prepared = await prepareCooldownReset(client, credentialNameOf(args), judge());
      return {
        subject: prepared.params.credentialName,
        plan: cooldownPlanText(prepared.params),
        sections: cooldownSections(prepared.params, prepared.file.provider),
        fingerprint: prepared.fingerprint,
        params: { ...prepared.params },
      };
    },
    recheck(client, request) {
      return recheckCooldown(client, paramsOf(request.params).credentialName, request.fingerprint, judge());
    },
    async run(r) {
      const params = paramsOf(r.request.params);
      const outcome = await executeCooldownReset(r.client, params);
      if (outcome.kind === 'failed') {
        await r.audit('action.result', null, { kind: 'failed', summary: outcome.summary });
        return {
          state: 'failed',
          result: { reason: outcome.summary, runbook: outcome.runbook ?? null },
          message: `:x: Failed: ${outcome.summary}`,
        };
      }
      const cleared = modelsText(outcome.reset.models);
      const summary = `POST /v0/management/reset-quota for ${params.credentialName} answered ok; ${outcome.reset.models.length} model(s) cleared.`;
      await r.audit('action.result', null, {
        kind: 'done',
        summary,
        models: outcome.reset.models.slice(0, 50),
      });
      await r.reply(`:mag: Reset the cooldown of ${code(params.credentialName)}: ${cleared}. Verifying…`);
      const deps = { client: r.client, now: r.now, sleep: r.sleep };
      const checks = [
        await verifyCooldownCleared(deps, params.credentialName, {
          ...r.verify,
          staleCooldownMs: options.staleCooldownMs,
        }),
      ];
      checks.push(await runCanary(deps, { ...r.verify, canary: r.canary, expect: 'enabled' }));
      const failed = checks.find((c) => !c.ok);
      const runbook = failed ? (failed.runbook ?? 'model-cooldown') : undefined;
      await r.audit('verify.result', null, { ok: !failed, runbook: runbook ?? null, checks });
      return {
        state: failed ? 'failed' : 'verified',
        result: { outcome: summary, verification: true, checks, runbook: runbook ?? null },
        message: cooldownResultText(!failed, checks, runbook),
      };
    },
  };
}
