// POST /v0/management/reset-quota (upstream v7.2.22+): clear one credential's cooldown, and find out
// without side effects whether a build has the route. The client delegates here; the plumbing (key,
// serial gate, version capture, bare-404 diagnosis) stays in the client's one management call.
import { z } from 'zod';
import { AppError } from '../errors.js';
import { badResponseError } from './errors.js';
import type { QuotaReset } from './types.js';

export const RESET_QUOTA_ROUTE = '/reset-quota';

/** The client's management call, as this file needs it: resolves 2xx, throws AppError otherwise. */
export type ManagementPost = (
  route: string,
  body: string,
  missingRouteIs: string,
) => Promise<{ status: number; text: string }>;

const resetQuotaResponse = z.looseObject({
  status: z.string().optional(),
  auth_index: z.union([z.string(), z.number()]).optional(),
  models: z.array(z.string()).nullish(),
});

/** Largest auth_index the bot sends (the proxy's own are short hex strings). */
const MAX_AUTH_INDEX = 128;

export function validateAuthIndex(authIndex: string): string {
  const value = authIndex.trim();
  if (value === '' || value.length > MAX_AUTH_INDEX || !/^[\x21-\x7e]+$/.test(value)) {
    throw new AppError(
      'bad_usage',
      'A credential without a usable auth_index cannot have its cooldown reset.',
      {
        hint: 'Check the credential with /auth-status; the proxy lists its auth_index in GET /v0/management/auth-files.',
      },
    );
  }
  return value;
}

/**
 * True when the build has the route: `{}` answers 400 "auth_index is required" there (nothing is reset),
 * and a bare 404 where the route is missing. Any other failure (unreachable, 401, ...) is thrown.
 */
export async function probeResetQuota(post: ManagementPost): Promise<boolean> {
  try {
    await post(RESET_QUOTA_ROUTE, '{}', 'no cooldown reset route');
    return true; // a build that accepted {} has the route, whatever it did with it
  } catch (err) {
    if (err instanceof AppError && err.code === 'bad_request') return true;
    if (err instanceof AppError && err.code === 'route_missing') return false;
    throw err;
  }
}

/** Clears the cooldown of the credential with `authIndex`; names the models whose cooldown was cleared. */
export async function resetQuota(post: ManagementPost, authIndex: string): Promise<QuotaReset> {
  const index = validateAuthIndex(authIndex);
  const res = await post(RESET_QUOTA_ROUTE, JSON.stringify({ auth_index: index }), 'no cooldown reset route');
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    throw badResponseError('POST', `/v0/management${RESET_QUOTA_ROUTE}`, 'body is not JSON');
  }
  const parsed = resetQuotaResponse.safeParse(json);
  if (!parsed.success) {
    throw badResponseError('POST', `/v0/management${RESET_QUOTA_ROUTE}`, 'unexpected JSON shape');
  }
  const models = (parsed.data.models ?? []).map((m) => m.slice(0, 200)).slice(0, 500);
  return { authIndex: String(parsed.data.auth_index ?? index), models };
}
