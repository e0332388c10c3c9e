import { beforeAll, describe, expect, it } from 'vitest';
import { CjkDictionary } from '../../../src/domain/runbook/cjk.js';
import {
  bundledRunbookPath,
  loadRunbook,
  loadRunbookFile,
  type Runbook,
} from '../../../src/domain/runbook/load.js';
import { matchRunbook } from '../../../src/domain/runbook/match.js';
import { readStructure } from '../../../src/domain/runbook/read-structure.js';
import { tokenize } from '../../../src/domain/runbook/words.js';

let runbook: Runbook;
beforeAll(() => {
  runbook = loadRunbookFile(bundledRunbookPath());
});

const ids = (query: string) => matchRunbook(runbook, query).matches.map((m) => m.row.id);
const reasonsFor = (query: string, id: string) =>
  matchRunbook(runbook, query).matches.find((m) => m.row.id === id)?.reasons ?? [];

describe('Chinese words', () => {
  it('splits unspaced Chinese into words with the ICU segmenter, Latin words kept in order', () => {
    expect(tokenize('codex凭证刷新失败')).toEqual(['codex', '凭证', '刷新', '失败']);
  });

  it("splits the runbook's own words first, whatever the segmenter would cut", () => {
    const dict = new CjkDictionary(['管理接口', '未启用']);
    expect(dict.split('管理接口未启用')).toEqual(['管理接口', '未启用']);
    expect(dict.split('登录提示管理接口未启用')).toEqual(['登录', '提示', '管理接口', '未启用']);
  });

  it('matches Chinese reports and names the Chinese words in English reasons', () => {
    expect(ids('额度用完了，账号进入冷却')[0]).toBe('model-cooldown');
    expect(reasonsFor('额度用完了，账号进入冷却', 'model-cooldown')).toEqual(
      expect.arrayContaining(['"额度" → "quota"', '"用完" → "exhausted"']),
    );
    expect(reasonsFor('冷却', 'model-cooldown')).toEqual(['"冷却" → "cooldown"']);
    expect(ids('登录提示 服务器地址无效或管理接口未启用')[0]).toBe('refresh-404');
    expect(ids('ip 被封禁了，失败次数过多')[0]).toBe('mgmt-ip-banned');
    expect(ids('凭证刷新后过期时间还是没变')[0]).toBe('token-stays-expired');
    expect(reasonsFor('未授权', 'repeated-401')).toContain('"未授权" → 401');
  });

  it('answers in English: the row texts stay the runbook rows', () => {
    const m = matchRunbook(runbook, '冷却')?.matches[0];
    expect(m?.row.symptom).toMatch(/^[\x20-\x7e]+$/);
  });

  it('matches nothing for Chinese small talk', () => {
    for (const q of ['你好', '谢谢大家', '今天中午吃什么', '请问一下'])
      expect(matchRunbook(runbook, q).matches).toEqual([]);
  });
});

describe('log lines read for structure', () => {
  it('reads a 403 by where it came from', () => {
    expect(ids('{"error":"IP banned due to too many failed attempts. Try again in 12m"} 403')[0]).toBe(
      'mgmt-ip-banned',
    );
    expect(ids('403 {"error":"remote management disabled"}')[0]).toBe('mgmt-remote-disabled');
    const fromTokenEndpoint = ids('POST https://oauth2.googleapis.com/token returned 403 Forbidden');
    expect(fromTokenEndpoint[0]).toBe('iflow-refresh-failed');
    expect(fromTokenEndpoint).not.toContain('mgmt-ip-banned');
    expect(fromTokenEndpoint).not.toContain('mgmt-remote-disabled');
    expect(ids('403 from https://oidc.us-east-1.amazonaws.com/token')[0]).toBe('kiro-idc-refresh');
  });

  it("does not read a provider's /v1/oauth/token as the proxy's /v1 API", () => {
    const s = readStructure('post https://console.anthropic.com/v1/oauth/token 401');
    expect([...s.families.keys()]).toEqual(['token-endpoint']);
    expect(s.routes).toEqual([]);
    expect([...s.providers.keys()]).toEqual(['claude']);
    expect(reasonsFor('POST https://console.anthropic.com/v1/oauth/token 401', 'repeated-401')).not.toContain(
      'route /v1/*',
    );
  });

  it('keeps a status code with its route family: a management 401 is not a /v1 401', () => {
    expect(ids('GET /v0/management/auth-files 401')).not.toContain('repeated-401');
    expect(ids('POST /v1/chat/completions 401')).not.toContain('refresh-401');
  });

  it('reads error codes: snake_case, a JSON "code", a trailing log reason', () => {
    expect(reasonsFor('refresh_token_reused', 'iflow-refresh-failed')).toContain(
      'error code refresh_token_reused',
    );
    expect(ids('{"error":{"code":"usage_limit_reached"}}')[0]).toBe('model-cooldown');
    expect(ids('Suspended client claude-abc.json for model claude-sonnet-4: unauthorized')[0]).toBe(
      'refresh-stopped-unauthorized',
    );
    expect([...readStructure('[error] [iflow_executor.go:421] failed').codes.keys()]).toEqual([]);
  });

  it('reads executor names as their provider', () => {
    expect(reasonsFor('codex_executor: token refresh failed', 'iflow-refresh-failed')).toContain(
      'mentions provider codex',
    );
  });

  it.each([
    'after upgrading to v7.2.149 gemini requests fail',
    '升级后 codex 全部报错',
    '更新到7.2.19后，gemini 无法认证',
    'works in v6.7.25, broken in v6.8.0',
    'since the update iflow keeps failing',
  ])('reads a version-upgrade story: %s', (q) => {
    expect(ids(q)[0]).toBe('config-change-spike');
    expect(reasonsFor(q, 'config-change-spike').some((r) => r.startsWith('version-upgrade story'))).toBe(
      true,
    );
  });

  it.each([
    'gpt-5.1 returns 401',
    'curl http://127.0.0.1:8317/v1/models',
    'model gemini-2.5-pro cooling down',
    'token 更新 了 但是 还是 过期',
  ])('finds no upgrade story in: %s', (q) => {
    expect(readStructure(q.toLowerCase()).signals.has('upgrade')).toBe(false);
  });
});

describe('hostile input', () => {
  it('handles a huge Chinese paste in bounded time', () => {
    const paste = `${'多账号使用情况下账号额度用完后进入冷却状态'.repeat(800)}\n429 model_cooldown`;
    const start = performance.now();
    const top = ids(paste)[0];
    expect(performance.now() - start).toBeLessThan(1000);
    expect(top).toBe('model-cooldown');
  });

  it('survives mixed scripts, emoji, lone surrogates and control characters', () => {
    for (const q of [
      '🔥刷新失败🔥',
      '\u0000\u0007冷却',
      'ｒｅｆｒｅｓｈ 失败',
      '\ud800刷新',
      'カード 更新 失敗',
      '토큰 만료',
    ])
      expect(() => matchRunbook(runbook, q)).not.toThrow();
  });

  it('treats vocabulary aliases as plain text, not patterns', () => {
    const rb = loadRunbook(
      `vocabulary:\n  disk: ['(.*)+', 磁盘]\nrows:\n  - id: disk-full\n    symptom: Disk is full\n    confirm: df\n    fix: rm\n    match:\n      keywords: [disk]\n`,
      'v.yml',
    );
    expect(matchRunbook(rb, '磁盘满了').matches[0]?.reasons).toContain('"磁盘" → "disk"');
    expect(matchRunbook(rb, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!').matches).toEqual([]);
  });
});
