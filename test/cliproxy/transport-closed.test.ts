import { Pool } from 'undici';
import { describe, expect, it } from 'vitest';
import { Transport } from '../../src/cliproxy/transport.js';

describe('Transport after its client was closed (bot stopping)', () => {
  it('fails a retryable GET at once instead of retrying a closed client', async () => {
    const pool = new Pool('http://127.0.0.1:9');
    await pool.close();
    const transport = new Transport({
      baseUrl: 'http://127.0.0.1:9',
      dispatcher: pool,
      timeoutMs: 5000,
      retries: 2,
      retryDelayMs: 300,
      logger: undefined,
      now: Date.now,
    });
    const started = Date.now();
    await expect(
      transport.send({ method: 'GET', path: '/v0/management/config', retry: true }),
    ).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(250); // no 300 ms + 600 ms of back-off
  });
});
