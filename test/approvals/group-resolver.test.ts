import { describe, expect, it } from 'vitest';
import { createCachedGroupResolver, groupsOf } from '../../src/approvals/group-resolver.js';

describe('user groups resolved at click time', () => {
  it('caches a group briefly, then asks Slack again', async () => {
    let clock = 0;
    const calls: string[] = [];
    const resolve = createCachedGroupResolver({
      fetchMembers: async (g) => {
        calls.push(g);
        return ['U0CAROL'];
      },
      ttlMs: 60_000,
      now: () => clock,
    });
    expect(await resolve('S0ONCALL')).toEqual(['U0CAROL']);
    clock = 59_000;
    expect(await resolve('S0ONCALL')).toEqual(['U0CAROL']);
    expect(calls).toEqual(['S0ONCALL']);
    clock = 61_000;
    await resolve('S0ONCALL');
    expect(calls).toEqual(['S0ONCALL', 'S0ONCALL']);
  });

  it('treats a failed look-up (free plan, missing scope) as no members, and retries next time', async () => {
    let fail = true;
    const resolve = createCachedGroupResolver({
      fetchMembers: async () => {
        if (fail)
          throw Object.assign(new Error('An API error occurred: paid_teams_only'), {
            data: { error: 'paid_teams_only' },
          });
        return ['U0CAROL'];
      },
      ttlMs: 60_000,
      now: () => 0,
    });
    expect(await groupsOf(resolve, ['S0ONCALL'], 'U0CAROL')).toEqual([]);
    fail = false;
    expect(await groupsOf(resolve, ['S0ONCALL'], 'U0CAROL')).toEqual(['S0ONCALL']);
  });

  it('shares one in-flight look-up between concurrent clicks', async () => {
    let calls = 0;
    const resolve = createCachedGroupResolver({
      fetchMembers: async () => {
        calls += 1;
        await new Promise((r) => setTimeout(r, 20));
        return ['U0DAVE'];
      },
      ttlMs: 60_000,
      now: () => 0,
    });
    const results = await Promise.all(Array.from({ length: 10 }, () => resolve('S0ONCALL')));
    expect(results.every((r) => r[0] === 'U0DAVE')).toBe(true);
    expect(calls).toBe(1);
  });
});
