// The side-effect-free probes and the legacy-failure explanation, fed hostile and odd server answers.
import { describe, expect, it } from 'vitest';
import { probeGetRoute, probeKiroLogin, probeKiroWebRoutes } from '../../src/cliproxy/probes-kiro.js';
import type { HttpResponse } from '../../src/cliproxy/transport.js';
import { missingIdcFields, splitByFile } from '../../src/domain/actions/legacy-failure.js';
import { loginMethodFor, loginRouteName } from '../../src/domain/actions/login-routes.js';
import { AppError } from '../../src/errors.js';

const answer = (status: number, text: string, headers: HttpResponse['headers'] = {}) => {
  const sent: string[] = [];
  return {
    sent,
    send: async (path: string): Promise<HttpResponse> => {
      sent.push(path);
      return { status, text, headers, durationMs: 1 };
    },
  };
};

describe('probeKiroWebRoutes', () => {
  it("reads a handler's JSON 404 as present and gin's bare 404 as missing, with a fresh random state", async () => {
    const a = answer(404, '{"error":"session not found"}');
    expect(await probeKiroWebRoutes(a.send, '')).toBe('present');
    expect(await probeKiroWebRoutes(a.send, '/base')).toBe('present');
    expect(a.sent[0]).toMatch(/^\/v0\/oauth\/kiro\/status\?state=auth-bot-probe-[0-9a-f]{24}$/);
    expect(a.sent[1]?.startsWith('/base/v0/oauth/kiro/status?')).toBe(true);
    expect(a.sent[0]).not.toBe(a.sent[1]);
    expect(await probeKiroWebRoutes(answer(404, '').send, '')).toBe('missing');
    expect(await probeKiroWebRoutes(answer(404, '404 page not found').send, '')).toBe('missing');
  });

  it('answers unknown for anything else (5xx, HTML, a 200 that should not be)', async () => {
    for (const [status, text] of [
      [500, '{"error":"boom"}'],
      [200, '{"status":"pending"}'],
      [502, '<html>proxy error</html>'],
    ] as const) {
      expect(await probeKiroWebRoutes(answer(status, text).send, '')).toBe('unknown');
    }
  });
});

describe('probeGetRoute', () => {
  it('takes only a redirect to the same route as present', async () => {
    const ok = answer(301, '', { location: '/v0/management/anthropic-auth-url' });
    expect(await probeGetRoute(ok.send, '', 'anthropic-auth-url')).toBe('present');
    expect(ok.sent).toEqual(['/v0/management/anthropic-auth-url/']);
    const abs = answer(301, '', { location: 'http://127.0.0.1:1/v0/management/anthropic-auth-url' });
    expect(await probeGetRoute(abs.send, '', 'anthropic-auth-url')).toBe('present');
    const elsewhere = answer(301, '', { location: 'https://evil.example/login' });
    expect(await probeGetRoute(elsewhere.send, '', 'anthropic-auth-url')).toBe('unknown');
    expect(await probeGetRoute(answer(301, '').send, '', 'anthropic-auth-url')).toBe('unknown');
  });

  it("takes the router's bare 404 as missing and a handler's 404 or a 401 as unknown", async () => {
    expect(await probeGetRoute(answer(404, '404 page not found').send, '', 'x-auth-url')).toBe('missing');
    expect(await probeGetRoute(answer(404, '{"error":"not found"}').send, '', 'x-auth-url')).toBe('unknown');
    expect(await probeGetRoute(answer(401, '{"error":"invalid management key"}').send, '', 'x')).toBe(
      'unknown',
    );
  });
});

describe('probeKiroLogin', () => {
  const rejecting = (serverError: unknown, code = 'bad_request') => ({
    startLogin: async () => {
      throw new AppError(code as 'bad_request', 'rejected', { details: { status: 400, serverError } });
    },
  });

  it("reads the methods from the handler's rejection, and nothing that is not a quoted method word", async () => {
    expect(await probeKiroLogin(rejecting("invalid method, use 'aws', 'google', or 'github'"))).toEqual({
      answer: 'present',
      methods: ['aws', 'google', 'github'],
    });
    const hostile = await probeKiroLogin(
      rejecting(`use 'aws&x=1', '../../etc', 'AWS', '<script>', 'ok-one', '${'a'.repeat(500)}'`),
    );
    expect(hostile).toEqual({ answer: 'present', methods: ['ok-one'] });
  });

  it('reports a missing route as missing and rethrows what it cannot read (a 401 is never swallowed)', async () => {
    const missing = { startLogin: async () => Promise.reject(new AppError('route_missing', 'no route')) };
    expect(await probeKiroLogin(missing)).toEqual({ answer: 'missing', methods: [] });
    const unauthorized = {
      startLogin: async () => Promise.reject(new AppError('unauthorized', 'invalid management key')),
    };
    await expect(probeKiroLogin(unauthorized)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(await probeKiroLogin(rejecting(undefined, 'server_error'))).toEqual({
      answer: 'unknown',
      methods: [],
    });
  });

  it('picks aws where offered, else the first offered method', () => {
    expect(loginMethodFor('kiro', ['aws', 'google'])).toBe('aws');
    expect(loginMethodFor('kiro', [])).toBe('aws');
    expect(loginMethodFor('kiro', ['google', 'github'])).toBe('google');
    expect(loginMethodFor('anthropic', ['aws'])).toBeUndefined();
  });
});

describe('login route names', () => {
  it("maps providers to the servers' own route names and nothing for unknown or prototype names", () => {
    expect(loginRouteName('claude')).toBe('anthropic');
    expect(loginRouteName('gemini')).toBe('gemini-cli');
    expect(loginRouteName('github-copilot')).toBe('github');
    expect(loginRouteName('vertex')).toBeUndefined();
    expect(loginRouteName('constructor')).toBeUndefined();
    expect(loginRouteName('__proto__')).toBeUndefined();
  });
});

describe('the legacy refresh failure, per file', () => {
  const text =
    'All refresh attempts failed: [kiro-a.json: refresh failed - Post "https://oidc.us-east-1.amazonaws.com/token": no such host kiro-a.json.bak.json: parse error - x kiro-b.json: no refresh token]';

  it("splits the server's one line by file name, longest names not confused with shorter ones", () => {
    const parts = splitByFile(text, ['kiro-a.json', 'kiro-b.json', 'kiro-a.json.bak.json', 'kiro-c.json']);
    expect(parts.get('kiro-a.json')).toBe(
      'refresh failed - Post "https://oidc.us-east-1.amazonaws.com/token": no such host',
    );
    expect(parts.get('kiro-a.json.bak.json')).toBe('parse error - x');
    expect(parts.get('kiro-b.json')).toBe('no refresh token');
    expect(parts.has('kiro-c.json')).toBe(false);
  });

  it('bounds each part, whatever the server sends', () => {
    const parts = splitByFile(`kiro-a.json: ${'x'.repeat(100_000)}`, ['kiro-a.json']);
    expect(parts.get('kiro-a.json')?.length).toBe(400);
  });

  it('names the IDC fields a file lacks, and none for other methods', () => {
    const base = {
      name: 'k.json',
      type: 'kiro',
      expiresAt: undefined,
      lastRefresh: undefined,
      hasRefreshToken: true,
      email: undefined,
    };
    expect(
      missingIdcFields({
        ...base,
        authMethod: 'idc',
        hasClientId: true,
        hasClientSecret: false,
        region: 'us-east-1',
      }),
    ).toEqual(['client_secret']);
    expect(
      missingIdcFields({
        ...base,
        authMethod: 'idc',
        hasClientId: false,
        hasClientSecret: false,
        region: undefined,
      }),
    ).toEqual(['client_id', 'client_secret', 'region']);
    expect(
      missingIdcFields({
        ...base,
        authMethod: 'social',
        hasClientId: false,
        hasClientSecret: false,
        region: undefined,
      }),
    ).toEqual([]);
  });
});
