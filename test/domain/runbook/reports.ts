// Symptom reports written the way people paste them into an issue or a chat: log lines, error bodies,
// one-line bug titles, in English and in Chinese. Written for these tests (not copied from anyone), one
// group per runbook row. [report, expected row, rank it must reach].
export const REPORTS: [string, string, 1 | 3][] = [
  // repeated-401
  [
    'API Error: 401 {"error":{"message":"Invalid API key","type":"invalid_request_error","code":"invalid_api_key"}}',
    'repeated-401',
    1,
  ],
  ['所有请求突然都返回401了，昨天还好好的', 'repeated-401', 1],
  ['gemini 账号用了几天之后全部 401', 'repeated-401', 3],
  ['POST /v1/messages 401 Unauthorized after running fine for a week', 'repeated-401', 1],
  [
    '[warn] request failed status=401 provider=codex model=gpt-5, every request since this morning',
    'repeated-401',
    1,
  ],
  // refresh-401
  ['管理面板登录提示管理密钥错误', 'refresh-401', 1],
  [
    'curl -H \'Authorization: Bearer xxx\' http://127.0.0.1:8317/v0/management/config → 401 {"error":"invalid management key"}',
    'refresh-401',
    1,
  ],
  ['填了 config.yaml 里的 secret-key 还是提示管理密钥无效', 'refresh-401', 1],
  ['{"error":"missing management key"} when my script calls the management API', 'refresh-401', 1],
  ['Management Center login fails with 401 although the password is right', 'refresh-401', 1],
  // refresh-404
  ['GET http://localhost:8317/v0/management/usage 404 page not found', 'refresh-404', 1],
  ['管理面板打不开，所有管理接口都是404', 'refresh-404', 1],
  ['remote-management secret-key is empty and every management endpoint returns 404', 'refresh-404', 1],
  ['docker 部署后 /v0/management/config 返回 404', 'refresh-404', 1],
  ['management center cannot connect: management API not found', 'refresh-404', 1],
  // token-stays-expired
  ['刷新成功了但是 expired 时间还是旧的', 'token-stays-expired', 1],
  ['auth file expired timestamp never moves even though the log says refreshed', 'token-stays-expired', 1],
  ['token 显示已过期，手动刷新后还是过期', 'token-stays-expired', 3],
  ['refresh succeeded but the access token is still expired', 'token-stays-expired', 1],
  ['codex 的 access token 过期了，刷新也没用', 'token-stays-expired', 3],
  // config-change-spike
  ['升级到 v6.9.0 之后所有 claude 请求报错', 'config-change-spike', 1],
  ['Since updating to 6.6.70 every gemini request fails with 400, 6.6.69 is fine', 'config-change-spike', 1],
  ['改了 config.yaml 的 oauth-model-alias 之后大量请求失败', 'config-change-spike', 1],
  ['After the latest release codex accounts fail to refresh', 'config-change-spike', 3],
  ['拉了最新镜像后 iflow 全部报错，回退到 v6.5.2 就好了', 'config-change-spike', 1],
  // iflow-refresh-failed
  ['claude token refresh failed: invalid_grant', 'iflow-refresh-failed', 1],
  [
    'POST https://oauth2.googleapis.com/token 400 Bad Request {"error":"invalid_grant","error_description":"Token has been expired or revoked."}',
    'iflow-refresh-failed',
    1,
  ],
  ['codex refresh error: refresh_token_reused', 'iflow-refresh-failed', 1],
  ['qwen 自动刷新 token 失败，日志里 refresh token failed', 'iflow-refresh-failed', 1],
  ['antigravity 刷新令牌失败，oauth2.googleapis.com 返回 403', 'iflow-refresh-failed', 1],
  [
    '[error] [codex_executor.go:123] codex executor: token refresh failed: status 401',
    'iflow-refresh-failed',
    1,
  ],
  [
    '403 Forbidden from https://console.anthropic.com/v1/oauth/token while refreshing',
    'iflow-refresh-failed',
    1,
  ],
  // kiro-idc-refresh
  ['kiro IDC 账号刷新 token 报 400 invalid_grant', 'kiro-idc-refresh', 1],
  ['POST https://oidc.us-east-1.amazonaws.com/token 400 InvalidGrantException', 'kiro-idc-refresh', 1],
  ['Kiro with IAM Identity Center: login works but refresh fails after an hour', 'kiro-idc-refresh', 1],
  ['kiro builder id token 刷新失败', 'kiro-idc-refresh', 1],
  // kiro-account-selection
  ['kiro 登录总是自动用上次的账号，没法选其他账号', 'kiro-account-selection', 1],
  ['Kiro login reuses my previous Google account, no way to pick another one', 'kiro-account-selection', 1],
  ['kiro 多账号登录，登进去都是同一个账号', 'kiro-account-selection', 1],
  // stale-status
  ['管理面板里账号状态一直显示过期，实际能正常用', 'stale-status', 3],
  ['the auth files page still shows error after I logged in again', 'stale-status', 3],
  ['kiro idc 登录后状态要手动刷新才更新', 'stale-status', 1],
  ['dashboard shows the old expiry until I restart', 'stale-status', 1],
  // mgmt-ip-banned
  ['管理页面提示 IP 被封禁，请稍后再试', 'mgmt-ip-banned', 1],
  [
    '{"error":"IP banned due to too many failed attempts. Try again in 30m0s"} from my monitoring script',
    'mgmt-ip-banned',
    1,
  ],
  ['输错几次密码后 ip 被 ban 了，多久解封', 'mgmt-ip-banned', 1],
  ['locked out of the management center after a few wrong passwords', 'mgmt-ip-banned', 1],
  // mgmt-remote-disabled
  ['从另一台机器访问管理接口返回 403 remote management disabled', 'mgmt-remote-disabled', 1],
  ['docker 里跑的 cpa，外网访问管理面板 403', 'mgmt-remote-disabled', 1],
  ['allow-remote 设置了 true 还是 403', 'mgmt-remote-disabled', 1],
  [
    "Management Center on my laptop gets 403 forbidden from the server's management API",
    'mgmt-remote-disabled',
    3,
  ],
  // auth-unavailable
  ['503 auth_unavailable: no auth available (providers=gemini, model=gemini-2.5-pro)', 'auth-unavailable', 1],
  ['所有账号都被禁用了，请求返回 no auth available', 'auth-unavailable', 1],
  ['no available credentials for model claude-opus-4', 'auth-unavailable', 1],
  ['503 Service Unavailable from /v1/chat/completions after disabling a few accounts', 'auth-unavailable', 1],
  // model-cooldown
  ['429 All credentials for model gpt-5-codex are cooling down via provider codex', 'model-cooldown', 1],
  ['codex 额度用完后一直 429，官方重置了也不恢复', 'model-cooldown', 1],
  [
    '{"error":{"code":"usage_limit_reached","message":"The usage limit has been reached"}}',
    'model-cooldown',
    1,
  ],
  ['gemini RESOURCE_EXHAUSTED: quota exceeded for this model', 'model-cooldown', 1],
  ['账号进入冷却后多久恢复', 'model-cooldown', 1],
  // refresh-stopped-unauthorized
  ['认证文件显示 status error unauthorized，之后就不再自动刷新了', 'refresh-stopped-unauthorized', 1],
  [
    'claude credential marked unavailable: true after one 401 and never retried',
    'refresh-stopped-unauthorized',
    1,
  ],
  [
    'auth-files: status_message unauthorized, I have to re-login every day',
    'refresh-stopped-unauthorized',
    1,
  ],
  ['账号 401 之后就被暂停了，不会自动恢复', 'refresh-stopped-unauthorized', 3],
];
