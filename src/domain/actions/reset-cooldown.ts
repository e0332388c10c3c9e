// Resetting a stuck cooldown (POST /v0/management/reset-quota) as read → execute → verify over the
// ManagementClient. The target is one credential; its staleness fingerprint covers the facts that say
// whether it is still cooling down, so a cooldown that ends on its own makes a pending request stale.
import { createHash } from 'node:crypto';
import type { AuthFile, ManagementClient, QuotaReset } from '../../cliproxy/types.js';
import { AppError } from '../../errors.js';
import { cooldownFinding, describeState, isCoolingDown, type StateOptions } from '../credential-state.js';
import type { ActionDeps, Check } from './types.js';

/** Longest credential name a request accepts (names come from buttons and selects: untrusted). */
export const MAX_CREDENTIAL_NAME = 255;

/** What a reset-cooldown request remembers (JSON, no secrets). */
export interface CooldownParams {
  credentialName: string;
  authIndex: string;
  /** The cooldown at request time, in words, and its times (RFC 3339 or null). */
  cooldown: { text: string; until: string | null; since: string | null };
}

export function credentialNameOf(args: Record<string, unknown>): string {
  const name = args.credential ?? args.credentialName;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_CREDENTIAL_NAME) {
    throw new AppError('bad_usage', 'Name one credential whose cooldown to reset.', {
      hint: 'Pick it from /auth-status or from the Request fix button of the model-cooldown row.',
    });
  }
  return name;
}

export function fingerprintCooldown(file: AuthFile | undefined): string {
  const facts = file
    ? [
        file.name,
        file.authIndex ?? null,
        file.status,
        file.statusMessage ?? null,
        file.disabled,
        file.unavailable,
        file.nextRetryAfter ?? null,
      ]
    : ['gone'];
  return `cd1:${createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 16)}`;
}

async function findCredential(client: ManagementClient, name: string): Promise<AuthFile | undefined> {
  return (await client.listAuthFiles()).find((f) => f.name === name);
}

/** Reads the credential for a new request; refuses (AppError) when there is nothing the reset can do. */
export async function prepareCooldownReset(
  client: ManagementClient,
  name: string,
  options: StateOptions,
): Promise<{ file: AuthFile; params: CooldownParams; fingerprint: string }> {
  const file = await findCredential(client, name);
  if (!file) {
    throw new AppError('not_found', `The proxy has no credential ${name}.`, {
      hint: 'Check the name with /auth-status.',
    });
  }
  if (!isCoolingDown(file, options.now)) {
    throw new AppError(
      'conflict',
      `${name} is not cooling down (${describeState(file, options)}); there is no cooldown to reset.`,
    );
  }
  if (!file.authIndex) {
    throw new AppError(
      'bad_response',
      `The proxy lists ${name} without an auth_index, so it cannot be reset.`,
      {
        hint: 'Builds that have POST /v0/management/reset-quota list an auth_index for every credential; check CLIPROXY_URL.',
        runbook: 'model-cooldown',
      },
    );
  }
  const finding = cooldownFinding(file, options);
  return {
    file,
    fingerprint: fingerprintCooldown(file),
    params: {
      credentialName: name,
      authIndex: file.authIndex,
      cooldown: {
        text: finding?.text ?? describeState(file, options),
        until: finding?.until ?? null,
        since: finding?.since ?? null,
      },
    },
  };
}

/** The fingerprint now and, when it differs, what changed in words. */
export async function recheckCooldown(
  client: ManagementClient,
  name: string,
  requestFingerprint: string,
  options: StateOptions,
): Promise<{ fingerprint: string; change: string }> {
  const file = await findCredential(client, name);
  const fingerprint = fingerprintCooldown(file);
  if (fingerprint === requestFingerprint) return { fingerprint, change: '' };
  if (!file) return { fingerprint, change: `${name} is gone` };
  if (!isCoolingDown(file, options.now))
    return { fingerprint, change: `${name} is no longer cooling down (${describeState(file, options)})` };
  return { fingerprint, change: `${name} changed: ${describeState(file, options)}` };
}

export type CooldownOutcome =
  | { kind: 'done'; reset: QuotaReset }
  | { kind: 'failed'; summary: string; runbook: string | undefined };

/** POST /v0/management/reset-quota {auth_index}. A missing route or an unknown index is an outcome. */
export async function executeCooldownReset(
  client: ManagementClient,
  params: CooldownParams,
): Promise<CooldownOutcome> {
  try {
    return { kind: 'done', reset: await client.resetQuota(params.authIndex) };
  } catch (err) {
    if (err instanceof AppError && err.code === 'route_missing') {
      return {
        kind: 'failed',
        runbook: 'model-cooldown',
        summary: `This build (${client.serverVersion ?? 'unknown'}) has no cooldown reset (POST /v0/management/reset-quota answers 404); nothing was changed.`,
      };
    }
    if (err instanceof AppError && err.code === 'not_found') {
      return {
        kind: 'failed',
        runbook: 'model-cooldown',
        summary: `The proxy no longer knows auth_index ${params.authIndex} (${params.credentialName}); nothing was changed.`,
      };
    }
    throw err;
  }
}

/** The credential is back in use: not unavailable, and no next_retry_after ahead. */
export function checkCooldownCleared(name: string, file: AuthFile | undefined, options: StateOptions): Check {
  if (!file)
    return {
      name: `${name} cooldown`,
      ok: false,
      detail: 'the credential is gone',
      runbook: 'model-cooldown',
    };
  const retry = file.nextRetryAfter ? Date.parse(file.nextRetryAfter) : undefined;
  const cleared = !file.unavailable && !(retry !== undefined && retry > options.now);
  return cleared
    ? { name: `${name} cooldown`, ok: true, detail: `cleared: ${describeState(file, options)}` }
    : {
        name: `${name} cooldown`,
        ok: false,
        detail: `still cooling down: ${describeState(file, options)}`,
        runbook: 'model-cooldown',
      };
}

/** Polls (bounded) until the credential is back in use; returns the last check. */
export async function verifyCooldownCleared(
  deps: ActionDeps,
  name: string,
  options: { pollIntervalMs: number; timeoutMs: number; staleCooldownMs: number },
): Promise<Check> {
  const deadline = deps.now() + options.timeoutMs;
  for (;;) {
    const file = await findCredential(deps.client, name);
    const check = checkCooldownCleared(name, file, {
      now: deps.now(),
      staleCooldownMs: options.staleCooldownMs,
    });
    if (check.ok || deps.now() + options.pollIntervalMs > deadline) return check;
    await deps.sleep(options.pollIntervalMs);
  }
}
