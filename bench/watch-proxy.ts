// The fake proxy for the watch benchmark, in a process of its own so its work (serialising the list of
// 5,000 credentials) is not counted as the bot's: test/fakes/fake-proxy.ts with BENCH_WATCH_CREDENTIALS
// Kiro credentials, a few of them cooling down (firing alerts the poll must carry). Prints one JSON line
// {url, managementKey}, then answers "calls" on the IPC channel with its management call count.
import { DEFAULT_MANAGEMENT_KEY, kiroIdcFile, startFakeProxy } from '../test/fakes/fake-proxy.js';

const count = Number(process.env.BENCH_WATCH_CREDENTIALS ?? 5000);
const later = new Date(Date.now() + 10 * 86_400_000).toISOString();
const files = Array.from({ length: count }, (_, i) => {
  const { file } = kiroIdcFile({ name: `kiro-${String(i).padStart(5, '0')}.json`, expiresAt: later });
  // every 500th credential is cooling down: the store holds firing alerts, as a real one would
  return i % 500 === 0
    ? { ...file, status: 'error', statusMessage: 'quota exhausted', unavailable: true }
    : file;
});
const proxy = await startFakeProxy({ files });
process.on('message', (message) => {
  if (message === 'calls')
    process.send?.({ calls: proxy.calls.filter((c) => c.path.startsWith('/v0/management')).length });
});
process.once('disconnect', () => void proxy.close().then(() => process.exit(0)));
console.log(JSON.stringify({ url: proxy.url, managementKey: DEFAULT_MANAGEMENT_KEY }));
