import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, toBoltLogger } from '../src/logger.js';

function capture() {
  let text = '';
  const destination = new Writable({
    write(chunk, _enc, cb) {
      text += chunk.toString();
      cb();
    },
  });
  return { destination, text: () => text };
}

describe('logger', () => {
  it('redacts secret fields of a logged request and its children', () => {
    const out = capture();
    const logger = createLogger({ level: 'debug', destination: out.destination });
    const child = logger.child({ requestId: 'req-1', user: 'U0ALICE' });
    child.info(
      {
        headers: { authorization: 'Bearer mgmt-key-123456', 'x-slack-signature': 'v0=abcdef' },
        body: { response_url: 'https://hooks.slack.com/commands/T0/1/xyz', token: 'legacy-tok' },
        auth: { refresh_token: 'rt-abcdefgh', access_token: 'at-abcdefgh' },
      },
      'handling request',
    );
    const text = out.text();
    expect(text).toContain('"requestId":"req-1"');
    for (const secret of [
      'mgmt-key-123456',
      'v0=abcdef',
      'hooks.slack.com',
      'legacy-tok',
      'rt-abcdefgh',
      'at-abcdefgh',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });

  it('scrubs known secret values and token shapes from free text and errors', () => {
    const out = capture();
    const logger = createLogger({
      level: 'info',
      destination: out.destination,
      secrets: ['my-management-key'],
    });
    logger.warn(`proxy said: bad key my-management-key from xoxb-123-456-abc`);
    logger.error({ err: new Error('failed with Bearer abc.def.ghi and my-management-key') }, 'call failed');
    const text = out.text();
    expect(text).not.toContain('my-management-key');
    expect(text).not.toContain('xoxb-123-456-abc');
    expect(text).not.toContain('abc.def.ghi');
  });

  it('logs an error as its type, message and stack, not as a string spread into characters', () => {
    const out = capture();
    const logger = createLogger({ level: 'info', destination: out.destination, secrets: ['k-secret-1'] });
    logger.warn({ err: new Error('the proxy timed out with k-secret-1') }, 'failed');
    const line = JSON.parse(out.text().trim()) as { err: Record<string, unknown> };
    expect(line.err.type).toBe('Error');
    expect(line.err.message).toBe('the proxy timed out with [redacted]');
    expect(String(line.err.stack)).toContain('logger.test.ts');
    expect(line.err['0']).toBeUndefined();
  });

  it('gives Bolt an adapter on the same destination, level and redaction', () => {
    const out = capture();
    const logger = createLogger({ level: 'warn', destination: out.destination, secrets: ['sig-secret-1'] });
    const bolt = toBoltLogger(logger, 'warn');
    bolt.info('not shown at warn');
    bolt.warn('signature check used sig-secret-1');
    expect(bolt.getLevel()).toBe('warn');
    const text = out.text();
    expect(text).not.toContain('not shown');
    expect(text).toContain('"component":"bolt"');
    expect(text).not.toContain('sig-secret-1');
  });
});
