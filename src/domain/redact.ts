// Scrubbing secrets out of text and objects before they reach a log line, chat, the audit trail or an error.
import { createHash, createHmac } from 'node:crypto';

/** Keys whose values are always secret, wherever they appear (case-insensitive, - and _ ignored). A bare
 * `code` is not one: the bot's own refusal and error codes use that name (OAuth codes in text are caught below). */
const SECRET_KEY_PATTERN =
  /^(authorization|xmanagementkey|xapikey|xgoogapikey|cookie|setcookie|xslacksignature|token|accesstoken|refreshtoken|idtoken|bottoken|apptoken|clientsecret|secret|secretkey|password|apikey|apikeys|key|managementkey|clientkey|signingsecret|responseurl|privatekey|sessiontoken|bearer|codeverifier|devicecode|proxyauthorization)$/;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PATTERN.test(key.toLowerCase().replace(/[-_]/g, ''));
}

/** Token shapes recognised inside free text. */
const TEXT_PATTERNS: RegExp[] = [
  /\bxox[abposr]-[A-Za-z0-9-]+/g, // Slack bot/user tokens
  /\bxapp-[A-Za-z0-9-]+/g, // Slack app-level tokens
  /https:\/\/hooks\.slack\.com\/[^\s"'<>]+/g, // response_url / webhooks
  /\bBearer\s+[A-Za-z0-9._~+/=-]{4,}/gi,
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI/Anthropic-style keys
  /\bAIza[0-9A-Za-z_-]{20,}/g, // Google API keys
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
  /\b(?:1\/\/|ya29\.)[A-Za-z0-9._-]{10,}/g, // Google OAuth tokens
  /\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}/g, // bcrypt hashes
];

export const REDACTED = '[redacted]';

// A secret key=value pair in free text, in every shape a proxy error carries one:
//   JSON                `"refresh_token": "abc"`      JSON in a string   `\"refresh_token\":\"abc\"` (any depth)
//   form / query        `grant_type=x&refresh_token=abc&client_id=y`    URL-encoded JSON `%22code%22%3A%22abc%22`
//   header-like         `Authorization: Bearer abc`, `X-Api-Key: abc`     plain text `client_secret: abc`
// The key is kept, the value dropped. A key starts a word (`user_code`, `x-api-key` count; `monkey` does not).
const QUOTE = String.raw`(?:\\*["'\x60]|%22|%27)`;
const SEP = String.raw`(?:[:=]|%3A|%3D)`;
const KEY_START = String.raw`(?<=^|[^a-z0-9]|%22|%27)`;
/** Keys named for a token, a secret, a password, a verifier or a key, with any prefix (`x-api-key`, `kiro_refresh_token`). */
const SECRET_WORD = String.raw`(?:[a-z0-9]{1,24}[_-]){0,4}(?:(?:access|refresh|id|session|bot|app|auth)?token|(?:client)?secrets?|password|passwd|pwd|(?:code)?verifier|(?:api|management|client|secret|private|access)?keys?)`;
/** OAuth codes. Under these names a short value (`500`) or a lower-case identifier (`invalid_grant`) is an
 * error or status code, not a secret: only other values of 8+ characters are removed. */
const CODE_WORD = String.raw`(?:(?:device|user|auth|authorization)[_-]?)?code`;
/** A quoted value runs to its closing quote (a password may hold spaces); a bare one to a space or separator. */
const VALUE = String.raw`(?:(?<=["'\x60])[^"'\x60\\\r\n]+|[^\s"'\x60,;&}\\]+)`;
/** `Authorization:` / `Cookie:` values run to the end of the header (`Bearer abc`, `a=1; b=2`). */
const HEADER_PATTERN = new RegExp(
  String.raw`(${KEY_START}${QUOTE}?(?:proxy-)?(?:authorization|cookie|set-cookie)${QUOTE}?\s*${SEP}\s*${QUOTE}?)([^\r\n"'\\]+)`,
  'gi',
);
/** A value that is already a fingerprint (a masked config secret, `hmac:1a2b3c4d`) is not a secret. */
const FINGERPRINT = /^(?:hmac|sha256):[0-9a-f]{8}$/;
const ERROR_CODE = /^[a-z]+(?:_[a-z]+)*$/;
/** A cheap first look: text without any of these words has no secret key=value pair (most log lines). */
const KEY_HINT = /token|secret|passw|pwd|verifier|key|code|authori[sz]ation|cookie/i;
/** `:key: <@U1>` is Slack's key emoji (the bot's login messages) before a mention, not a key and its value. */
const isEmoji = (text: string, at: number, key: string) =>
  text[at - 1] === ':' && /^(?:old_key|key|closed_lock_with_key):\s/.test(key);
/** Each pattern with the values it keeps. */
const KEY_VALUE_PATTERNS: [RegExp, (value: string) => boolean][] = [
  [
    new RegExp(
      String.raw`(${KEY_START}${QUOTE}?${SECRET_WORD}${QUOTE}?\s*${SEP}\s*${QUOTE}?(?:\[\s*${QUOTE}?)?)(${VALUE})`,
      'gi',
    ),
    (v) => v.length < 4,
  ],
  [
    new RegExp(String.raw`(${KEY_START}${QUOTE}?${CODE_WORD}${QUOTE}?\s*${SEP}\s*${QUOTE}?)(${VALUE})`, 'gi'),
    (v) => v.length < 8 || ERROR_CODE.test(v),
  ],
];

/** A short, stable, unkeyed hash of a value. Not for secrets people see: anyone can hash a guess and compare;
 * diffs use `keyedFingerprint`. */
export function fingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
}

/** Turns a secret into the short text shown in its place (`hmac:1a2b3c4d`). */
export type Fingerprint = (secret: string) => string;

/**
 * A fingerprint keyed with a per-installation random key (HMAC-SHA256, first 32 bits): stable within one
 * installation, so people can tell two values apart, and useless to someone who guesses a secret and hashes
 * it, since they do not have the key.
 */
export function keyedFingerprint(key: Buffer): Fingerprint {
  if (key.length < 16) throw new Error('a fingerprint key needs at least 16 bytes');
  return (secret) => `hmac:${createHmac('sha256', key).update(secret).digest('hex').slice(0, 8)}`;
}

/**
 * A redactor that also removes the exact values it is told about (the configured keys and tokens),
 * so a secret of any shape never leaves the process.
 */
export class Redactor {
  private readonly known: string[];

  constructor(knownSecrets: Iterable<string | undefined> = []) {
    this.known = [...knownSecrets].filter((s): s is string => typeof s === 'string' && s.length >= 4);
    // longest first, so a secret that contains another is removed whole
    this.known.sort((a, b) => b.length - a.length);
  }

  withSecrets(more: Iterable<string | undefined>): Redactor {
    return new Redactor([...this.known, ...more]);
  }

  text(input: string): string {
    let out = input;
    for (const secret of this.known) out = out.split(secret).join(REDACTED);
    for (const pattern of TEXT_PATTERNS) out = out.replace(pattern, REDACTED);
    if (!KEY_HINT.test(out)) return out;
    out = out.replace(HEADER_PATTERN, (m, key: string, value: string) =>
      value.trim() === REDACTED || FINGERPRINT.test(value.trim()) ? m : `${key}${REDACTED}`,
    );
    for (const [pattern, keep] of KEY_VALUE_PATTERNS) {
      out = out.replace(pattern, (m, key: string, value: string, at: number, all: string) =>
        keep(value) || value.startsWith(REDACTED) || FINGERPRINT.test(value) || isEmoji(all, at, key)
          ? m
          : `${key}${REDACTED}`,
      );
    }
    return out;
  }

  /**
   * A copy of `input` with secret-named keys and secret-shaped text removed. An Error becomes its redacted
   * message, unless `keepErrors` (the logger: its `err` serializer redacts errors with their stack).
   */
  value<T>(input: T, depth = 0, keepErrors = false): T {
    if (depth > 8) return REDACTED as T;
    if (typeof input === 'string') return this.text(input) as T;
    if (Array.isArray(input)) return input.map((v) => this.value(v, depth + 1, keepErrors)) as T;
    if (input !== null && typeof input === 'object') {
      if (input instanceof Error) return (keepErrors ? input : this.text(input.message)) as T;
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
        out[k] =
          isSecretKey(k) && v !== null && v !== undefined && v !== ''
            ? REDACTED
            : this.value(v, depth + 1, keepErrors);
      }
      return out as T;
    }
    return input;
  }
}

export const defaultRedactor = new Redactor();
