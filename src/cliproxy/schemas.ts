// zod schemas for every management API response the bot reads. Lenient where builds differ, strict
// where the bot depends on a field.
import { z } from 'zod';
import { toRfc3339 } from './time.js';
import type { AuthFile } from './types.js';

const text = z.union([z.string(), z.number()]).nullish();

/** "" and absent are the same to the bot; numbers (some builds send a numeric index) become text. */
function optionalText(v: string | number | null | undefined): string | undefined {
  return v === null || v === undefined || v === '' ? undefined : String(v);
}

// One item of GET /auth-files. z.object: unknown fields are tolerated and dropped. No zod transforms
// here: on a list of thousands read every watch poll, transforms made zod several times slower and left
// megabytes of garbage per read; the mapping is plain code in toAuthFile.
export const authFileItem = z.object({
  name: z.string().min(1),
  provider: z.string().nullish(),
  type: z.string().nullish(),
  label: text,
  email: text,
  status: z.string().nullish(),
  status_message: text,
  disabled: z.boolean().nullish(),
  unavailable: z.boolean().nullish(),
  runtime_only: z.boolean().nullish(),
  last_refresh: z.unknown().optional(),
  next_retry_after: z.unknown().optional(),
  auth_index: text,
  modtime: z.unknown().optional(),
  updated_at: z.unknown().optional(),
  size: z.unknown().optional(),
});

export function toAuthFile(f: z.infer<typeof authFileItem>): AuthFile {
  return {
    name: f.name,
    provider: f.provider || f.type || 'unknown',
    type: f.type ?? undefined,
    label: optionalText(f.label),
    email: optionalText(f.email),
    status: f.status || 'unknown',
    statusMessage: optionalText(f.status_message),
    disabled: f.disabled ?? false,
    unavailable: f.unavailable ?? false,
    runtimeOnly: f.runtime_only ?? false,
    lastRefresh: toRfc3339(f.last_refresh),
    nextRetryAfter: toRfc3339(f.next_retry_after),
    authIndex: optionalText(f.auth_index),
    modtime: toRfc3339(f.modtime),
    size: typeof f.size === 'number' && Number.isFinite(f.size) ? f.size : undefined,
    updatedAt: toRfc3339(f.updated_at),
  };
}

export const jsonObject = z.record(z.string(), z.unknown());

/** `{"error": "...", "message"?: "..."}`: what a handler (not the router) answers. */
export const handlerError = z.looseObject({ error: z.string(), message: z.string().optional() });

export const putConfigResponse = z.looseObject({
  ok: z.boolean().optional(),
  changed: z.array(z.string()).nullish(),
  persisted: z.boolean().optional(),
});

export const setStatusResponse = z.looseObject({ status: z.string(), disabled: z.boolean().optional() });

export const loginStartResponse = z.looseObject({
  status: z.string().optional(),
  url: z.string().optional(),
  state: z.string().min(1),
  user_code: z.string().optional(),
  userCode: z.string().optional(),
});

export const loginStatusResponse = z.looseObject({
  status: z.enum(['wait', 'ok', 'error', 'device_code', 'auth_url']),
  error: z.string().optional(),
  url: z.string().optional(),
  verification_url: z.string().optional(),
  verification_uri: z.string().optional(),
  user_code: z.string().optional(),
});

export const legacyKiroResponse = z.looseObject({
  success: z.boolean(),
  message: z.string().optional(),
  refreshedCount: z.number().optional(),
  error: z.string().optional(),
});
