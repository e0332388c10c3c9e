// Scrubbing secrets out of text and objects before they reach a log line, chat, the audit trail or an error.
import { createHash } from 'node:crypto';

/** Keys whose values are always secret, wherever they appear (case-insensitive, - and _ ignored). */
const SECRET_KEY_PATTERN =
  /^(authorization|xmanagementkey|xapikey|xgoogapikey|cookie|setcookie|xslacksignature|token|accesstoken|refreshtoken|idtoken|bottoken|apptoken|clientsecret|secret|secretkey|password|apikey|apikeys|key|managementkey|clientkey|signingsecret|responseurl|privatekey|sessiontoken|bearer)$/;

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

/** `refresh_token=abc`, `"api_key": "abc"`, `client_secret: abc`: keeps the key, drops the value. */
const KEY_VALUE_PATTERN =
  /(["']?(?:access_token|refresh_token|id_token|api[_-]?key|client[_-]?secret|secret[_-]?key|password|management[_-]?key|token)["']?\s*[:=]\s*)(["']?)([^\s"',;&}]{4,})/gi;

/** A short, stable, non-reversible fingerprint of a secret: lets people tell two values apart. */
export function fingerprint(secret: string): string {
  return `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 8)}`;
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
    out = out.replace(KEY_VALUE_PATTERN, (_m, key: string, quote: string, value: string) =>
      value === REDACTED ? `${key}${quote}${value}` : `${key}${quote}${REDACTED}`,
    );
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
