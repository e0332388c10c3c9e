import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BOTH_BUILDS, startRealServer } from '../setup/real-server.js';

describe.each(BOTH_BUILDS)('startRealServer ($name)', (build) => {
  it('fails (never skips) with the build command when the binary is missing', async () => {
    await expect(
      startRealServer({ build: build.name, binary: `/nonexistent/${build.name}-server` }),
    ).rejects.toThrow(`run \`${build.install}\``);
  });
});

describe('a contract suite whose binary is missing', () => {
  it('is reported as failed tests, not skipped ones', async () => {
    const out = join(tmpdir(), `missing-binary-${process.pid}-${Date.now()}.json`);
    const run = promisify(execFile)(
      process.execPath,
      [
        'node_modules/vitest/vitest.mjs',
        'run',
        '--config',
        'test/setup/fixtures/missing-binary.config.ts',
        '--reporter=json',
        `--outputFile=${out}`,
      ],
      { cwd: join(import.meta.dirname, '../..') },
    );
    await expect(run).rejects.toMatchObject({ code: 1 });
    const report = JSON.parse(await readFile(out, 'utf8'));
    await rm(out, { force: true });
    const statuses = report.testResults.flatMap((r: { assertionResults: { status: string }[] }) =>
      r.assertionResults.map((a) => a.status),
    );
    expect(statuses).toEqual(['failed', 'failed']);
    expect(JSON.stringify(report)).toContain('install-cliproxyapiplus.sh');
    expect(JSON.stringify(report)).toContain('install-cliproxyapi.sh');
  }, 60_000);
});
