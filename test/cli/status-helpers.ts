// Runs the auth-bot CLI in-process and captures what it prints.
import { Writable } from 'node:stream';
import { runCli } from '../../src/cli.js';

export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
}

export async function runAuthBot(argv: string[], env: Record<string, string | undefined>) {
  const stdout = new Capture();
  const stderr = new Capture();
  const code = await runCli(argv, { env, stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}
