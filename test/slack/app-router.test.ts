// The listener router in createSlackApp: registrars' commands and actions reach Bolt as one command listener
// and one action listener, with Bolt's arguments and semantics, counted by name and outcome.
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createMetrics } from '../../src/http/metrics.js';
import { createSlackApp, type Registrar } from '../../src/slack/app.js';
import { type FakeSlack, startFakeSlack } from '../fakes/fake-slack.js';

let slack: FakeSlack | undefined;
afterEach(async () => {
  await slack?.close();
  slack = undefined;
});

async function build(registrars: Registrar[]) {
  slack = await startFakeSlack({ botToken: 'xoxb-router' });
  const metrics = createMetrics({ defaultMetrics: false });
  const errors: unknown[] = [];
  const logger = pino({ level: 'silent' });
  const { app, commands } = createSlackApp(
    {
      config: loadConfig({
        SLACK_BOT_TOKEN: 'xoxb-router',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_API_URL: slack.apiUrl,
      }),
      logger,
      routes: [],
      metrics,
    },
    registrars,
  );
  app.error(async (error) => {
    errors.push(error);
  });
  await app.init();
  const deliver = async (body: Record<string, unknown>) => {
    const acks: unknown[] = [];
    await app.processEvent({
      body,
      ack: async (response?: unknown) => {
        acks.push(response ?? 'empty');
      },
    } as never);
    return acks;
  };
  const counted = async () =>
    (await metrics.registry.getMetricsAsJSON())
      .find((m) => m.name === 'authbot_commands_total')
      ?.values.map((v) => `${v.labels.name} ${v.labels.outcome} ${v.value}`)
      .sort();
  return { app, commands, deliver, errors, counted };
}

const command = (name: string, text = '') => ({
  command: name,
  text,
  user_id: 'U1',
  channel_id: 'C1',
  team_id: 'T1',
  response_url: 'https://hooks.test/r',
  trigger_id: '1.2',
});
const click = (actionId: string) => ({
  type: 'block_actions',
  team: { id: 'T1' },
  user: { id: 'U1' },
  channel: { id: 'C1' },
  actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: 'v', action_ts: '1' }],
  response_url: 'https://hooks.test/r',
  trigger_id: '1.2',
});

describe('createSlackApp listener router', () => {
  it('registers one Bolt listener per kind, routes by name with Bolt arguments, and counts outcomes', async () => {
    const seen: string[] = [];
    const { app, commands, deliver, errors, counted } = await build([
      (a) =>
        a.command('/one', async ({ command: c, ack, respond, client }) => {
          expect(typeof respond).toBe('function');
          expect(typeof client.chat.postMessage).toBe('function');
          seen.push(`one:${c.text}`);
          await ack({ text: 'one' });
        }),
      (a) =>
        a.command('/two', async ({ ack }) => {
          await ack();
          throw new Error('listener broke');
        }),
      (a) =>
        a.action('approve', async ({ ack, action }) => {
          seen.push(`approve:${(action as { action_id: string }).action_id}`);
          await ack();
        }),
      (a) =>
        a.action(/^check_run:(.+)$/, async ({ ack, action, context }) => {
          seen.push(`check:${(action as { action_id: string }).action_id}`);
          seen.push(`matched:${(context.actionIdMatches as string[] | undefined)?.[1]}`);
          await ack();
        }),
    ]);
    expect(commands).toEqual(['/one', '/two']);
    expect((app as unknown as { listeners: unknown[] }).listeners).toHaveLength(2);

    expect(await deliver(command('/one', 'hello'))).toEqual([{ text: 'one' }]);
    expect(await deliver(click('approve'))).toEqual(['empty']);
    expect(await deliver(click('check_run:kiro-idc-refresh'))).toEqual(['empty']);
    expect(await deliver(command('/nobody'))).toEqual([]); // as Bolt: nothing listens, nothing acks
    expect(await deliver(click('approve_later'))).toEqual([]); // a string matches exactly
    expect(seen).toEqual([
      'one:hello',
      'approve:approve',
      'check:check_run:kiro-idc-refresh',
      'matched:kiro-idc-refresh',
    ]);

    expect(await deliver(command('/two'))).toEqual(['empty']);
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('listener broke');
    expect(await counted()).toEqual(['/one ok 1', '/two error 1', 'approve ok 1', 'check_run ok 1']);
  });

  it('reports several failing listeners of one click together, as Bolt does', async () => {
    const { deliver, errors } = await build([
      (a) =>
        a.action(/^offer:/, async () => {
          throw new Error('first failed');
        }),
      (a) =>
        a.action('offer:relogin', async () => {
          throw new Error('second failed');
        }),
    ]);
    await deliver(click('offer:relogin'));
    expect(errors).toHaveLength(1);
    const error = errors[0] as { code?: string; originals?: Error[] };
    expect(error.code).toBe('slack_bolt_multiple_listener_error');
    expect(error.originals?.map((e) => e.message).sort()).toEqual(['first failed', 'second failed']);
  });

  it('runs every matching listener (as Bolt does) and reports a failure of any of them', async () => {
    const ran: string[] = [];
    const { deliver, errors, counted } = await build([
      (a) =>
        a.action(/^offer:/, async ({ ack }) => {
          ran.push('pattern');
          await ack();
        }),
      (a) =>
        a.action('offer:relogin', async () => {
          ran.push('exact');
          throw new Error('second listener failed');
        }),
    ]);
    await deliver(click('offer:relogin'));
    expect(ran.sort()).toEqual(['exact', 'pattern']);
    expect(String(errors[0])).toContain('second listener failed');
    expect(await counted()).toEqual(['offer error 1']);
  });

  it('hands registrations it does not route (listener middleware, other constraints) to Bolt unchanged', async () => {
    const ran: string[] = [];
    const { app, deliver, counted } = await build([
      (a) =>
        a.command(
          '/guarded',
          async ({ next }) => {
            ran.push('middleware');
            await next();
          },
          async ({ ack }) => {
            ran.push('listener');
            await ack();
          },
        ),
      (a) =>
        a.action({ block_id: 'b', action_id: 'pick' }, async ({ ack }) => {
          ran.push('constrained');
          await ack();
        }),
    ]);
    expect((app as unknown as { listeners: unknown[] }).listeners).toHaveLength(2); // both Bolt's own
    await deliver(command('/guarded'));
    await deliver(click('pick'));
    expect(ran).toEqual(['middleware', 'listener', 'constrained']);
    expect(await counted()).toEqual(['/guarded ok 1', 'pick ok 1']); // counted like routed ones
  });
});
