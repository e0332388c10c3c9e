// The watch's Block Kit stays inside Slack's limits at scale (1,000 credentials in one group, long and
// hostile names) and never lets a name from the proxy become a mention or a link.
import { describe, expect, it } from 'vitest';
import type { ConditionId } from '../../src/domain/watch/conditions.js';
import type { AlertState, Silence } from '../../src/domain/watch/evaluate.js';
import { findBlockKitViolations } from '../../src/slack/views/limits.js';
import { digestMessage } from '../../src/watch/digest.js';
import { alertMessage, groupMessage, groupRepeatReply, watchListing } from '../../src/watch/views.js';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const HOSTILE = '<!channel> <https://evil.example|click> `x` *b* &amp;';

function alert(i: number, over: Partial<AlertState> = {}): AlertState {
  const credential = `kiro-${String(i).padStart(4, '0')}-${'n'.repeat(150)}.json`;
  const condition: ConditionId = 'expired';
  return {
    key: `${condition}|${credential}`,
    condition,
    credential,
    provider: 'kiro',
    phase: 'firing',
    since: NOW - 3_600_000,
    firedAt: NOW - 3_600_000,
    resolvedAt: null,
    lastAnnouncedAt: NOW - 3_600_000,
    absentPolls: 0,
    groupId: 'expired@1',
    detail: `token expired at 2026-12-03T11:00:00Z ${HOSTILE}`,
    expiresAt: '2026-12-03T11:00:00Z',
    nextRetryAfter: null,
    ...over,
  };
}

const texts = (m: { text: string; blocks?: unknown[] }) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`;

describe('watch views', () => {
  it('a group of 1,000 credentials, some resolved, is one valid message', () => {
    const members = Array.from({ length: 1000 }, (_, i) =>
      alert(i, i % 3 === 0 ? { phase: 'resolved', resolvedAt: NOW } : {}),
    );
    const m = groupMessage('expired', members, NOW);
    expect(findBlockKitViolations(m.blocks)).toEqual([]);
    expect(m.blocks!.length).toBeLessThanOrEqual(50);
    expect(texts(m)).toContain('1000 credentials, 334 resolved');
    expect(texts(m)).toContain('/auth-watch');
    // all resolved: the header says Resolved and the buttons go
    const done = groupMessage(
      'expired',
      members.map((a) => ({ ...a, phase: 'resolved' as const, resolvedAt: NOW })),
      NOW,
    );
    expect(texts(done)).toContain('*Resolved*');
    expect(JSON.stringify(done.blocks)).not.toContain('"actions"');
    expect(findBlockKitViolations(done.blocks)).toEqual([]);
  });

  it('says when an alert fired because it was flapping', () => {
    const flapping = alertMessage(alert(1, { groupId: null, flapping: true }), NOW);
    expect(texts(flapping)).toContain('Flapping');
    expect(findBlockKitViolations(flapping.blocks)).toEqual([]);
    expect(texts(alertMessage(alert(1, { groupId: null }), NOW))).not.toContain('Flapping');
    const group = groupMessage('cooldown', [alert(1, { flapping: true }), alert(2)], NOW);
    expect(texts(group).match(/\(flapping\)/g)).toHaveLength(1);
  });

  it('names and details from the proxy are escaped in every message', () => {
    const hostile = alert(1, { credential: HOSTILE, groupId: null });
    for (const m of [
      alertMessage(hostile, NOW),
      alertMessage({ ...hostile, phase: 'resolved', resolvedAt: NOW }, NOW),
      groupMessage('expired', [hostile, alert(2)], NOW),
      groupRepeatReply([hostile], [hostile], NOW),
      watchListing(
        [hostile],
        [{ id: 'SIL-AAAAAAAA', credential: HOSTILE, condition: null, until: NOW + 1 }],
        NOW,
      ),
    ]) {
      expect(texts(m)).not.toContain('<!channel>');
      expect(texts(m)).not.toContain('<https://evil');
      expect(findBlockKitViolations(m.blocks ?? [])).toEqual([]);
    }
  });

  it('the /auth-watch listing and the digest stay valid with 1,000 alerts, 500 silences and 500 expiries', () => {
    const alerts = Array.from({ length: 1000 }, (_, i) => alert(i, { groupId: null }));
    const silences: Silence[] = Array.from({ length: 500 }, (_, i) => ({
      id: `SIL-${String(i).padStart(8, '0')}`,
      credential: alerts[i]!.credential as string,
      condition: null,
      until: NOW + 3_600_000,
    }));
    const listing = watchListing(alerts, silences, NOW);
    expect(findBlockKitViolations(listing.blocks)).toEqual([]);
    expect(listing.text).toContain('Firing alerts (1000)');
    expect(listing.text).toContain('Silences (500)');
    const digest = digestMessage({
      day: '2026-12-03',
      byState: { active: 4000, [HOSTILE]: 1 },
      expiringSoon: alerts
        .slice(0, 500)
        .map((a) => ({ name: a.credential as string, expiresAt: '2026-12-04T01:00:00Z' })),
      fired: 1000,
      resolved: 10,
      fixes: Array.from({ length: 300 }, (_, i) => ({
        id: `REQ-${i}`,
        action: 'refresh',
        target: HOSTILE,
        state: 'verified',
      })),
    });
    expect(findBlockKitViolations(digest.blocks)).toEqual([]);
    expect(texts(digest)).not.toContain('<!channel>');
    expect(texts(digest)).toContain('Expiring in the next 24 h: 500');
  });
});
