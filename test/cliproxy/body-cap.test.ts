// Every proxy answer is read up to a cap (1 MB for JSON, 4 MB for config.yaml): past it the call fails
// with response_too_large naming the cap, and the bot stops reading (the connection is aborted), so a
// 100 MB answer never sits in memory or reaches a snapshot.
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import { AUTH_FILES_LIMIT, CONFIG_YAML_LIMIT, JSON_BODY_LIMIT } from '../../src/cliproxy/transport.js';
import { Snapshotter } from '../../src/snapshots/snapshotter.js';
import { openStore } from '../../src/store/open.js';
import { errorOf } from './helpers.js';

const KEY = 'cap-test-key';
const MB = 1024 * 1024;
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

interface Answer {
  bytes: number;
  declareLength?: boolean;
  contentType?: string;
}

/** A server whose every answer streams `bytes` bytes (JSON-looking), counting what it managed to write. */
async function bigAnswers(answer: (path: string) => Answer) {
  const sent: { path: string; written: number; finished: boolean }[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    const path = (req.url ?? '').split('?')[0] ?? '';
    const { bytes, declareLength, contentType } = answer(path);
    const record = { path, written: 0, finished: false };
    sent.push(record);
    res.writeHead(200, {
      'content-type': contentType ?? 'application/json',
      ...(declareLength ? { 'content-length': String(bytes) } : {}),
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20); // spaces: valid JSON whitespace
    const head = Buffer.from('{"files":[');
    const tail = Buffer.from(']}');
    res.write(head);
    record.written = head.length;
    const pump = () => {
      while (record.written + chunk.length + tail.length <= bytes) {
        record.written += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      const pad = Buffer.alloc(Math.max(0, bytes - record.written - tail.length), 0x20);
      res.end(Buffer.concat([pad, tail]));
      record.written = bytes;
      record.finished = true;
    };
    res.on('error', () => undefined);
    pump();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client: HttpManagementClient = createManagementClient({
    baseUrl: url,
    managementKey: KEY,
    timeoutMs: 20_000,
    retryDelayMs: 10,
  });
  closers.push(() => client.close());
  return { client, sent };
}

describe('proxy answer caps', () => {
  it('fails a 100 MB JSON answer with response_too_large naming the 1 MB cap, without reading it all', async () => {
    const { client, sent } = await bigAnswers(() => ({ bytes: 100 * MB }));
    const rssBefore = process.memoryUsage().rss;
    const err = await errorOf(client.listAuthFiles());
    expect(err.code).toBe('response_too_large');
    expect(err.message).toContain('GET /v0/management/auth-files');
    expect(err.message).toContain('4 MB');
    // one attempt (no retry of an answer that would be as large again), abandoned early
    expect(sent).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(sent[0]?.finished).toBe(false);
    expect(sent[0]?.written).toBeLessThan(20 * MB);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(60 * MB);
  }, 30_000);

  it('fails before reading when Content-Length already says the answer is past the cap', async () => {
    const { client, sent } = await bigAnswers(() => ({ bytes: 50 * MB, declareLength: true }));
    const err = await errorOf(client.readToken('claude-a.json'));
    expect(err.code).toBe('response_too_large');
    expect(err.message).toContain('1 MB');
    expect(sent[0]?.finished).toBe(false);
  }, 30_000);

  it('reads a config.yaml up to 4 MB and refuses one past it', async () => {
    let size = 3 * MB;
    const { client } = await bigAnswers(() => ({ bytes: size, contentType: 'application/yaml' }));
    expect((await client.getConfigYaml()).length).toBe(3 * MB);
    size = CONFIG_YAML_LIMIT + 1;
    const err = await errorOf(client.getConfigYaml());
    expect(err.code).toBe('response_too_large');
    expect(err.message).toContain('GET /v0/management/config.yaml');
    expect(err.message).toContain('4 MB');
  }, 30_000);

  it('accepts a JSON answer of exactly the cap and refuses one byte more', async () => {
    let size = JSON_BODY_LIMIT;
    const { client } = await bigAnswers(() => ({ bytes: size }));
    expect(await client.getConfig()).toEqual({ files: [] });
    size = JSON_BODY_LIMIT + 1;
    expect((await errorOf(client.getConfig())).code).toBe('response_too_large');
    size = AUTH_FILES_LIMIT;
    expect(await client.listAuthFiles()).toEqual([]);
    size = AUTH_FILES_LIMIT + 1;
    expect((await errorOf(client.listAuthFiles())).code).toBe('response_too_large');
  }, 30_000);

  it('reports the probe of a proxy answering too much as reachable, with the cap in the error', async () => {
    const { client } = await bigAnswers(() => ({ bytes: 5 * MB }));
    const info = await client.probe();
    expect(info.reachable).toBe(true);
    expect(info.error).toMatchObject({ code: 'response_too_large' });
    expect(info.error?.message).toContain('1 MB');
  }, 30_000);

  it('stores no snapshot of a config.yaml past the cap', async () => {
    const { client } = await bigAnswers(() => ({
      bytes: CONFIG_YAML_LIMIT + 1,
      contentType: 'application/yaml',
    }));
    const store = await openStore(`file:${join(mkdtempSync(join(tmpdir(), 'cap-')), 'bot.sqlite')}`);
    closers.push(() => store.close());
    const snapshotter = new Snapshotter({
      store,
      client,
      logger: pino({ level: 'silent' }),
      now: Date.now,
      intervalMs: 60_000,
      keep: 50,
      owner: 'a',
    });
    expect((await errorOf(snapshotter.snapshotNow('interval'))).code).toBe('response_too_large');
    expect(await store.listSnapshots(10)).toEqual([]);
  }, 30_000);
});
