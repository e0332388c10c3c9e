// A bot replica as its own OS process, for tests that pause (SIGSTOP) and resume (SIGCONT) it: the real
// startBot over the environment, with a short liveness lease (AUTHBOT_TEST_LEASE_MS, heartbeat a fifth
// of it). Prints `READY <url>` once it serves; stops cleanly on SIGTERM.
import { loadConfig } from '../../src/config.js';
import { startBot } from '../../src/main.js';

const leaseMs = Number(process.env.AUTHBOT_TEST_LEASE_MS ?? 30_000);
const bot = await startBot(loadConfig(process.env), {
  liveness: { leaseMs, heartbeatMs: Math.max(100, Math.floor(leaseMs / 5)) },
  slackClientOptions: { retryConfig: { retries: 0 }, timeout: 5000 },
});
process.stdout.write(`READY ${bot.url}\n`);
process.once('SIGTERM', () => {
  void bot.stop().finally(() => process.exit(0));
});
