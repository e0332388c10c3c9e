// The guard around every listener (src/slack/guard.ts), with odd payloads: no channel, no user, no
// response_url, a listener that throws before acknowledging, a refusal whose answer fails.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createListenerGuard } from '../../src/slack/guard.js';

const logger = pino({ level: 'silent' });

function recorder() {
  const answers: Record<string, unknown>[] = [];
  const ephemerals: Record<string, unknown>[] = [];
  const acks: unknown[] = [];
  return {
    answers,
    ephemerals,
    acks,
    args(extra: Record<string, unknown>) {
      return {
        ack: async (r?: unknown) => {
          acks.push(r ?? 'empty');
        },
        respond: async (m: Record<string, unknown>) => {
          answers.push(m);
        },
        client: {
          chat: {
            postEphemeral: async (m: Record<string, unknown>) => {
              ephemerals.push(m);
            },
          },
        },
        ...extra,
      };
    },
  };
}

describe('listener guard', () => {
  const guard = createListenerGuard({ policy: { channels: ['C0INCIDENT'] }, logger });

  it('refuses a button with no channel at all when channels are set, and runs nothing', async () => {
    const r = recorder();
    let ran = false;
    const outcome = await guard.run(
      'check_run:auth-unavailable',
      r.args({ body: { user: { id: 'U1' }, response_url: 'https://hooks.example/x' } }),
      true,
      async () => {
        ran = true;
      },
    );
    expect(outcome).toBe('refused');
    expect(ran).toBe(false);
    expect(r.acks).toHaveLength(1);
    expect(String(r.answers[0]?.text)).toContain('<#C0INCIDENT>');
    expect(r.answers[0]?.response_type).toBe('ephemeral');
  });

  it('refuses a command with a missing or hostile channel id', async () => {
    for (const channel of [undefined, '', '<#C0INCIDENT>', 'C0INCIDENT ', 'c0incident']) {
      const r = recorder();
      const outcome = await guard.run(
        '/auth-status',
        r.args({ command: { channel_id: channel, user_id: 'U1', response_url: 'https://hooks.example/y' } }),
        false,
        async () => {
          throw new Error('must not run');
        },
      );
      expect(outcome).toBe('refused');
      expect(r.answers).toHaveLength(1);
    }
  });

  it('answers through chat.postEphemeral when the payload has no response_url', async () => {
    const r = recorder();
    await guard.run(
      'approve',
      r.args({ body: { user: { id: 'U1' }, channel: { id: 'C0OTHER' } } }),
      true,
      async () => undefined,
    );
    expect(r.answers).toHaveLength(0);
    expect(r.ephemerals[0]).toMatchObject({ channel: 'C0OTHER', user: 'U1' });
    expect(String(r.ephemerals[0]?.text)).toContain('Votes can only be cast in <#C0INCIDENT>');
  });

  it('acknowledges for a listener that threw before acknowledging, and answers with a reference', async () => {
    const r = recorder();
    const outcome = await guard.run(
      'fix_request:repeated-401',
      r.args({ body: { user: { id: 'U1' }, channel: { id: 'C0INCIDENT' }, response_url: 'https://h/z' } }),
      true,
      async () => {
        throw new Error('boom');
      },
    );
    expect(outcome).toBe('error');
    expect(r.acks).toHaveLength(1);
    expect(String(r.answers[0]?.text)).toMatch(/^:x: Could not request that fix; reference `E-[0-9a-f]{8}`/);
  });

  it('does not acknowledge twice when the listener acknowledged and then threw', async () => {
    const r = recorder();
    await guard.run(
      '/auth-refresh',
      r.args({ command: { channel_id: 'C0INCIDENT', user_id: 'U1', response_url: 'https://h/w' } }),
      false,
      async (args) => {
        await (args as { ack: () => Promise<void> }).ack();
        throw new Error('after ack');
      },
    );
    expect(r.acks).toHaveLength(1);
    expect(String(r.answers[0]?.text)).toContain('Could not open the refresh request');
  });

  it('survives an answer that fails (Slack down): the outcome is still counted', async () => {
    const r = recorder();
    const args = {
      ...r.args({ command: { channel_id: 'C0OTHER', user_id: 'U1', response_url: 'https://h/v' } }),
      respond: async () => {
        throw new Error('socket hang up');
      },
    };
    await expect(guard.run('/auth-why', args, false, async () => undefined)).resolves.toBe('refused');
  });

  it('runs everything anywhere when the policy lists no channels', async () => {
    const open = createListenerGuard({ policy: { channels: [] }, logger });
    const r = recorder();
    let ran = false;
    await open.run('/auth-status', r.args({ command: { user_id: 'U1' } }), false, async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(r.answers).toHaveLength(0);
  });
});
