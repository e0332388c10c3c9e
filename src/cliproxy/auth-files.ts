// Management calls on credential files: list them, read one (reduced at once to non-secret facts),
// switch one on or off, and the two refresh routes (the seed's per-provider refresh, legacy Kiro).
import { AppError } from '../errors.js';
import { classifyFailure, parseHandlerError, serverWords } from './classify.js';
import { badResponseError, routeMissingError } from './errors.js';
import { validateAuthFileName, validateProvider } from './names.js';
import { MANAGEMENT_PREFIX, type ManagementCore } from './plumbing.js';
import { authFilesResponse, jsonObject, legacyKiroResponse, setStatusResponse } from './schemas.js';
import { summarizeToken } from './token-summary.js';
import { AUTH_FILES_LIMIT } from './transport.js';
import type { AuthFile, TokenSummary } from './types.js';

export function listAuthFiles(core: ManagementCore): Promise<AuthFile[]> {
  return core.getJson('/auth-files', authFilesResponse, undefined, undefined, { maxBytes: AUTH_FILES_LIMIT });
}

export async function readToken(core: ManagementCore, name: string): Promise<TokenSummary> {
  validateAuthFileName(name);
  const route = '/auth-files/download';
  const res = await core.management('GET', route, { query: { name }, retry: true });
  let raw: unknown;
  try {
    raw = JSON.parse(res.text);
  } catch {
    // never echo the body: it holds live tokens
    throw badResponseError('GET', MANAGEMENT_PREFIX + route, `token file ${name} is not valid JSON`);
  }
  if (!jsonObject.safeParse(raw).success) {
    throw badResponseError('GET', MANAGEMENT_PREFIX + route, `token file ${name} is not a JSON object`);
  }
  return summarizeToken(name, raw);
}

export async function setDisabled(core: ManagementCore, name: string, disabled: boolean): Promise<void> {
  validateAuthFileName(name);
  const res = await core.management('PATCH', '/auth-files/status', {
    body: JSON.stringify({ name, disabled }),
    headers: { 'content-type': 'application/json' },
  });
  core.parse('PATCH', '/auth-files/status', res, setStatusResponse);
}

export async function refreshProvider(
  core: ManagementCore,
  provider: string,
): Promise<{ status: number; body: unknown }> {
  validateProvider(provider);
  const route = `/auths/${provider}/refresh`;
  const res = await core.management('POST', route, {
    body: '{}',
    headers: { 'content-type': 'application/json' },
    missingRouteIs: 'no management refresh route',
  });
  let body: unknown = res.text;
  try {
    body = res.text.trim() ? JSON.parse(res.text) : undefined;
  } catch {
    // a 2xx without JSON: keep the text
  }
  return { status: res.status, body: core.redactor.value(body) };
}

export async function legacyKiroRefresh(
  core: ManagementCore,
): Promise<{ refreshedCount: number; message: string }> {
  const route = '/v0/oauth/kiro/refresh';
  const res = await core.transport.send({
    method: 'POST',
    path: core.basePath + route,
    body: '{}',
    headers: { 'content-type': 'application/json' },
  });
  core.captureVersion(res);
  if (res.status === 404 && !parseHandlerError(res.text)) {
    throw routeMissingError('POST', route, core.serverVersion, 'no legacy Kiro refresh route');
  }
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    throw res.status >= 400
      ? classifyFailure(res, 'POST', route, core.serverVersion, core.redactor)
      : badResponseError('POST', route, 'body is not JSON');
  }
  const parsed = legacyKiroResponse.safeParse(json);
  if (!parsed.success) throw badResponseError('POST', route, 'unexpected JSON shape');
  if (!parsed.data.success || res.status >= 400) {
    throw new AppError(
      'server_error',
      `Legacy Kiro refresh failed (${res.status}): ${serverWords(res.text, core.redactor)}`,
      {
        runbook: 'kiro-idc-refresh',
        // the server's per-file reasons, redacted, so the bot can name the row that fits each file
        details: {
          status: res.status,
          legacyError: core.redactor.text(parsed.data.error ?? '').slice(0, 4000),
        },
      },
    );
  }
  return { refreshedCount: parsed.data.refreshedCount ?? 0, message: parsed.data.message ?? '' };
}
