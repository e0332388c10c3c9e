// Side-effect-free health probes of the proxy: is the management API there (GET /config), and does a
// chat completion with the client key work (the canary).
import { AppError } from '../errors.js';
import { classifyCanary } from './canary.js';
import type { ManagementCore } from './plumbing.js';
import { jsonObject } from './schemas.js';
import type { CanaryResult, ServerInfo } from './types.js';

/** GET /config; `background`: the call waits behind every call made for a person (the /readyz probe). */
export async function probe(core: ManagementCore, background = false): Promise<ServerInfo> {
  const url = core.origin + core.basePath;
  try {
    await core.getJson('/config', jsonObject, undefined, undefined, { background });
    return { url, reachable: true, version: core.serverVersion };
  } catch (err) {
    const e =
      err instanceof AppError ? err : new AppError('internal', 'Unexpected error while probing the proxy.');
    // any HTTP answer (401, 403, 404) proves the server is up; an unset key means we never asked
    const notAsked = e.details?.reason === 'key_not_set';
    const reachable = e.code !== 'unreachable' && e.code !== 'timeout' && !notAsked;
    return {
      url,
      reachable,
      version: core.serverVersion,
      error: { code: e.code, message: e.message, runbook: e.runbook, hint: e.hint },
    };
  }
}

export async function canary(
  core: ManagementCore,
  clientKey: string | undefined,
  model: string | undefined,
): Promise<CanaryResult> {
  const missing = [clientKey ? '' : 'CLIPROXY_CLIENT_KEY', model ? '' : 'CLIPROXY_CANARY_MODEL'].filter(
    Boolean,
  );
  if (missing.length > 0) {
    return {
      ok: false,
      skipped: `canary skipped: set ${missing.join(' and ')}`,
      status: undefined,
      latencyMs: undefined,
    };
  }
  const redactor = core.redactor.withSecrets([clientKey]);
  const started = core.now();
  try {
    const res = await core.transport.send({
      method: 'POST',
      path: `${core.basePath}/v1/chat/completions`,
      headers: { authorization: `Bearer ${clientKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], stream: false }),
      timeoutMs: core.canaryTimeoutMs,
    });
    const latencyMs = core.now() - started;
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, latencyMs };
    return classifyCanary(res.status, res.text, latencyMs, redactor);
  } catch (err) {
    const message = err instanceof AppError ? err.message : 'network error';
    const tooLarge = err instanceof AppError && err.code === 'response_too_large';
    return {
      ok: false,
      status: undefined,
      latencyMs: core.now() - started,
      failure: tooLarge ? 'other' : 'unreachable',
      runbook: undefined,
      message,
    };
  }
}
