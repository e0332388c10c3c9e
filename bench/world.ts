// The bot's surroundings for the ack benchmark, in a process of their own so that their work (recording
// response_url posts, holding proxy calls for 2 s) does not compete with the load generator: the fake
// Slack (test/fakes/fake-slack.ts) and the slow proxy. Prints one JSON line with their URLs, then answers
// "stats" messages on the IPC channel. Started by bench/run.ts; BENCH_PROXY_DELAY_MS, BENCH_TOKEN.
import { startFakeSlack } from '../test/fakes/fake-slack.js';
import { startSlowProxy } from './slow-proxy.js';

export interface WorldInfo {
  slackApiUrl: string;
  responseUrl: string;
  proxyUrl: string;
  managementKey: string;
}

export interface WorldStats {
  proxyCalls: number;
  responsePosts: number;
}

const slack = await startFakeSlack({ botToken: process.env.BENCH_TOKEN ?? '', keepCalls: false });
const proxy = await startSlowProxy(Number(process.env.BENCH_PROXY_DELAY_MS ?? 2000));
process.on('message', (message) => {
  if (message !== 'stats') return;
  // the fake Slack keeps no calls here (tens of thousands of answers would grow this process's heap and its
  // GC pauses would land on the load generator's CPU): counts are all the bench needs
  const responsePosts = slack.count('response_url');
  process.send?.({ proxyCalls: proxy.calls(), responsePosts } satisfies WorldStats);
});
process.once('disconnect', () => {
  void Promise.all([slack.close(), proxy.close()]).then(() => process.exit(0));
});
const info: WorldInfo = {
  slackApiUrl: slack.apiUrl,
  responseUrl: slack.responseUrl('bench'),
  proxyUrl: proxy.url,
  managementKey: proxy.managementKey,
};
console.log(JSON.stringify(info));
