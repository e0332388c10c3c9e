import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, slackProblems } from '../src/config.js';

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const c = loadConfig({});
    expect(c.proxy.url).toBe('http://127.0.0.1:8317');
    expect(c.http).toEqual({ port: 3000, host: '0.0.0.0' });
    expect(c.databaseUrl).toBe('file:./data/auth-bot.sqlite');
    expect(c.policyFile).toBe('./policy.yml');
    expect(c.policyFileExplicit).toBe(false);
    expect(c.snapshot.intervalMs).toBe(300_000);
    expect(c.snapshot.key).toBeUndefined();
    expect(c.logLevel).toBe('info');
    expect(c.slack.socketMode).toBe(false);
  });

  it('switches to Socket Mode when SLACK_APP_TOKEN is set', () => {
    const c = loadConfig({ SLACK_APP_TOKEN: 'xapp-1-A0-123-abc', SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(c.slack.socketMode).toBe(true);
    expect(slackProblems(c)).toEqual([]);
  });

  it('accepts small durations like 0s and 1s and a trailing slash on the proxy URL', () => {
    expect(loadConfig({ AUTHBOT_SNAPSHOT_INTERVAL: '1s' }).snapshot.intervalMs).toBe(1000);
    expect(loadConfig({ AUTHBOT_SNAPSHOT_INTERVAL: '0s' }).snapshot.intervalMs).toBe(0);
    expect(loadConfig({}).statusMaxAgeMs).toBe(10_000);
    expect(loadConfig({ AUTHBOT_STATUS_MAX_AGE: '0s' }).statusMaxAgeMs).toBe(0);
    expect(loadConfig({ CLIPROXY_URL: 'http://10.0.0.5:8317/' }).proxy.url).toBe('http://10.0.0.5:8317');
  });

  it('reports every problem at once, naming each variable', () => {
    let error: unknown;
    try {
      loadConfig({
        SLACK_BOT_TOKEN: 'xoxp-user-token-oops',
        SLACK_APP_TOKEN: 'not-an-app-token',
        PORT: 'eighty',
        CLIPROXY_URL: 'localhost:8317',
        AUTHBOT_SNAPSHOT_INTERVAL: 'soon',
        AUTHBOT_STATUS_MAX_AGE: 'fresh',
        AUTHBOT_SNAPSHOT_KEY: 'c2hvcnQ=',
        AUTHBOT_DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'chatty',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN',
      'PORT',
      'CLIPROXY_URL',
      'AUTHBOT_SNAPSHOT_INTERVAL',
      'AUTHBOT_STATUS_MAX_AGE',
      'AUTHBOT_SNAPSHOT_KEY',
      'AUTHBOT_DATABASE_URL',
      'LOG_LEVEL',
    ]) {
      expect(problems).toContain(name);
    }
    expect((error as ConfigError).problems).toHaveLength(9);
  });

  it('never echoes a secret value in its errors', () => {
    const secret = 'xoxp-9999-super-secret-user-token';
    const key = Buffer.from('sixteen byte key').toString('base64');
    try {
      loadConfig({
        SLACK_BOT_TOKEN: secret,
        AUTHBOT_SNAPSHOT_KEY: key,
        AUTHBOT_DATABASE_URL: 'mysql://u:hunter2@db',
      });
      expect.unreachable('loadConfig should have thrown');
    } catch (err) {
      const text = String((err as Error).message);
      expect(text).not.toContain(secret);
      expect(text).not.toContain(key);
      expect(text).not.toContain('hunter2');
    }
  });

  it('names the missing Slack settings for serving', () => {
    const problems = slackProblems(loadConfig({}));
    expect(problems.join('\n')).toContain('SLACK_BOT_TOKEN');
    expect(problems.join('\n')).toContain('SLACK_SIGNING_SECRET');
    expect(problems.join('\n')).toContain('SLACK_APP_TOKEN');
  });
});
