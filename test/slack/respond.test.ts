import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResponder } from '../../src/slack/respond.js';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.js';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
});

describe('createResponder', () => {
  it('posts the answer as JSON to the response_url', async () => {
    const responder = createResponder();
    await responder.post(slack.responseUrl('r1'), { response_type: 'ephemeral', text: 'hello', blocks: [] });
    const call = await slack.waitFor((c) => c.method === 'response_url' && c.args.id === 'r1');
    expect(call.args).toMatchObject({ response_type: 'ephemeral', text: 'hello' });
    await responder.close();
  });

  it('fails with a slack_error that never contains the response_url', async () => {
    const responder = createResponder();
    slack.failNext('response_url', { status: 404, error: 'expired_url' });
    const url = slack.responseUrl('secret-path-123');
    const err = await responder.post(url, { text: 'x' }).then(
      () => undefined,
      (e: unknown) => e as Error & { code?: string },
    );
    expect(err?.code).toBe('slack_error');
    expect(err?.message).toContain('404');
    expect(err?.message).not.toContain('secret-path-123');
    await responder.close();
  });
});
