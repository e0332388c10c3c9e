// Management calls of the OAuth re-login flow: start a login for a provider, poll its state.
import { validateLoginMethod, validateLoginState, validateProvider } from './names.js';
import type { ManagementCore } from './plumbing.js';
import { loginStartResponse, loginStatusResponse } from './schemas.js';
import type { LoginStart, LoginStatus } from './types.js';

export async function startLogin(
  core: ManagementCore,
  provider: string,
  options: { method?: string } = {},
): Promise<LoginStart> {
  validateProvider(provider);
  const query: Record<string, string> = {};
  if (options.method !== undefined) query.method = validateLoginMethod(options.method);
  const route = `/${provider}-auth-url`;
  const body = await core.getJson(route, loginStartResponse, query, `no login route for ${provider}`);
  return { url: body.url, state: body.state, userCode: body.user_code ?? body.userCode };
}

export async function loginStatus(core: ManagementCore, state: string): Promise<LoginStatus> {
  validateLoginState(state);
  const b = await core.getJson('/get-auth-status', loginStatusResponse, { state });
  switch (b.status) {
    case 'wait':
      return { status: 'wait' };
    case 'ok':
      return { status: 'ok' };
    case 'error':
      return { status: 'error', error: core.redactor.text(b.error ?? 'login failed') };
    case 'device_code':
      return {
        status: 'device_code',
        verificationUrl: b.verification_url ?? b.verification_uri ?? '',
        userCode: b.user_code ?? '',
      };
    case 'auth_url':
      return { status: 'auth_url', url: b.url ?? '' };
  }
}
