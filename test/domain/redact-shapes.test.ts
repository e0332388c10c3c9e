// Property: a token planted in any shape a proxy error takes (JSON, JSON inside a string at any depth,
// URL-encoded forms and JSON, header lines, key=value prose) never survives the redactor.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor } from '../../src/domain/redact.js';

// OAuth tokens, codes and keys are random base64url (or base64) text: they mix letters and digits
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~+/-'.split('');
const token = fc
  .tuple(
    fc.array(fc.constantFrom(...ALPHABET), { minLength: 10, maxLength: 60 }),
    fc.integer({ min: 0, max: 99 }),
  )
  .map(([chars, n]) => `${chars.join('')}${n}`);

const KEYS = [
  'refresh_token',
  'access_token',
  'id_token',
  'token',
  'client_secret',
  'secret',
  'code_verifier',
  'code',
  'device_code',
  'api_key',
  'api-key',
  'apiKey',
  'x-api-key',
  'password',
  'management_key',
  'key',
  'refreshToken',
  'kiro_refresh_token',
];
const key = fc.constantFrom(...KEYS).chain((k) => fc.constantFrom(k, k.toUpperCase()));

type Shape = (k: string, t: string) => string;
const SHAPES: Record<string, Shape> = {
  json: (k, t) => JSON.stringify({ error: 'invalid_grant', [k]: t, status: 400 }),
  jsonSpaced: (k, t) => JSON.stringify({ error: 'bad', [k]: t }, null, 2),
  jsonInString: (k, t) =>
    JSON.stringify({ error: 'upstream', message: JSON.stringify({ [k]: t, ok: false }) }),
  doubleEscaped: (k, t) => JSON.stringify(JSON.stringify(JSON.stringify({ detail: { [k]: t } }))),
  goError: (k, t) =>
    `oauth2: cannot fetch token: 400 Bad Request\nResponse: {"error":"invalid_grant","${k}":"${t}"}`,
  form: (k, t) =>
    new URLSearchParams({ grant_type: 'refresh_token', [k]: t, client_id: 'kiro-client' }).toString(),
  urlEncodedJson: (k, t) => `body=${encodeURIComponent(JSON.stringify({ [k]: t }))}`,
  query: (k, t) => `GET https://oauth.example/token?client_id=x&${k}=${encodeURIComponent(t)}&state=s failed`,
  headerBearer: (_k, t) => `request headers: Authorization: Bearer ${t}\r\nAccept: */*`,
  headerBasic: (_k, t) => `{"headers":{"authorization":"Basic ${t}"}}`,
  headerKey: (k, t) => `${k}: ${t}\nContent-Type: application/json`,
  prose: (k, t) => `refresh failed for kiro-a.json (${k}=${t}); will retry`,
  proseColon: (k, t) => `upstream said ${k}: ${t}, status 401`,
  singleQuoted: (k, t) => `{'${k}': '${t}', 'error': 'expired'}`,
};

/** Every form the token could take in the output (raw, URL-encoded, JSON-escaped). */
const forms = (t: string) => [t, encodeURIComponent(t), JSON.stringify(t).slice(1, -1)];

describe('Redactor over proxy error shapes (property)', () => {
  const r = new Redactor([]);
  it.each(Object.keys(SHAPES))('never lets a planted token through in the %s shape', (name) => {
    const shape = SHAPES[name] as Shape;
    fc.assert(
      fc.property(key, token, fc.string({ maxLength: 20 }), (k, t, noise) => {
        const out = r.text(`${noise} ${shape(k, t)} ${noise}`);
        for (const form of forms(t)) expect(out).not.toContain(form);
        expect(out).toContain(REDACTED);
      }),
      { numRuns: 300 },
    );
  });

  it('never lets a token through in a mix of shapes in one body', () => {
    const shapes = Object.values(SHAPES);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...shapes), key, token), { minLength: 1, maxLength: 5 }),
        (parts) => {
          const out = r.text(parts.map(([shape, k, t]) => shape(k, t)).join('\n'));
          for (const [, , t] of parts) for (const form of forms(t)) expect(out).not.toContain(form);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('removes a quoted value whole, spaces included', () => {
    const out = r.text('{"password": "correct horse battery staple", "user": "bob"}');
    expect(out).not.toMatch(/horse|battery|staple/);
    expect(out).toContain('"user": "bob"');
  });

  it.each([
    ['"code": "invalid_grant"', 'invalid_grant'],
    ['status_code=500', '500'],
    ['unexpected status code: 401', '401'],
    ['{"total_tokens": 1234, "prompt_tokens": 1000}', '1234'],
    ['api-key: hmac:1a2b3c4d', 'hmac:1a2b3c4d'],
    ['~ x.headers.Authorization: "hmac:1a2b3c4d" → "hmac:5e6f7a8b"', 'hmac:1a2b3c4d'],
    ['the monkey: banana split', 'banana'],
    [':key: <@U0BOB>, complete the login', ':key: <@U0BOB>'],
    ['iflow executor: token refresh failed: 401 unauthorized', 'token refresh failed'],
  ])('keeps what is not a secret in %j', (input, kept) => {
    expect(r.text(input)).toContain(kept);
  });

  it('stays linear on long adversarial text', () => {
    const long = `${'a_'.repeat(50_000)}${'x'.repeat(100_000)} token:${'\\"'.repeat(10_000)}`;
    const started = performance.now();
    r.text(long);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
