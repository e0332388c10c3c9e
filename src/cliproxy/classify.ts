// Turns a management API answer that is not 2xx into the AppError a person should see.

import type { Redactor } from '../domain/redact.js';
import { AppError } from '../errors.js';
import { ipBannedError, remoteDisabledError, unauthorizedError } from './errors.js';
import { handlerError } from './schemas.js';
import type { HttpResponse } from './transport.js';

/** The JSON `{"error","message"?}` a handler wrote, or undefined for the router's empty/plain 404. */
export function parseHandlerError(text: string): { error: string; message: string | undefined } | undefined {
  if (!text.trim().startsWith('{')) return undefined;
  try {
    const parsed = handlerError.safeParse(JSON.parse(text));
    return parsed.success ? { error: parsed.data.error, message: parsed.data.message } : undefined;
  } catch {
    return undefined;
  }
}

export function serverWords(text: string, redactor: Redactor): string {
  const h = parseHandlerError(text);
  const words = h ? (h.message ? `${h.error}: ${h.message}` : h.error) : text.trim() || '(empty body)';
  return redactor.text(words).slice(0, 300);
}

/**
 * Classifies every status except the 404 without a handler body (which needs a probe of /config to tell
 * "route missing" from "management switched off"; the client does that).
 */
export function classifyFailure(
  res: HttpResponse,
  method: string,
  route: string,
  version: string | undefined,
  redactor: Redactor,
): AppError {
  const says = serverWords(res.text, redactor);
  const where = `${method} ${route}`;
  if (res.status === 401) return unauthorizedError(says, version);
  if (res.status === 403) {
    if (/ip banned/i.test(says)) return ipBannedError(says, version);
    if (/remote management disabled/i.test(says)) return remoteDisabledError(version);
    return new AppError('forbidden', `${where} was refused (403): ${says}.`, {
      hint: 'The proxy refused the call; check its remote-management settings.',
    });
  }
  if (res.status === 404) {
    return new AppError('not_found', `${where}: ${says}.`, { details: { status: 404 } });
  }
  if (res.status >= 500) {
    return new AppError('server_error', `The proxy failed on ${where} (${res.status}): ${says}.`, {
      hint: "Check the proxy's log for the cause.",
      details: { status: res.status, serverError: parseHandlerError(res.text)?.error },
    });
  }
  return new AppError('bad_request', `The proxy rejected ${where} (${res.status}): ${says}.`, {
    details: { status: res.status, serverError: parseHandlerError(res.text)?.error },
  });
}
