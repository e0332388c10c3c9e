// Seeds token files with unique token strings, drives every output the bot has (client results, errors,
// logs at debug, status JSON and text, checks, Slack views, CLI), and greps them all for the tokens.
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import { gatherStatus } from '../../src/cliproxy/gather-status.js';
import { CHECKS, runCheck } from '../../src/domain/checks/index.js';
import { toStatusJson } from '../../src/domain/status.js';
import { describeError, formatError } from '../../src/errors.js';
import { answerCheck } from '../../src/slack/actions/check.js';
import { answerStatus } from '../../src/slack/commands/status.js';
import { statusView } from '../../src/slack/views/status.js';
import { runAuthBot } from '../cli/status-helpers.js';
import {
  claudeFile,
  DEFAULT_CLIENT_KEY,
  type FakeProxy,
  geminiFile,
  iflowFile,
  kiroIdcFile,
  startFakeProxy,
} from '../fakes/fake-proxy.js';

const seeds = [
  kiroIdcFile({ clientSecret: false }),
  kiroIdcFile({ name: 'kiro-full.json', expiresAt: '2020-01-01T00:00:00Z' }),
  iflowFile({ refreshToken: false }),
  claudeFile({ expired: '2020-01-01T00:00:00Z', status: 'error', statusMessage: 'unauthorized' }),
  geminiFile(),
];
const brokenSecret = `broken-file-refresh-${process.pid}-${Date.now()}`;
const secrets = [...seeds.flatMap((s) => s.secrets), brokenSecret];

let proxy: FakeProxy;
let client: HttpManagementClient;
let logText = '';
const outputs: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    logText += chunk.toString();
    done();
  },
});
const logger = pino({ level: 'debug' }, sink);

beforeAll(async () => {
  proxy = await startFakeProxy({ files: seeds.map((s) => s.file) });
  proxy.putFile({
    name: 'broken.json',
    provider: 'claude',
    content: {},
    raw: `{"refresh_token": "${brokenSecret}", "expired": `,
  });
  client = createManagementClient({ baseUrl: proxy.url, managementKey: proxy.state.managementKey, logger });
});

afterAll(async () => {
  await client.close();
  await proxy.close();
});

describe('no token value survives into any output', () => {
  it('holds for client results, errors and debug logs', async () => {
    for (const f of await client.listAuthFiles()) {
      try {
        outputs.push(JSON.stringify(await client.readToken(f.name)));
      } catch (err) {
        outputs.push(formatError(describeError(err)), String(err), JSON.stringify(err));
      }
    }
    const report = await gatherStatus(client, { now: Date.now });
    outputs.push(JSON.stringify(toStatusJson(report)), JSON.stringify(statusView(report)));
    expect(report.credentials.find((c) => c.name === 'broken.json')?.problems[0]?.code).toBe(
      'token_unreadable',
    );
  });

  it('holds for every check, the Slack answers and the CLI', async () => {
    for (const row of Object.keys(CHECKS)) {
      outputs.push(
        JSON.stringify(
          await runCheck(row, {
            proxy: client,
            now: Date.now,
            clientKey: DEFAULT_CLIENT_KEY,
            canaryModel: 'm',
          }),
        ),
      );
      outputs.push(JSON.stringify(await answerCheck({ proxy: client, logger, now: Date.now }, row)));
    }
    outputs.push(JSON.stringify(await answerStatus({ proxy: client, logger, now: Date.now }, '')));
    const env = { CLIPROXY_URL: proxy.url, CLIPROXY_MANAGEMENT_KEY: proxy.state.managementKey };
    for (const argv of [
      ['status'],
      ['status', '--json'],
      ['status', 'kiro'],
      ['check', 'kiro-idc-refresh'],
      ['check', 'stale-status', '--json'],
    ]) {
      const r = await runAuthBot(argv, env);
      outputs.push(r.stdout, r.stderr);
    }
    expect(logText).toContain('cliproxy request');
    const all = [...outputs, logText].join('\n');
    expect(all).toContain('kiro-idc.json'); // the outputs are real, not empty
    for (const secret of secrets) expect(all, `token ${secret.slice(0, 12)}… leaked`).not.toContain(secret);
    expect(all).not.toContain(proxy.state.managementKey);
  });

  it('still holds when the key is wrong (error outputs)', async () => {
    const wrong = createManagementClient({ baseUrl: proxy.url, managementKey: 'wrong-key-abcdef', logger });
    const report = await gatherStatus(wrong, { now: Date.now });
    const text = JSON.stringify(toStatusJson(report)) + logText;
    expect(text).not.toContain('wrong-key-abcdef');
    for (const secret of secrets) expect(text).not.toContain(secret);
    await wrong.close();
  });
});
