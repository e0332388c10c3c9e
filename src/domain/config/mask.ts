// Masks every secret value in a parsed config tree: API keys, secrets, tokens, passwords, header values,
// credentials inside URLs, and anything shaped like a known token. A masked value is a short keyed fingerprint
// (`hmac:1a2b3c4d`, see keyedFingerprint) so people can tell two values apart without ever seeing one, and
// cannot confirm a guess without the installation's key. Pure: the fingerprint function is passed in.
import { defaultRedactor, type Fingerprint } from '../redact.js';

/** Normalised key names (lower case, no - or _) whose values are secrets, wherever they appear. */
const SECRET_SUFFIX =
  /(key|keys|secret|secrets|token|tokens|password|passwords|passwd|pass|cookie|cookies|credential|credentials|authorization|bearer|signature)$/;

/** Keys whose whole subtree is secret (every value under them is masked). */
const SECRET_SUBTREE = new Set(['headers', 'header', 'cookies', 'env']);

export function isSecretConfigKey(key: string): boolean {
  const k = key.toLowerCase().replace(/[-_]/g, '');
  return SECRET_SUFFIX.test(k);
}

export function maskScalar(value: unknown, fingerprint: Fingerprint): string {
  return fingerprint(typeof value === 'string' ? value : JSON.stringify(value));
}

/** A URL with a password (`socks5://user:pass@host`) shows the password as a fingerprint. */
function maskUrlCredentials(text: string, fingerprint: Fingerprint): string {
  return text.replace(
    /\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]*):([^\s@/]+)@/gi,
    (_m, scheme: string, user: string, pass: string) => `${scheme}${user}:${fingerprint(pass)}@`,
  );
}

function maskString(text: string, fingerprint: Fingerprint): string {
  const noUserinfo = maskUrlCredentials(text, fingerprint);
  // query parameters that carry keys (?key=..., &token=...)
  const noParams = noUserinfo.replace(
    /([?&](?:key|api[-_]?key|token|access[-_]?token|secret|password|sig|signature)=)([^&#\s]+)/gi,
    (_m, name: string, value: string) => `${name}${fingerprint(value)}`,
  );
  // anything else shaped like a token (sk-..., AIza..., Bearer ..., JWT, key=...) is masked whole
  return defaultRedactor.text(noParams) === noParams ? noParams : fingerprint(text);
}

/** How a key marks its value: `subtree` masks everything under it, `scalars` masks its scalar values
 * (a list of entries such as `gemini-api-key: [{api-key, base-url}]` is then read entry by entry). */
function secrecyOf(key: string): 'none' | 'scalars' | 'subtree' {
  if (SECRET_SUBTREE.has(key.toLowerCase())) return 'subtree';
  return isSecretConfigKey(key) ? 'scalars' : 'none';
}

function maskUnder(key: string, value: unknown, inherited: boolean, fp: Fingerprint): unknown {
  const secrecy = inherited ? 'subtree' : secrecyOf(key);
  if (secrecy === 'subtree') return maskSecrets(value, fp, true);
  if (secrecy === 'none') return maskSecrets(value, fp, false);
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, fp, !isEntry(item)));
  // a scalar, or a map under a secret name (`token: {...}`): all of it is secret
  return maskSecrets(value, fp, true);
}

const isEntry = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Returns a copy of `value` in which every secret is a fingerprint. `secret` marks a subtree that is
 * secret as a whole (under `headers`, or a scalar under `api-key`, ...).
 */
export function maskSecrets(value: unknown, fp: Fingerprint, secret = false): unknown {
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, fp, secret));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      out[k] = maskUnder(k, v, secret, fp);
    return out;
  }
  if (value === null || value === undefined) return value;
  if (secret) return value === '' ? '' : maskScalar(value, fp);
  if (typeof value === 'string') return maskString(value, fp);
  return value;
}

/** Masks a top-level block by its name (`api-keys` is a list of secrets; `claude-api-key` a list of entries). */
export function maskBlock(name: string, value: unknown, fp: Fingerprint): unknown {
  return maskUnder(name, value, false, fp);
}
