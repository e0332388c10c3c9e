// Re-login through the management OAuth routes: start, show the URL / device code, poll until done.
import { AppError } from '../../errors.js';
import type { ActionDeps, ExecuteOutcome } from './types.js';

export interface LoginPrompt {
  url: string | undefined;
  userCode: string | undefined;
}

export interface ReloginOptions {
  pollIntervalMs: number;
  timeoutMs: number;
  method?: string | undefined;
  /** Called with the login URL / device code, for the approver alone (sent privately, never to the thread). */
  onPrompt: (prompt: LoginPrompt) => Promise<void>;
}

export async function executeRelogin(
  deps: ActionDeps,
  provider: string,
  options: ReloginOptions,
): Promise<ExecuteOutcome> {
  const { client, now, sleep } = deps;
  let start: Awaited<ReturnType<typeof client.startLogin>>;
  try {
    start = await client.startLogin(provider, options.method ? { method: options.method } : {});
  } catch (err) {
    if (err instanceof AppError && err.code === 'route_missing') {
      return {
        kind: 'failed',
        runbook: undefined,
        summary: `This build (${client.serverVersion ?? 'unknown'}) has no login route for ${provider} (GET /v0/management/${provider}-auth-url).`,
      };
    }
    throw err;
  }
  let shown = `${start.url ?? ''}|${start.userCode ?? ''}`;
  if (start.url !== undefined || start.userCode !== undefined)
    await options.onPrompt({ url: start.url, userCode: start.userCode });
  const deadline = now() + options.timeoutMs;
  // Some builds answer {"status":"ok"} for a state they do not know (Plus-era: also once a session is
  // forgotten), so "ok" proves a finished login only after this state was seen pending; otherwise the
  // verification that follows has to prove it (the token must be newer).
  let seenPending = false;
  while (now() < deadline) {
    const status = await client.loginStatus(start.state);
    if (status.status === 'ok') {
      return {
        kind: 'done',
        summary: seenPending
          ? `Login for ${provider} completed.`
          : `The login status answered "ok" before the bot saw this login pending: not taken as a finished login; the verification below decides.`,
      };
    }
    seenPending = true;
    if (status.status === 'error') {
      return {
        kind: 'failed',
        runbook: undefined,
        summary: `Login for ${provider} failed: ${status.error.slice(0, 300)}`,
      };
    }
    if (status.status === 'device_code' || status.status === 'auth_url') {
      const prompt: LoginPrompt =
        status.status === 'device_code'
          ? { url: status.verificationUrl, userCode: status.userCode }
          : { url: status.url, userCode: undefined };
      const key = `${prompt.url ?? ''}|${prompt.userCode ?? ''}`;
      if (key !== shown) {
        shown = key;
        await options.onPrompt(prompt);
      }
    }
    await sleep(options.pollIntervalMs);
  }
  return {
    kind: 'failed',
    runbook: undefined,
    summary: `Login for ${provider} did not complete within ${Math.round(options.timeoutMs / 1000)}s.`,
  };
}
