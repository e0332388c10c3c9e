// The bot runs with the same Node flags wherever it is shipped, and the benchmark measures it that way.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOT_NODE_FLAGS, tsxCommands } from '../bench/build.js';

describe('Node flags the bot ships with', () => {
  it('are the Dockerfile CMD, the npm start script and the benchmark command alike', () => {
    expect(BOT_NODE_FLAGS.length).toBeGreaterThan(0);
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync('Dockerfile', 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(['node', ...BOT_NODE_FLAGS, 'dist/cli.js', 'serve']);
    const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string;
    expect(start.split(' ')).toEqual(['node', ...BOT_NODE_FLAGS, '--import', 'tsx', 'src/cli.ts', 'serve']);
    expect(tsxCommands().bot.slice(0, BOT_NODE_FLAGS.length)).toEqual(BOT_NODE_FLAGS);
  });

  it('are flags this Node accepts', async () => {
    const { execFileSync } = await import('node:child_process');
    const out = execFileSync(process.execPath, [...BOT_NODE_FLAGS, '-e', 'process.stdout.write("ok")'], {
      encoding: 'utf8',
    });
    expect(out).toBe('ok');
  });
});
