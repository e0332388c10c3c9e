// The page's HTTP endpoints in local mode (real bot, real stand-in, no proxy running): what they do with
// good input, and what they refuse — bad JSON, huge bodies, unknown users, forged clicks, other origins.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalWorld, openStream, startLocal } from './in-process.js';

let w: LocalWorld;
beforeAll(async () => {
  w = await startLocal();
});
afterAll(async () => {
  await w?.close();
});

const errorOf = async (res: Response) => ((await res.json()) as { error?: string }).error;

describe('local mode with no proxy running', () => {
  it('answers /auth-why from the runbook, to the asking user only', async () => {
    const you = await openStream(w.bot.url, 'U0LOCALYOU');
    const alice = await openStream(w.bot.url, 'U0LOCALALICE');
    const res = await w.postJson('/local/command', { user: 'U0LOCALYOU', text: '/auth-why 401' });
    expect(res.status).toBe(200);
    const answer = await you.waitFor((m) => String(m.text).includes('repeated-401'));
    expect(answer.ephemeral).toBe(true);
    expect(answer.bot).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(alice.messages().some((m) => String(m.text).includes('repeated-401'))).toBe(false);
    you.close();
    alice.close();
  });

  it('says /auth-status cannot reach the proxy, with the runbook row, as in Slack', async () => {
    const you = await openStream(w.bot.url, 'U0LOCALYOU');
    await w.postJson('/local/command', { user: 'U0LOCALYOU', text: '/auth-status' });
    const answer = await you.waitFor((m) => m.bot === true && String(m.text).includes('Proxy status'));
    const shown = JSON.stringify(answer.blocks);
    expect(shown).toContain('unreachable');
    expect(shown).toMatch(/Runbook:\*? `[a-z0-9-]+`/);
    you.close();
  });

  it('answers an unknown slash command like Slack does, naming the ones the bot has', async () => {
    const you = await openStream(w.bot.url, 'U0LOCALYOU');
    await w.postJson('/local/command', { user: 'U0LOCALYOU', text: '/nope <b>x</b>' });
    const notice = await you.waitFor((m) => String(m.text).includes('is not a valid command'));
    expect(notice.ephemeral).toBe(true);
    expect(String(notice.text)).toContain('/auth-why');
    you.close();
  });

  it('stores a plain message with &, < and > escaped, as Slack stores user text', async () => {
    const alice = await openStream(w.bot.url, 'U0LOCALALICE');
    await w.postJson('/local/command', { user: 'U0LOCALBOB', text: '<script>alert(1)</script> & co' });
    const m = await alice.waitFor((x) => x.author === 'U0LOCALBOB');
    expect(m.text).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    alice.close();
  });
});

describe('hostile input to the page endpoints', () => {
  it('refuses bad JSON, a wrong content type, extra fields and over-long text with 4xx', async () => {
    expect((await w.postJson('/local/command', '{"user":')).status).toBe(400);
    expect(await errorOf(await w.postJson('/local/command', '{"user":'))).toBe('invalid_json');
    const form = await fetch(`${w.bot.url}/local/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'user=U0LOCALYOU&text=/auth-why',
    });
    expect(form.status).toBe(415);
    expect((await w.postJson('/local/command', [1, 2])).status).toBe(400);
    expect((await w.postJson('/local/command', { user: 'U0LOCALYOU', text: 'x', admin: true })).status).toBe(
      400,
    );
    expect((await w.postJson('/local/command', { user: 'U0LOCALYOU', text: 'x'.repeat(4001) })).status).toBe(
      400,
    );
    expect((await w.postJson('/local/command', { user: 'U0LOCALYOU', text: '' })).status).toBe(400);
  });

  it('refuses a huge body with 413 and keeps serving', async () => {
    const res = await w.postJson('/local/command', { user: 'U0LOCALYOU', text: 'x'.repeat(2_000_000) });
    expect(res.status).toBe(413);
    expect((await fetch(`${w.bot.url}/healthz`)).status).toBe(200);
  });

  it('refuses unknown users on every endpoint', async () => {
    expect(
      await errorOf(await w.postJson('/local/command', { user: 'U0MALLORY', text: '/auth-why 401' })),
    ).toBe('unknown_user');
    expect(
      await errorOf(
        await w.postJson('/local/action', { user: 'U0MALLORY', ts: '1.1', blockId: 'b', actionId: 'a' }),
      ),
    ).toBe('unknown_user');
    expect((await fetch(`${w.bot.url}/local/events?user=U0MALLORY`)).status).toBe(400);
    expect((await fetch(`${w.bot.url}/local/events`)).status).toBe(400);
  });

  it('refuses forged clicks: unknown message, element not in the message, someone else’s ephemeral, bad option', async () => {
    const you = await openStream(w.bot.url, 'U0LOCALYOU');
    await w.postJson('/local/command', { user: 'U0LOCALYOU', text: '/auth-why 401' });
    const answer = await you.waitFor((m) => String(m.text).includes('repeated-401') && m.bot === true);
    const blocks = answer.blocks as {
      type: string;
      block_id: string;
      elements?: { action_id: string; type: string }[];
    }[];
    const actions = blocks.find((b) => b.type === 'actions' && b.elements?.some((e) => e.type === 'button'));
    const button = actions?.elements?.find((e) => e.type === 'button');
    expect(button).toBeDefined();
    const click = (body: Record<string, unknown>) =>
      w.postJson('/local/action', {
        user: 'U0LOCALYOU',
        ts: answer.ts,
        blockId: actions?.block_id,
        actionId: button?.action_id,
        ...body,
      });
    expect(await errorOf(await click({ ts: '1.000001' }))).toBe('message_not_found');
    expect(await errorOf(await click({ actionId: 'approve' }))).toBe('unknown_action');
    expect(await errorOf(await click({ blockId: 'forged' }))).toBe('unknown_action');
    // the button's value comes from the stored message; a page cannot send its own
    expect((await click({ value: 'req-someone-elses' })).status).toBe(400);
    // Alice cannot click a button on You's ephemeral answer: she cannot see it
    expect(await errorOf(await click({ user: 'U0LOCALALICE' }))).toBe('message_not_found');
    // the genuine click goes through (a selectedValue sent with a button is ignored: buttons carry none)
    expect((await click({ selectedValue: 'x' })).status).toBe(200);
    you.close();
  });

  it('refuses other hosts (DNS rebinding) and posts from other origins', async () => {
    const port = new URL(w.bot.url).port;
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    const cross = await w.postJson(
      '/local/command',
      { user: 'U0LOCALYOU', text: '/auth-why 401' },
      { origin: 'http://evil.example' },
    );
    expect(cross.status).toBe(403);
    const same = await w.postJson(
      '/local/command',
      { user: 'U0LOCALYOU', text: 'hi' },
      { origin: w.bot.url },
    );
    expect(same.status).toBe(200);
  });

  it('serves only its own files, with a Content-Security-Policy', async () => {
    expect((await fetch(`${w.bot.url}/assets/../../package.json`)).status).toBe(404);
    expect((await fetch(`${w.bot.url}/assets/demo-policy.yml`)).status).toBe(404);
    const js = await fetch(`${w.bot.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toContain('text/javascript');
    expect((await fetch(`${w.bot.url}/`)).headers.get('content-security-policy')).toContain(
      "default-src 'none'",
    );
    expect((await fetch(`${w.bot.url}/`, { method: 'DELETE' })).status).toBe(405);
  });
});
