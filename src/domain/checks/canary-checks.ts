// Checks a canary chat completion confirms: its failure class is the symptom.
import type { CanaryResult } from '../../cliproxy/types.js';
import type { CheckDeps, CheckFn } from './types.js';

function describeCanary(r: CanaryResult): string {
  if (r.skipped) return r.skipped;
  if (r.ok) return `canary POST /v1/chat/completions answered ${r.status} in ${r.latencyMs} ms`;
  return `canary failed${r.status ? ` (${r.status})` : ''}${r.latencyMs !== undefined ? ` after ${r.latencyMs} ms` : ''}: ${r.message ?? r.failure}`;
}

export function canaryCheck(failure: string, present: string): CheckFn {
  return async ({ proxy, clientKey, canaryModel }: CheckDeps) => {
    const r = await proxy.canary(clientKey, canaryModel);
    const findings = [describeCanary(r)];
    if (r.skipped) {
      return {
        confirmed: null,
        summary: 'Cannot check without a canary: set CLIPROXY_CLIENT_KEY and CLIPROXY_CANARY_MODEL.',
        findings,
      };
    }
    if (r.failure === failure) return { confirmed: true, summary: present, findings };
    if (r.failure === 'unreachable')
      return {
        confirmed: null,
        failed: true,
        summary: 'Could not check: the proxy is unreachable.',
        findings,
      };
    if (r.ok) return { confirmed: false, summary: 'Not confirmed: the canary request succeeded.', findings };
    return {
      confirmed: false,
      summary: `Not confirmed: the canary failed differently (${r.failure}).`,
      findings,
    };
  };
}

export const checkAuthUnavailable = canaryCheck(
  'auth_unavailable',
  'Confirmed: /v1 answers 503 auth_unavailable: no credential can serve the model.',
);

export const checkModelCooldown = canaryCheck(
  'model_cooldown',
  'Confirmed: /v1 answers 429 model_cooldown: every credential for the model is cooling down.',
);
