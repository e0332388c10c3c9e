// Matcher latency: many queries of the kinds people type (codes, sentences, pasted logs, typos, junk,
// Chinese reports),
// after a warm-up, each timed with process.hrtime.bigint(). Figures in microseconds.
import { bundledRunbookPath, loadRunbookFile } from '../src/domain/runbook/load.js';
import { matchRunbook } from '../src/domain/runbook/match.js';

export const PHRASES = [
  '401',
  '403',
  'forbidden',
  'kiro',
  'refresh returns 404',
  'manual refresh returns 401',
  'requests keep getting 401 after it was working fine this morning',
  'iflow executor: token refresh failed: invalid_grant',
  '{"error":"IP banned due to too many failed attempts. Try again in 29m"}',
  '{"error":"remote management disabled"}',
  'auth_unavailable: no auth available (providers=kiro, model=claude-sonnet-4)',
  '{"error":{"code":"model_cooldown","message":"All credentials for model gpt-5 are cooling down via provider codex"}}',
  'POST /v0/management/auths/kiro/refresh',
  'GET /v0/management/config returns 404 page not found',
  'Kiro IDC token refresh fails',
  'status has to be refreshed by hand',
  'incognito option has no effect',
  'refesh returns 404',
  'token expierd even after refresh succeeded',
  'unauthorised',
  'credential shows status error unauthorized and is not refreshed anymore',
  'refresh failures spiked right after we changed the config',
  'hello world',
  'lunch?',
  '登录提示 服务器地址无效或管理接口未启用',
  '多账号使用情况下，一个账号额度用完后，进入冷却状态，重置后也不会从冷却状态恢复',
  '更新到7.2.19后，gemini oauth 无法认证',
  'POST https://oauth2.googleapis.com/token 403 {"error":"invalid_grant","error_description":"Token has been expired or revoked."}',
  'Suspended client qwen-abc.json for model qwen3-coder-plus: unauthorized',
  `${'2026-02-21T10:00:00Z INFO [gin] 200 | 12ms | 127.0.0.1 | POST "/v1/chat/completions"\n'.repeat(20)}iflow executor: token refresh failed`,
];

export interface MatcherFigures {
  p50_us: number;
  p99_us: number;
  queries: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function measureMatcher(queries = 20_000, warmup = 2_000): MatcherFigures {
  const runbook = loadRunbookFile(bundledRunbookPath());
  let sink = 0;
  for (let i = 0; i < warmup; i++)
    sink += matchRunbook(runbook, PHRASES[i % PHRASES.length] as string).matches.length;
  const times: number[] = new Array(queries);
  for (let i = 0; i < queries; i++) {
    const query = PHRASES[i % PHRASES.length] as string;
    const start = process.hrtime.bigint();
    sink += matchRunbook(runbook, query).matches.length;
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  if (sink < 0) throw new Error('unreachable: keeps the work from being optimised away');
  times.sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50_us: round(percentile(times, 50)), p99_us: round(percentile(times, 99)), queries };
}
