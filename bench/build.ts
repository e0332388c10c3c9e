// Builds what the Docker image runs (`node dist/cli.js serve`): the project's own tsc build
// (tsconfig.build.json) into a temp dir, plus bench/bare-bolt.ts, so neither side of the ack benchmark pays
// for tsx (its loader thread alone adds ~35 MB of RSS). The temp dir gets package.json and links to
// runbook/ and node_modules/ so the built code finds its bundled runbook and its packages.
import { execFile } from 'node:child_process';
import { copyFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Node flags the bot ships with (Dockerfile CMD, `npm start`; test/deploy.test.ts keeps them in step): a
 * young generation of at most 4 MB per semi-space instead of V8's 16 MB. A burst of commands makes mostly
 * short-lived garbage, so scavenges stay cheap, and peak RSS under the bench's burst drops by ~30 MB.
 * --heap-growing-percent=100: the next full GC comes when the old generation has doubled since the last
 * one. With small semi-spaces, what lives through a burst (acks in flight, commands waiting for a proxy
 * read, answers being posted) is promoted and dies old; V8's own growing factor (up to 4x when the bot is
 * busy) let that dead weight pile up from ~25 MB to ~100 MB before a full GC, which was the 40 MB between
 * the 128 MB and the 170 MB bench runs (--trace-gc). The bench runs bare Bolt with the same flags.
 */
export const BOT_NODE_FLAGS = ['--max-semi-space-size=4', '--heap-growing-percent=100'];

export interface Built {
  /** Node arguments that start the bot / the bare Bolt app. */
  bot: string[];
  bare: string[];
}

export async function buildForBench(dir: string, repo = process.cwd()): Promise<Built> {
  const out = join(dir, 'out');
  const tsconfig = join(dir, 'tsconfig.bench.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: resolve(repo, 'tsconfig.build.json'),
      compilerOptions: {
        rootDir: repo,
        outDir: out,
        sourceMap: false,
        typeRoots: [resolve(repo, 'node_modules/@types')],
      },
      include: [resolve(repo, 'src'), resolve(repo, 'bench/bare-bolt.ts')],
    }),
  );
  await run(process.execPath, [resolve(repo, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], {
    cwd: repo,
    timeout: 120_000,
  });
  copyFileSync(resolve(repo, 'package.json'), join(out, 'package.json'));
  symlinkSync(resolve(repo, 'runbook'), join(out, 'runbook'));
  symlinkSync(resolve(repo, 'node_modules'), join(out, 'node_modules'));
  return {
    bot: [...BOT_NODE_FLAGS, join(out, 'src/cli.js'), 'serve'],
    bare: [...BOT_NODE_FLAGS, join(out, 'bench/bare-bolt.js')],
  };
}

/** The same commands through tsx, straight from the sources (BENCH_TSX=1). */
export function tsxCommands(): Built {
  return {
    bot: [...BOT_NODE_FLAGS, '--import', 'tsx', 'src/cli.ts', 'serve'],
    bare: [...BOT_NODE_FLAGS, '--import', 'tsx', 'bench/bare-bolt.ts'],
  };
}
