// Names that go into a URL are checked first: no path tricks, no query smuggling, no network call when bad.
import { AppError } from '../errors.js';

const PROVIDER = /^[a-z0-9][a-z0-9-]{0,40}$/;
const AUTH_FILE = /^[A-Za-z0-9@._+-]{1,200}\.json$/;
const LOGIN_METHOD = /^[a-z0-9][a-z0-9-]{0,30}$/;
const LOGIN_STATE = /^[A-Za-z0-9._~-]{1,200}$/;

function reject(what: string, value: string, rule: string): never {
  throw new AppError('bad_request', `Invalid ${what} "${value.slice(0, 60)}": ${rule}.`, {
    hint: `Check the ${what} and try again.`,
  });
}

/** Whether `provider` is a well-formed provider name (validateProvider without the error). */
export const isProviderName = (provider: string): boolean => PROVIDER.test(provider);

export function validateProvider(provider: string): string {
  if (!PROVIDER.test(provider))
    reject('provider', provider, 'expected lower-case letters, digits and dashes');
  return provider;
}

export function validateAuthFileName(name: string): string {
  if (!AUTH_FILE.test(name) || name.includes('..')) {
    reject('auth file name', name, 'expected a file name like kiro-user@example.com.json, without ".."');
  }
  return name;
}

export function validateLoginMethod(method: string): string {
  if (!LOGIN_METHOD.test(method)) reject('login method', method, 'expected a word such as aws or builder-id');
  return method;
}

export function validateLoginState(state: string): string {
  if (!LOGIN_STATE.test(state)) reject('login state', state, 'expected the state string the login returned');
  return state;
}
