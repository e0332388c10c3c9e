// Deciding on local mode and the bot's configuration in it (pure: config in, config out).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEMO_POLICY_FILE, localBotConfig, wantsLocalMode } from '../../src/local/mode.js';

const standIn = {
  apiUrl: 'http://127.0.0.1:1/api/',
  botToken: 'xoxb-local-x',
  signingSecret: 'local-secret',
};

describe('wantsLocalMode', () => {
  it.each([
    [{}, false, true],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, false, false],
    [{ SLACK_APP_TOKEN: 'xapp-1' }, false, false],
    [{ SLACK_SIGNING_SECRET: 's' }, false, false],
    [{ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }, true, true],
    [{ SLACK_API_URL: 'http://127.0.0.1:9/api/' }, false, true],
  ])('env %j, --local %s -> %s', (env, forced, expected) => {
    expect(wantsLocalMode(loadConfig(env), forced)).toBe(expected);
  });
});

describe('localBotConfig', () => {
  it('points Slack at the stand-in, listens on loopback port 0, and uses the demo policy when no policy file exists', () => {
    const dir = mkdtempSync(join(tmpdir(), 'authbot-mode-'));
    const config = loadConfig({ HOST: '0.0.0.0', PORT: '3000', SLACK_APP_TOKEN: 'xapp-1' });
    const local = localBotConfig({ ...config, policyFile: join(dir, 'policy.yml') }, standIn);
    expect(local.slack).toEqual({
      botToken: 'xoxb-local-x',
      signingSecret: 'local-secret',
      appToken: undefined,
      apiUrl: 'http://127.0.0.1:1/api/',
      socketMode: false,
    });
    expect(local.http).toEqual({ port: 0, host: '127.0.0.1' });
    expect(local.policyFile).toBe(DEMO_POLICY_FILE);
    expect(local.policyFileExplicit).toBe(true);
  });

  it('uses a policy file as is when the default one exists or one is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'authbot-mode-'));
    const present = join(dir, 'policy.yml');
    writeFileSync(present, 'approvers:\n  users: [U0LOCALBOB]\n');
    const byDefault = localBotConfig({ ...loadConfig({}), policyFile: present }, standIn);
    expect(byDefault.policyFile).toBe(present);
    expect(byDefault.policyFileExplicit).toBe(false);
    const missing = join(dir, 'missing.yml');
    const explicit = localBotConfig(loadConfig({ AUTHBOT_POLICY_FILE: missing }), standIn);
    expect(explicit.policyFile).toBe(missing); // a set file that is missing still stops start-up, as always
    expect(explicit.policyFileExplicit).toBe(true);
  });
});
