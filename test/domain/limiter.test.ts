import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/domain/limiter.js';

describe('createLimiter', () => {
  it('runs at most max tasks at once, all of them eventually, in order, through failures', async () => {
    const limit = createLimiter(3);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        limit(async () => {
          running += 1;
          peak = Math.max(peak, running);
          order.push(i);
          await new Promise((r) => setTimeout(r, 2));
          running -= 1;
          if (i === 5) throw new Error('one failed');
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(order).toEqual([...Array(20).keys()]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(19);
  });
});
