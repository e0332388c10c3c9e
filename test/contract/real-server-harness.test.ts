import { describe, expect, it } from 'vitest';
import { startRealServer } from '../setup/real-server.js';

describe('startRealServer', () => {
  it('fails (never skips) with the build command when the binary is missing', async () => {
    await expect(startRealServer({ binary: '/nonexistent/cliproxyapi-server' })).rejects.toThrow(
      'run `bash scripts/install-cliproxyapi.sh`',
    );
  });
});
