// The Slack messenger's direct message over a real WebClient and the fake Slack: conversations.open, then
// one chat.postMessage to the IM it returned; a refused open posts nothing; a 429 is waited out, not dropped.
import { Writable } from 'node:stream';
import { webApi } from '@slack/bolt';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createSlackMessenger } from '../../src/slack/messenger.js';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.js';

let slack: FakeSlack;
afterEach(async () => {
  await slack?.close();
});

async function messenger() {
  slack = await startFakeSlack();
  let logs = '';
  const destination = new Writable({
    write(chunk, _enc, cb) {
      logs += chunk.toString();
      cb();
    },
  });
  const client = new webApi.WebClient('xoxb-test-token', {
    slackApiUrl: slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: false,
    timeout: 5000,
  });
  const m = createSlackMessenger({ client, logger: createLogger({ level: 'info', destination }) });
  return { m, logs: () => logs };
}

const PROMPT = { text: ':key: open https://login.example.com/kiro?state=s1', audit: { loginPrompt: 'url' } };

describe('SlackMessenger.direct', () => {
  it('opens the IM and posts the message there once', async () => {
    const { m } = await messenger();
    expect(await m.direct('U0ALICE', PROMPT)).toBe(true);
    expect(slack.callsTo('conversations.open').map((c) => c.args.users)).toEqual(['U0ALICE']);
    const posts = slack.callsTo('chat.postMessage');
    expect(posts.map((c) => [c.args.channel, c.args.text])).toEqual([['D0ALICE', PROMPT.text]]);
  });

  it('answers false and posts nothing when Slack refuses to open the IM', async () => {
    const { m, logs } = await messenger();
    slack.failNext('conversations.open', { error: 'cannot_dm_bot' });
    expect(await m.direct('U0ALICE', PROMPT)).toBe(false);
    expect(slack.callsTo('chat.postMessage')).toEqual([]);
    expect(logs()).toContain('cannot_dm_bot');
    expect(logs()).not.toContain('login.example.com');
  });

  it('answers false when the post to the IM is refused, and logs no message text', async () => {
    const { m, logs } = await messenger();
    slack.failNext('chat.postMessage', { error: 'restricted_action' });
    expect(await m.direct('U0ALICE', PROMPT)).toBe(false);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
    expect(logs()).toContain('restricted_action');
    expect(logs()).not.toContain('login.example.com');
  });

  it('waits out a 429 on conversations.open and posts once', async () => {
    const { m } = await messenger();
    slack.failNext('conversations.open', { status: 429, retryAfter: 1 });
    expect(await m.direct('U0ALICE', PROMPT)).toBe(true);
    const opens = slack.callsTo('conversations.open');
    expect(opens).toHaveLength(2);
    expect(opens[1]!.at - opens[0]!.at).toBeGreaterThanOrEqual(950);
    expect(slack.callsTo('chat.postMessage')).toHaveLength(1);
  });
});
