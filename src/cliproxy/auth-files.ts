// Management calls on credential files: list them, read one (reduced at once to non-secret facts),
// switch one on or off, and the two refresh routes (the seed's per-provider refresh, legacy Kiro).
import { AppError } from '../errors.js';
import { classifyFailure, parseHandlerError, serverWords } from './classify.js';
import { badResponseError, routeMissingError } from './errors.js';
import { JsonListReader, JsonShapeError } from './json-list.js';
import { validateAuthFileName, validateProvider } from './names.js';
import { MANAGEMENT_PREFIX, type ManagementCore } from './plumbing.js';
import { authFileItem, jsonObject, legacyKiroResponse, setStatusResponse, toAuthFile } from './schemas.js';
import { summarizeToken } from './token-summary.js';
import { AUTH_FILES_LIMIT } from './transport.js';
import type { AuthFile, TokenSummary } from './types.js';

/**
 * GET /auth-files, `{"files": [...] | null}`, visited one credential at a time: each item is parsed on
 * its own, checked with zod and reduced to an AuthFile, then handed to `visit` and not kept (json-list.ts
 * says why: the watch reads thousands of them every poll). Items before a malformed one have been
 * visited when the call fails, so a caller keeps what it gathered only when the call succeeds.
 * Returns how many were visited.
 */
export async function scanAuthFiles(core: ManagementCore, visit: (f: AuthFile) => void): Promise<number> {
  const route = '/auth-files';
  let count = 0;
  const reader = new JsonListReader('files', (item, index) => {
    const parsed = authFileItem.safeParse(item);
    if (!parsed.success) {
      throw new ItemError(['files', index, ...(parsed.error.issues[0]?.path ?? [])].join('.'));
    }
    count++;
    visit(toAuthFile(parsed.data));
  });
  const bad = (what: string) => badResponseError('GET', MANAGEMENT_PREFIX + route, what);
  try {
    await core.management('GET', route, {
      retry: true,
      maxBytes: AUTH_FILES_LIMIT,
      onText: (piece) => reader.push(piece),
    });
    const at = reader.end();
    if (at === 'absent' || at === 'other') throw new ItemError('files');
  } catch (err) {
    if (err instanceof ItemError) throw bad(`unexpected JSON shape at ${err.message}`);
    if (err instanceof JsonShapeError) throw bad('unexpected JSON shape at (root)');
    if (err instanceof SyntaxError) throw bad('body is not JSON');
    throw err;
  }
  return count;
}

/** An item (or the list itself) that is JSON but not what the list should hold; the message is its path. */
class ItemError extends Error {}

export async function listAuthFiles(core: ManagementCore): Promise<AuthFile[]> {
  const files: AuthFile[] = [];
  await scanAuthFiles(core, (f) => files.push(f));
  return files;
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
