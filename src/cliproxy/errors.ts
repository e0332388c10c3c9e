// The management API's failure modes as AppErrors: stable code, the runbook row a person should read,
// and a hint that names the setting to fix. Messages carry the server's words, never the key or a token.
import { AppError } from '../errors.js';

const KEY_HINT =
  "Set CLIPROXY_MANAGEMENT_KEY to the proxy's remote-management secret-key (the plaintext, not the hash), then restart the bot.";

const buildOf = (version: string | undefined) => (version ? ` (server build ${version})` : '');

export function missingKeyError(): AppError {
  return new AppError(
    'unauthorized',
    'CLIPROXY_MANAGEMENT_KEY is not set: the bot cannot call the management API.',
    {
      runbook: 'refresh-401',
      hint: KEY_HINT,
      details: { reason: 'key_not_set' },
    },
  );
}

export function unauthorizedError(serverSays: string, version: string | undefined): AppError {
  const missing = /missing/i.test(serverSays);
  const what = missing ? 'missing management key' : 'invalid management key';
  return new AppError(
    'unauthorized',
    `The management API answered 401 (${what})${buildOf(version)}: CLIPROXY_MANAGEMENT_KEY is ${missing ? 'not being sent' : 'wrong'}. The bot stopped calling the management API so the proxy does not ban this host.`,
    { runbook: 'refresh-401', hint: KEY_HINT, details: { reason: missing ? 'missing_key' : 'invalid_key' } },
  );
}

export function latchedError(): AppError {
  return new AppError(
    'unauthorized',
    'The management API rejected CLIPROXY_MANAGEMENT_KEY earlier; the bot is not calling it again (5 failed attempts ban this host for 30 minutes).',
    { runbook: 'refresh-401', hint: KEY_HINT, details: { latched: true } },
  );
}

export function latchedElsewhereError(rejectedAt: number): AppError {
  return new AppError(
    'unauthorized',
    `The management API rejected CLIPROXY_MANAGEMENT_KEY at ${new Date(rejectedAt).toISOString()} (recorded by this bot or another replica); the bot is not sending it again (5 failed attempts ban the host for 30 minutes).`,
    { runbook: 'refresh-401', hint: KEY_HINT, details: { latched: true, rejectedAt } },
  );
}

export function ipBannedError(serverSays: string, version: string | undefined): AppError {
  return new AppError(
    'ip_banned',
    `The management API banned this host${buildOf(version)}: "${serverSays}".`,
    {
      runbook: 'mgmt-ip-banned',
      hint: 'Wait for the ban to expire (30 minutes) or restart the proxy; fix CLIPROXY_MANAGEMENT_KEY first so it does not happen again.',
    },
  );
}

export function remoteDisabledError(version: string | undefined): AppError {
  return new AppError(
    'remote_disabled',
    `The management API refuses callers that are not on localhost${buildOf(version)}: "remote management disabled".`,
    {
      runbook: 'mgmt-remote-disabled',
      hint: 'Set remote-management.allow-remote: true in the proxy config, or run the bot on the proxy host and point CLIPROXY_URL at 127.0.0.1.',
    },
  );
}

export function managementDisabledError(url: string): AppError {
  return new AppError(
    'management_disabled',
    `The management API at ${url} is switched off: every /v0/management route answers 404.`,
    {
      runbook: 'refresh-404',
      hint: "Set remote-management.secret-key in the proxy's config.yaml (it hot-reloads) and put the same value in CLIPROXY_MANAGEMENT_KEY.",
    },
  );
}

export function routeMissingError(
  method: string,
  route: string,
  version: string | undefined,
  what?: string,
): AppError {
  const subject = what ?? `no route ${method} ${route}`;
  return new AppError(
    'route_missing',
    `This server${buildOf(version)} has ${subject}: ${method} ${route} answered 404 while the management API otherwise answers.`,
    {
      hint: 'This build does not support that call; use what it offers instead (re-login, legacy Kiro refresh, re-enable).',
      details: { method, route, serverVersion: version },
    },
  );
}

export function unreachableError(url: string, reason: string): AppError {
  return new AppError('unreachable', `The proxy at ${url} is unreachable (${reason}).`, {
    hint: 'Check that CLIProxyAPI is running and that CLIPROXY_URL points at it.',
  });
}

export function timeoutError(url: string, ms: number): AppError {
  return new AppError('timeout', `The proxy at ${url} did not answer within ${(ms / 1000).toFixed(1)} s.`, {
    hint: 'The proxy may be hanging or overloaded; check its process and logs, and CLIPROXY_URL.',
  });
}

export function badResponseError(method: string, route: string, problem: string): AppError {
  return new AppError('bad_response', `Unexpected answer from ${method} ${route}: ${problem}.`, {
    hint: 'The server may be a different or newer build than the bot understands; check CLIPROXY_URL.',
  });
}

/** "1 MB", "4 MB", "512 KB": a byte cap as people read it. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

export function responseTooLargeError(method: string, route: string, limitBytes: number): AppError {
  return new AppError(
    'response_too_large',
    `The proxy's answer to ${method} ${route} is larger than ${formatBytes(limitBytes)}, the most the bot reads from that route; it stopped reading and used nothing of it.`,
    {
      hint: 'Check that CLIPROXY_URL points at CLIProxyAPI (not another service); a config.yaml or token file this large is not one the bot can handle.',
      details: { method, route, limitBytes },
    },
  );
}
