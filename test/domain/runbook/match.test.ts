import { beforeAll, describe, expect, it } from 'vitest';
import { bundledRunbookPath, loadRunbookFile, type Runbook } from '../../../src/domain/runbook/load.js';
import { closestRows, matchRunbook } from '../../../src/domain/runbook/match.js';

let runbook: Runbook;
beforeAll(() => {
  runbook = loadRunbookFile(bundledRunbookPath());
});

const ids = (query: string) => matchRunbook(runbook, query).matches.map((m) => m.row.id);

// [query, expected row, rank it must reach: 1 = first, 2 = in the top two (honestly ambiguous phrasing)]
const PHRASINGS: [string, string, 1 | 2][] = [
  // repeated-401
  ['401', 'repeated-401', 1],
  ['requests keep getting 401 after it was working fine this morning', 'repeated-401', 1],
  ['POST /v1/chat/completions returns 401 again and again, worked yesterday', 'repeated-401', 1],
  ['suddenly unauthorized on every request, it used to work', 'repeated-401', 1],
  ['repeated 401s from upstream after prior success', 'repeated-401', 1],
  // refresh-401
  ['manual refresh returns 401', 'refresh-401', 1],
  ['{"error":"invalid management key"}', 'refresh-401', 1],
  ['curl to the refresh endpoint says missing management key', 'refresh-401', 1],
  ['which header for the management key? refresh gives unauthorized', 'refresh-401', 1],
  ['X-Management-Key header rejected', 'refresh-401', 1],
  // refresh-404
  ['refresh returns 404', 'refresh-404', 1],
  ['GET /v0/management/config returns 404 page not found', 'refresh-404', 1],
  ['management api not found, all management routes 404', 'refresh-404', 1],
  ['refesh endpoint not found', 'refresh-404', 1],
  // token-stays-expired
  ['refresh appears to run but the token stays expired', 'token-stays-expired', 1],
  ['refresh says ok but expires_at did not move, token still expired', 'token-stays-expired', 1],
  ['token expierd even after refresh succeeded', 'token-stays-expired', 1],
  ['stale expiry on the access token after refresh', 'token-stays-expired', 1],
  // config-change-spike
  ['refresh failures spiked right after we changed the config', 'config-change-spike', 1],
  ['lots of auth errors since the deploy, somebody edited config.yaml', 'config-change-spike', 1],
  ['need to roll back the provider block change', 'config-change-spike', 1],
  ['PUT /v0/management/config.yaml then everything started failing', 'config-change-spike', 1],
  // iflow-refresh-failed
  ['iflow executor: token refresh failed: invalid_grant', 'iflow-refresh-failed', 1],
  ['codex oauth refresh error: refresh token revoked', 'iflow-refresh-failed', 1],
  ['qwen token refresh failed', 'iflow-refresh-failed', 1],
  ['claude refresh_token is empty in the auth file', 'iflow-refresh-failed', 1],
  ['refresh token missing from the codex credential', 'iflow-refresh-failed', 1],
  // kiro-idc-refresh
  ['Kiro IDC token refresh fails', 'kiro-idc-refresh', 1],
  ['kiro refresh 400 every time, auth_method idc', 'kiro-idc-refresh', 1],
  ['kiro aws identity center login refresh keeps failing with 401', 'kiro-idc-refresh', 1],
  ['#149', 'kiro-idc-refresh', 1],
  ['kiro builder-id refresh 400', 'kiro-idc-refresh', 1],
  // kiro-account-selection
  ['incognito option has no effect', 'kiro-account-selection', 1],
  ['kiro login always picks the same account, cannot choose another one', 'kiro-account-selection', 1],
  ['kiro: using normal browser mode (--no-incognito)', 'kiro-account-selection', 1],
  ['account selection ignored on kiro login', 'kiro-account-selection', 1],
  // stale-status
  ['status has to be refreshed by hand', 'stale-status', 1],
  ['after kiro idc login the status stays stale until I refresh it manually', 'stale-status', 2],
  ['management status shows old expiry after refresh', 'stale-status', 1],
  ['#136', 'stale-status', 1],
  // mgmt-ip-banned
  ['{"error":"IP banned due to too many failed attempts. Try again in 29m"}', 'mgmt-ip-banned', 1],
  ['management api 403 we are locked out', 'mgmt-ip-banned', 2],
  ['our ip got banned by the proxy', 'mgmt-ip-banned', 1],
  // mgmt-remote-disabled
  ['{"error":"remote management disabled"}', 'mgmt-remote-disabled', 1],
  ['403 forbidden when calling the management api from another host', 'mgmt-remote-disabled', 1],
  ['allow-remote is false, cannot reach management remotely', 'mgmt-remote-disabled', 1],
  // auth-unavailable
  ['auth_unavailable: no auth available (providers=kiro, model=claude-sonnet-4)', 'auth-unavailable', 1],
  ['503 service unavailable from /v1/chat/completions', 'auth-unavailable', 1],
  ['no credentials available for the model', 'auth-unavailable', 1],
  // model-cooldown
  [
    '{"error":{"code":"model_cooldown","message":"All credentials for model gpt-5 are cooling down via provider codex"}}',
    'model-cooldown',
    1,
  ],
  ['429 too many requests on chat completions', 'model-cooldown', 1],
  ['quota exhausted, everything is rate limited', 'model-cooldown', 1],
  // refresh-stopped-unauthorized
  [
    'credential shows status error unauthorized and is not refreshed anymore',
    'refresh-stopped-unauthorized',
    1,
  ],
  ['auth file status_message unauthorized, unavailable true', 'refresh-stopped-unauthorized', 1],
  ['proxy stopped auto-refreshing my claude credential', 'refresh-stopped-unauthorized', 1],
  ['the auth-files list shows kiro-foo.json status error', 'refresh-stopped-unauthorized', 1],
];

describe('matchRunbook on realistic phrasings', () => {
  it.each(PHRASINGS)('%s → %s (top %i)', (query, expected, within) => {
    expect(ids(query).slice(0, within)).toContain(expected);
  });

  it('keeps the figure it had before Chinese and log-structure reading: every phrasing ranks its row first', () => {
    const first = PHRASINGS.filter(([query, expected]) => ids(query)[0] === expected).length;
    expect(first).toBe(PHRASINGS.length);
  });

  it('covers every row of the bundled runbook', () => {
    const covered = new Set(PHRASINGS.map(([, id]) => id));
    expect(runbook.rows.filter((r) => !covered.has(r.id)).map((r) => r.id)).toEqual([]);
    expect(PHRASINGS.length).toBeGreaterThanOrEqual(40);
  });
});

describe('matchRunbook on things that are not symptoms', () => {
  it.each(['hello world', 'lunch?', 'thanks!', '', '   ', 'what time is the standup', 'ok 👍', '12345'])(
    '"%s" matches nothing',
    (query) => {
      expect(matchRunbook(runbook, query).matches).toEqual([]);
    },
  );
});

describe('matchRunbook reasons and ranking', () => {
  const reasonsFor = (query: string, id: string) =>
    matchRunbook(runbook, query).matches.find((m) => m.row.id === id)?.reasons ?? [];

  it('names the status code, the provider and the phrase that matched', () => {
    expect(reasonsFor('401', 'repeated-401')).toContain('matched status code 401');
    expect(reasonsFor('kiro idc refresh 401', 'kiro-idc-refresh')).toEqual(
      expect.arrayContaining(['matched status code 401', 'mentions provider kiro']),
    );
    expect(reasonsFor('iflow executor: token refresh failed: x', 'iflow-refresh-failed')).toContain(
      'phrase "executor token refresh failed"',
    );
  });

  it('explains synonyms, close spellings, routes and issue numbers', () => {
    expect(reasonsFor('unauthorized', 'repeated-401')).toContain('synonym "unauthorized" → 401');
    expect(reasonsFor('forbidden', 'mgmt-ip-banned')).toContain('synonym "forbidden" → 403');
    expect(reasonsFor('refesh returns 404', 'refresh-404')).toContain('close spelling "refesh" → "refresh"');
    expect(reasonsFor('unauthorised refresh', 'refresh-401')).toContain('synonym "unauthorised" → 401');
    expect(reasonsFor('PUT /v0/management/config.yaml', 'config-change-spike')).toContain(
      'route PUT /v0/management/config.yaml',
    );
    expect(reasonsFor('see #149', 'kiro-idc-refresh')).toContain('issue #149');
  });

  it('treats word order and word endings alike', () => {
    expect(ids('expired token stays')[0]).toBe('token-stays-expired');
    expect(ids('fails refresh idc kiro')[0]).toBe('kiro-idc-refresh');
    expect(ids('refreshing kiro idc failed')[0]).toBe('kiro-idc-refresh');
  });

  it('lets a different status code or provider count against a row', () => {
    expect(ids('refresh returns 404')).not.toContain('refresh-401');
    expect(ids('gemini token refresh failed')).not.toContain('kiro-idc-refresh');
  });

  it('ranks best first with scores between 0 and 1', () => {
    for (const [query] of PHRASINGS) {
      const scores = matchRunbook(runbook, query).matches.map((m) => m.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      for (const s of scores) expect(s).toBeGreaterThan(0);
      for (const s of scores) expect(s).toBeLessThan(1);
    }
  });

  it('breaks ties by row order, so a bare code gives the same order every time', () => {
    expect(ids('401')).toEqual([
      'repeated-401',
      'refresh-401',
      'kiro-idc-refresh',
      'refresh-stopped-unauthorized',
    ]);
    expect(ids('403')).toEqual(['mgmt-ip-banned', 'mgmt-remote-disabled']);
  });

  it('is deterministic: the same query gives the same answer, whatever ran before', () => {
    const first = PHRASINGS.map(([q]) => JSON.stringify(matchRunbook(runbook, q)));
    const again = [...PHRASINGS].reverse().map(([q]) => JSON.stringify(matchRunbook(runbook, q)));
    expect(again.reverse()).toEqual(first);
  });

  it('honours the limit option and keeps the query as typed', () => {
    const result = matchRunbook(runbook, '401', { limit: 2 });
    expect(result.matches).toHaveLength(2);
    expect(result.query).toBe('401');
  });

  it('copes with a very long pasted log quickly', () => {
    const log = `${'2026-02-21T10:00:00Z INFO request served in 12ms '.repeat(200)} iflow executor: token refresh failed`;
    const result = matchRunbook(runbook, log);
    expect(result.matches[0]?.row.id).toBe('iflow-refresh-failed');
    // best of three warm runs: a bound that catches a matcher gone quadratic (seconds), not a busy machine
    const times = [0, 1, 2].map(() => {
      const started = performance.now();
      matchRunbook(runbook, log);
      return performance.now() - started;
    });
    expect(Math.min(...times)).toBeLessThan(50);
  });
});

describe('closestRows', () => {
  it('suggests the nearest rows for a query too vague to match', () => {
    expect(matchRunbook(runbook, 'refresh').matches).toEqual([]);
    const near = closestRows(runbook, 'refresh', 3);
    expect(near).toHaveLength(3);
    expect(near.every((r) => runbook.rows.includes(r))).toBe(true);
  });

  it('suggests nothing for text that shares nothing with the runbook', () => {
    expect(closestRows(runbook, 'hello world', 3)).toEqual([]);
  });
});
