// A refusal whose reason carries proxy text: Slack gets it escaped (it shows as text and pings nothing),
// the audit trail keeps the plain text (escaped once more only when /auth-audit renders it), so the trail
// never shows `&lt;` for `<`. The real bot over HTTP, the fake Slack and a fake proxy answering 502.
import { afterEach, describe, expect, it } from 'vitest';
import { buttonsOf, ephemeralFor, startWorld, type World } from '../approvals/e2e-helpers.js';

let w: World;
afterEach(async () => {
  await w?.close();
});

const HOSTILE = 'upstream failed <!channel> a<b & c>d';
const ESCAPED = 'upstream failed &lt;!channel&gt; a&lt;b &amp; c&gt;d';

async function refusedEvent(action: string) {
  const all = await w.h.bot.store.listAudit({ limit: 5000 });
  const refused = all.filter((e) => e.kind === 'request.refused' && e.data.action === action);
  expect(refused).toHaveLength(1);
  return refused[0]!;
}

async function auditShown(correlationId: string): Promise<string> {
  const id = `audit-${correlationId.slice(0, 20)}`;
  await w.h.command('/auth-audit', correlationId, { user: 'U0BOB', responseUrl: w.h.slack.responseUrl(id) });
  const answer = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === id);
  return JSON.stringify(answer.args.blocks);
}

/** Every auth-file list read answers 502 with a body holding mrkdwn a proxy should never get to inject. */
function listAnswersHostile502(world: World) {
  return world.proxy.setFault({
    kind: 'status',
    status: 502,
    times: 1000,
    scope: /\/auth-files$/,
    body: { error: 'bad gateway', message: HOSTILE },
  });
}

describe('refusal reasons in the audit trail', () => {
  it('keeps the plain reason of an /auth-refresh refusal while Slack gets it escaped', async () => {
    w = await startWorld();
    await listAnswersHostile502(w);
    await w.h.command('/auth-refresh', 'kiro', { user: 'U0REQ', channel: 'C0INCIDENT' });
    const told = await ephemeralFor(w, 'U0REQ', 'credentials');
    expect(String(told.args.text)).toContain(ESCAPED);
    const event = await refusedEvent('refresh');
    expect(String(event.data.reason)).toContain(HOSTILE);
    expect(JSON.stringify(event.data)).not.toMatch(/&lt;|&gt;|&amp;/);
    expect(w.h.logs()).not.toContain('&lt;!channel&gt;');
  });

  it('shows an unknown credential from a click in /auth-audit as the text it was, escaped once', async () => {
    w = await startWorld();
    const name = 'a<b&c>.json';
    await w.h.click('reset_cooldown:0', name, { user: 'U0REQ', channel: 'C0INCIDENT' });
    const told = await ephemeralFor(w, 'U0REQ', 'The proxy has no credential');
    expect(String(told.args.text)).toContain('`a&lt;b&amp;c&gt;.json`');
    const event = await refusedEvent('reset-cooldown');
    expect(event.data.reason).toBe(':no_entry: The proxy has no credential `a<b&c>.json`.');
    // the message the bot sent is kept as its plain text too
    const sent = async () =>
      (await w.h.bot.store.listAudit({ correlationId: event.correlationId, limit: 50 })).find(
        (e) => e.kind === 'message.ephemeral',
      );
    // written once Slack answered the ephemeral
    for (let i = 0; i < 100 && !(await sent()); i++) await new Promise((r) => setTimeout(r, 20));
    expect((await sent())?.data.text).toBe(':no_entry: The proxy has no credential `a<b&c>.json`.');
    const shown = await auditShown(event.correlationId);
    expect(shown).toContain('request.refused');
    // Slack shows `a<b&c>.json`: escaped once, never `&amp;lt;` (which Slack shows as `&lt;`)
    expect(shown).toContain('a&lt;b&amp;c&gt;.json');
    expect(shown).not.toContain('&amp;lt;');
  });

  it('escapes proxy text in a reset-cooldown refusal for Slack and keeps it plain in the audit trail', async () => {
    w = await startWorld();
    await listAnswersHostile502(w);
    const id = 'why-cooldown';
    await w.h.command('/auth-why', '429 model_cooldown', {
      user: 'U0REQ',
      responseUrl: w.h.slack.responseUrl(id),
    });
    const reply = await w.h.slack.waitFor((c) => c.method === 'response_url' && c.args.id === id);
    const fix = buttonsOf(reply).find((b) => b.actionId === 'fix_request:model-cooldown');
    await w.h.click(fix?.actionId ?? '', fix?.value ?? '', { user: 'U0REQ', channel: 'C0INCIDENT' });
    const told = await ephemeralFor(w, 'U0REQ', 'Cannot ask the proxy about cooldowns');
    expect(String(told.args.text)).toContain(ESCAPED);
    expect(String(told.args.text)).not.toContain('<!channel>');
    const event = await refusedEvent('reset-cooldown');
    expect(String(event.data.reason)).toContain(HOSTILE);
    expect(JSON.stringify(event.data)).not.toMatch(/&lt;|&gt;|&amp;/);
  });
});
