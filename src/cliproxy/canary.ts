// One chat completion through the proxy's /v1 API, and what its failure means in runbook terms.
import type { Redactor } from '../domain/redact.js';
import type { CanaryResult } from './types.js';

interface OpenAiError {
  message: string;
  code: string;
  type: string;
}

function readError(text: string): OpenAiError {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    const e = body?.error;
    if (typeof e === 'string') return { message: e, code: '', type: '' };
    if (e && typeof e === 'object') {
      const o = e as Record<string, unknown>;
      return {
        message: typeof o.message === 'string' ? o.message : '',
        code: typeof o.code === 'string' ? o.code : '',
        type: typeof o.type === 'string' ? o.type : '',
      };
    }
  } catch {
    // not JSON: a provider's body passed through, or a proxy in front
  }
  return { message: text.trim().slice(0, 200), code: '', type: '' };
}

/**
 * Classifies a failed canary. Runbook links:
 * - 401 (missing/invalid client key): `repeated-401`, the row for "requests return 401".
 * - 429 model_cooldown: `model-cooldown`. 503 auth_unavailable / "no auth available": `auth-unavailable`.
 * - "unknown provider for model X" (502 in the docs, 400 model_not_found on v7 builds): no row; the model
 *   is not served by any loaded credential, or CLIPROXY_CANARY_MODEL is wrong.
 */
export function classifyCanary(
  status: number,
  text: string,
  latencyMs: number,
  redactor: Redactor,
): CanaryResult {
  const e = readError(text);
  const said = redactor.text(e.message || e.code || `HTTP ${status}`).slice(0, 300);
  const base = { ok: false, status, latencyMs };
  if (status === 401) {
    return {
      ...base,
      failure: 'invalid_api_key',
      runbook: 'repeated-401',
      message: `The proxy rejected the client key (401: ${said}); check CLIPROXY_CLIENT_KEY against the proxy's api-keys.`,
    };
  }
  if (status === 429 && (e.code === 'model_cooldown' || /cooling down/i.test(e.message))) {
    return {
      ...base,
      failure: 'model_cooldown',
      runbook: 'model-cooldown',
      message: `429 model_cooldown: ${said}`,
    };
  }
  if (
    status === 503 &&
    (e.code === 'auth_unavailable' || /auth_unavailable|no auth available/i.test(e.message))
  ) {
    return {
      ...base,
      failure: 'auth_unavailable',
      runbook: 'auth-unavailable',
      message: `503 auth_unavailable: ${said}`,
    };
  }
  if (/unknown provider/i.test(e.message)) {
    return {
      ...base,
      failure: 'unknown_provider',
      runbook: undefined,
      message: `${status} ${said}: no loaded credential serves this model; check CLIPROXY_CANARY_MODEL.`,
    };
  }
  return { ...base, failure: 'other', runbook: undefined, message: `${status}: ${said}` };
}
