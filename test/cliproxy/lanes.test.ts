import { describe, expect, it } from 'vitest';
import { CallLanes } from '../../src/cliproxy/lanes.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('CallLanes', () => {
  it('never runs more than max at once, even when new callers arrive as slots free up', async () => {
    const lanes = new CallLanes(3);
    let running = 0;
    let peak = 0;
    const task = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
    };
    const all: Promise<void>[] = [];
    for (let i = 0; i < 60; i++) {
      all.push(lanes.run(task, i % 4 === 0));
      if (i % 7 === 0) await tick();
    }
    await Promise.all(all);
    expect(peak).toBe(3);
    expect(lanes.inFlight).toBe(0);
  });

  it('starts every waiting foreground call before any waiting background call', async () => {
    const lanes = new CallLanes(1);
    const order: string[] = [];
    const task = (name: string) => async () => {
      order.push(name);
      await tick();
    };
    const first = lanes.run(task('fg0'));
    const rest = [
      lanes.run(task('bg1'), true),
      lanes.run(task('bg2'), true),
      lanes.run(task('fg1')),
      lanes.run(task('fg2')),
    ];
    await Promise.all([first, ...rest]);
    expect(order).toEqual(['fg0', 'fg1', 'fg2', 'bg1', 'bg2']);
  });

  it('frees the slot when a task fails', async () => {
    const lanes = new CallLanes(1);
    await expect(lanes.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lanes.run(async () => 'next')).toBe('next');
    expect(lanes.inFlight).toBe(0);
  });
});
