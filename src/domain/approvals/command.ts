// Parses `/auth-refresh PROVIDER [CREDENTIAL]`. Pure; nothing unvalidated ever leaves this file.

export const PROVIDER_PATTERN = /^[a-z0-9][a-z0-9-]{0,40}$/;
export const CREDENTIAL_PATTERN = /^[A-Za-z0-9@._+-]{1,200}\.json$/;

export const REFRESH_USAGE =
  'Usage: `/auth-refresh PROVIDER [CREDENTIAL]`, e.g. `/auth-refresh kiro` or `/auth-refresh kiro kiro-a.json`';

export function isValidProvider(value: string): boolean {
  return PROVIDER_PATTERN.test(value);
}

/** A credential (auth file) name: safe characters, ends in .json, no `..`, no path separators. */
export function isValidCredentialName(value: string): boolean {
  return CREDENTIAL_PATTERN.test(value) && !value.includes('..') && !value.startsWith('.');
}

export type RefreshCommand =
  | { ok: true; provider: string; credential: string | undefined }
  | { ok: false; error: string };

/** Never throws: arbitrary text gives either a validated command or a reason. */
export function parseRefreshCommand(text: unknown): RefreshCommand {
  const raw = typeof text === 'string' ? text : '';
  const words = raw
    .trim()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  if (words.length === 0) return { ok: false, error: `Which provider? ${REFRESH_USAGE}` };
  if (words.length > 2) return { ok: false, error: `Too many arguments. ${REFRESH_USAGE}` };
  const provider = words[0]!.toLowerCase();
  if (!isValidProvider(provider)) {
    return {
      ok: false,
      error: `"${provider.slice(0, 40)}" is not a provider name (lower-case letters, digits, -). ${REFRESH_USAGE}`,
    };
  }
  const credential = words[1];
  if (credential !== undefined && !isValidCredentialName(credential)) {
    return {
      ok: false,
      error: `"${credential.slice(0, 60)}" is not a credential file name (letters, digits, @._+- ending in .json). ${REFRESH_USAGE}`,
    };
  }
  return { ok: true, provider, credential };
}
