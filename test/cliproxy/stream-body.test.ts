// GET /auth-files is read as a stream: the transport decodes the 2xx body piece by piece (UTF-8 split
// safely), JsonListReader hands out each item as it completes, and scanAuthFiles checks and visits it.
// Over real HTTP on 127.0.0.1 with the real client: tiny writes cutting characters apart, items visited
// while the body is still arriving, a connection broken mid-body (unreachable, not retried: visited
// items cannot be taken back), 5xx still retried without feeding the visitor, a bad item or a body past
// the cap ending the read at once, and nothing of the body in any error.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createManagementClient, type HttpManagementClient } from '../../src/cliproxy/client.js';
import { AUTH_FILES_LIMIT } from '../../src/cliproxy/transport.js';
import type { AuthFile } from '../../src/cliproxy/types.js';
import { AppError } from '../../src/errors.js';
import { errorOf } from './helpers.js';

const KEY = 'stream-test-key';
const ROUTE = '/v0/management/auth-files';
const PLANTED = 'sk-ant-oat01-PLANTED-SECRET-d41d8cd98f00b204';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

type Handler = (res: ServerResponse, n: number, req: IncomingMessage) => void | Promise<void>;

/**
 * A server whose n-th request (1-based) is answered by `handler`, and a client with a management key
 * and the default retries (2) pointed at it. `requests` counts what reached the server.
 */
async function serve(handler: Handler, clientOptions: { timeoutMs?: number } = {}) {
  const seen = { requests: 0, paths: [] as string[], authorized: [] as boolean[] };
  const server: Server = createServer((req, res) => {
    req.resume();
    seen.requests++;
    seen.paths.push(req.url ?? '');
    seen.authorized.push(req.headers.authorization === `Bearer ${KEY}`);
    res.on('error', () => undefined);
    res.socket?.setNoDelay(true);
    Promise.resolve(handler(res, seen.requests, req)).catch(() => res.socket?.destroy());
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
    timeoutMs: clientOptions.timeoutMs ?? 1500,
    retryDelayMs: 10,
  });
  closers.push(() => client.close());
  return { client, seen };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise and the function that resolves it. */
function signal(): { wait: Promise<void>; give: () => void } {
  let give: () => void = () => undefined;
  const wait = new Promise<void>((resolve) => {
    give = resolve;
  });
  return { wait, give };
}

/** A deterministic sequence of write sizes in [min, max] (a small LCG: the same cuts every run). */
function sizes(seed: number, min: number, max: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return min + (s % (max - min + 1));
  };
}

/** Writes `body` in writes of 1-7 bytes with a short pause between, then ends the answer. */
async function dribble(res: ServerResponse, body: Buffer, seed = 7): Promise<void> {
  const next = sizes(seed, 1, 7);
  for (let at = 0; at < body.length; ) {
    const n = next();
    res.write(body.subarray(at, at + n));
    at += n;
    await new Promise((resolve) => (at % 3 === 0 ? setTimeout(resolve, 1) : setImmediate(resolve)));
  }
  res.end();
}

const json = (status: number, res: ServerResponse) =>
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });

interface Item {
  name: string;
  provider?: string;
  label?: string;
  email?: string;
  status?: string;
  disabled?: boolean;
  [more: string]: unknown;
}

const item = (i: number, more: Partial<Item> = {}): Item => ({
  name: `claude-${i}.json`,
  provider: 'claude',
  label: `user ${i}`,
  email: `user${i}@example.com`,
  status: 'active',
  disabled: false,
  ...more,
});

/** The items as the list's body would carry them, split as `head`, one string per item, `tail`. */
function listParts(items: unknown[]): { head: string; items: string[]; tail: string } {
  return { head: '{"files":[', items: items.map((it, i) => (i ? ',' : '') + JSON.stringify(it)), tail: ']}' };
}

const visitAll = async (client: HttpManagementClient) => {
  const visited: AuthFile[] = [];
  const count = await client.scanAuthFiles((f) => visited.push(f));
  return { visited, count };
};

/** Everything of an error a person or a log could see. */
const everything = (err: unknown) => {
  const e = err as AppError;
  return `${e.message} ${e.hint ?? ''} ${JSON.stringify(e.details ?? {})} ${String(e.stack)}`;
};

describe('auth-file list read as a stream', () => {
  it('reads a body written in 1-7 byte pieces that cut multi-byte characters apart', async () => {
    const labels = ['Zoë ✓ 𝄞', '𝄞𝄞𝄞', 'ünïcödé ✓✓', '"quoted" \\ back\\slash', '日本語のラベル', 'plain'];
    const files = labels.map((label, i) =>
      item(i, { label, email: `${label.replace(/[^a-z]/gi, '') || 'x'}.ë@example.com` }),
    );
    const body = Buffer.from(JSON.stringify({ files, total: files.length }, null, 1), 'utf8');
    // the body really does hold characters of 2, 3 and 4 bytes
    expect(body.length).toBeGreaterThan(Buffer.from(JSON.stringify({ files }), 'latin1').length);
    const { client, seen } = await serve(async (res) => {
      json(200, res);
      await dribble(res, body);
    });

    const { visited, count } = await visitAll(client);
    expect(count).toBe(files.length);
    expect(visited.map((f) => f.name)).toEqual(files.map((f) => f.name));
    expect(visited.map((f) => f.label)).toEqual(labels);
    expect(visited.map((f) => f.email)).toEqual(files.map((f) => f.email));
    expect(visited[0]).toMatchObject({ provider: 'claude', status: 'active', disabled: false });
    expect(await client.listAuthFiles()).toEqual(visited);
    expect(seen.requests).toBe(2);
    expect(seen.paths).toEqual([ROUTE, ROUTE]);
    expect(seen.authorized).toEqual([true, true]);
  });

  it('hands the body to the caller in pieces as they arrive, decoded without breaking characters', async () => {
    const text = JSON.stringify({ files: [item(0, { label: 'Zoë ✓ 𝄞'.repeat(20) })] });
    const { client } = await serve(async (res) => {
      json(200, res);
      await dribble(res, Buffer.from(text, 'utf8'), 11);
    });
    const pieces: string[] = [];
    const res = await client.management('GET', '/auth-files', { onText: (p) => pieces.push(p) });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toBe(text);
    expect(pieces.join('')).not.toContain('\ufffd');
  });

  it('visits items while the body is still arriving', async () => {
    const parts = listParts([item(0), item(1), item(2), item(3)]);
    const sawFirst = signal();
    let finished = false;
    const { client, seen } = await serve(async (res) => {
      json(200, res);
      res.write(parts.head + parts.items[0] + parts.items[1]);
      // the rest only once the client has visited item 0: a client that waited for the whole body
      // would never get it (and fail with a timeout)
      await sawFirst.wait;
      res.end(parts.items[2]! + parts.items[3]! + parts.tail);
      finished = true;
    });
    const finishedWhenVisited: boolean[] = [];
    const names: string[] = [];
    const count = await client.scanAuthFiles((f) => {
      names.push(f.name);
      finishedWhenVisited.push(finished);
      if (names.length === 1) sawFirst.give();
    });
    expect(count).toBe(4);
    expect(names).toEqual(['claude-0.json', 'claude-1.json', 'claude-2.json', 'claude-3.json']);
    expect(finishedWhenVisited.slice(0, 2)).toEqual([false, false]);
    expect(seen.requests).toBe(1);
  });

  it('fails as unreachable, without retrying, when the connection breaks after items were visited', async () => {
    const parts = listParts([item(0), item(1), item(2), item(3), item(4)]);
    const sawThird = signal();
    const { client, seen } = await serve(async (res, n) => {
      json(200, res);
      if (n >= 3) {
        res.end(parts.head + parts.items.join('') + parts.tail);
        return;
      }
      res.write(parts.head + parts.items[0] + parts.items[1] + parts.items[2] + parts.items[3]!.slice(0, 9));
      // the first time, once the client has visited item 2; the second time, once the part is surely out
      await (n === 1 ? Promise.race([sawThird.wait, sleep(1000)]) : sleep(100));
      res.socket?.destroy();
    });

    const visited: string[] = [];
    const err = await errorOf(
      client.scanAuthFiles((f) => {
        visited.push(f.name);
        if (visited.length === 3) sawThird.give();
      }),
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('unreachable');
    expect(visited).toEqual(['claude-0.json', 'claude-1.json', 'claude-2.json']);
    // scanAuthFiles asks with retry (a GET), yet a body already taken in part is not asked for again
    expect(seen.requests).toBe(1);

    // listAuthFiles is the same call: broken once more, then the client works again
    const err2 = await errorOf(client.listAuthFiles());
    expect(err2.code).toBe('unreachable');
    expect(seen.requests).toBe(2);
    expect((await client.listAuthFiles()).map((f) => f.name)).toHaveLength(5);
    expect(seen.requests).toBe(3);
  });

  it('fails as timeout within the deadline when the body stops arriving, without asking again', async () => {
    const parts = listParts([item(0), item(1), item(2)]);
    const { client, seen } = await serve(
      (res) => {
        json(200, res);
        res.write(parts.head + parts.items[0] + parts.items[1]); // and then nothing more
      },
      { timeoutMs: 400 },
    );
    const visited: string[] = [];
    const started = Date.now();
    const err = await errorOf(client.scanAuthFiles((f) => visited.push(f.name)));
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(visited).toEqual(['claude-0.json', 'claude-1.json']);
    expect(seen.requests).toBe(1);
  });

  it('still retries a connection dropped before any answer, and then visits each item once', async () => {
    const parts = listParts([item(0), item(1)]);
    const { client, seen } = await serve((res, n) => {
      if (n === 1) {
        res.socket?.destroy();
        return;
      }
      json(200, res);
      res.end(parts.head + parts.items.join('') + parts.tail);
    });
    const { visited } = await visitAll(client);
    expect(visited.map((f) => f.name)).toEqual(['claude-0.json', 'claude-1.json']);
    expect(seen.requests).toBe(2);
  });

  it('retries a 200 whose connection broke before any of its body was taken, visiting each item once', async () => {
    const parts = listParts([item(0), item(1)]);
    const { client, seen } = await serve(async (res, n) => {
      json(200, res);
      if (n === 1) {
        res.flushHeaders();
        await new Promise((r) => setTimeout(r, 50));
        res.socket?.destroy();
        return;
      }
      res.end(parts.head + parts.items.join('') + parts.tail);
    });
    const { visited } = await visitAll(client);
    expect(visited.map((f) => f.name)).toEqual(['claude-0.json', 'claude-1.json']);
    expect(seen.requests).toBe(2);
  });

  it('retries a 500 and visits each item of the good answer exactly once (the 500 body is not visited)', async () => {
    const good = listParts([item(0), item(1), item(2)]);
    const { client, seen } = await serve((res, n) => {
      if (n === 1) {
        // a 5xx whose body looks like a list: it must never reach the visitor
        json(500, res);
        res.end(JSON.stringify({ files: [item(99, { name: 'ghost.json' })], error: 'boom' }));
        return;
      }
      json(200, res);
      res.end(good.head + good.items.join('') + good.tail);
    });
    const { visited, count } = await visitAll(client);
    expect(count).toBe(3);
    expect(visited.map((f) => f.name)).toEqual(['claude-0.json', 'claude-1.json', 'claude-2.json']);
    expect(seen.requests).toBe(2);
  });

  it('reports a 500 on every attempt as server_error after the retries, visiting nothing', async () => {
    const { client, seen } = await serve((res) => {
      json(503, res);
      res.end(JSON.stringify({ files: [item(1)] }));
    });
    const visited: AuthFile[] = [];
    const err = await errorOf(client.scanAuthFiles((f) => visited.push(f)));
    expect(err.code).toBe('server_error');
    expect(visited).toEqual([]);
    expect(seen.requests).toBe(3);
  });

  it('fails at the first item zod refuses, naming its path, and does not ask again', async () => {
    const files: unknown[] = [item(0), item(1), item(2), { name: 5, label: PLANTED }, item(4)];
    const parts = listParts(files);
    const { client, seen } = await serve(async (res) => {
      json(200, res);
      res.write(parts.head + parts.items.slice(0, 3).join(''));
      await sleep(5);
      res.end(parts.items.slice(3).join('') + parts.tail);
    });
    const visited: string[] = [];
    const err = await errorOf(client.scanAuthFiles((f) => visited.push(f.name)));
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('bad_response');
    expect(err.message).toContain(`GET ${ROUTE}`);
    expect(err.message).toContain('unexpected JSON shape at files.3.name');
    expect(everything(err)).not.toContain(PLANTED);
    expect(everything(err)).not.toContain('PLANTED');
    expect(visited).toEqual(['claude-0.json', 'claude-1.json', 'claude-2.json']);
    expect(seen.requests).toBe(1);

    const err2 = await errorOf(client.listAuthFiles());
    expect(err2.message).toContain('unexpected JSON shape at files.3.name');
    expect(seen.requests).toBe(2);
  });

  it('ends the call with the error the visitor throws, as it is, without asking again', async () => {
    const parts = listParts([item(0), item(1), item(2)]);
    const { client, seen } = await serve((res) => {
      json(200, res);
      res.end(parts.head + parts.items.join('') + parts.tail);
    });
    const stop = new Error('visitor stops here');
    const visited: string[] = [];
    const err = await errorOf(
      client.scanAuthFiles((f) => {
        if (visited.length === 1) throw stop;
        visited.push(f.name);
      }),
    );
    expect(err).toBe(stop);
    expect(visited).toEqual(['claude-0.json']);
    expect(seen.requests).toBe(1);
  });

  it('refuses a streamed list past AUTH_FILES_LIMIT (no Content-Length), visiting none past the cap', async () => {
    const one = JSON.stringify(item(0, { label: 'x'.repeat(150) })); // ~250 bytes an item
    const total = Math.ceil((AUTH_FILES_LIMIT * 5) / one.length);
    let written = 0;
    let bytes = 0;
    let finished = false;
    const { client, seen } = await serve(
      (res) => {
        json(200, res);
        const pump = () => {
          while (written < total) {
            const piece = `${written === 0 ? '{"files":[' : ','}${JSON.stringify(item(written, { label: 'x'.repeat(150) }))}`;
            written++;
            bytes += Buffer.byteLength(piece);
            if (!res.write(piece)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end(']}');
          finished = true;
        };
        pump();
      },
      { timeoutMs: 10_000 },
    );
    let visited = 0;
    let lastIndex = -1;
    const err = await errorOf(
      client.scanAuthFiles((f) => {
        visited++;
        lastIndex = Number(f.name.replace(/\D/g, ''));
      }),
    );
    const writtenAtError = written;
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('response_too_large');
    expect(err.message).toContain(`GET ${ROUTE}`);
    expect(err.message).toContain('4 MB');
    expect(seen.requests).toBe(1);
    // streamed: items before the cap were visited, none of the bytes past it
    expect(visited).toBeGreaterThan(0);
    expect(visited).toBe(lastIndex + 1);
    expect(visited * one.length).toBeLessThanOrEqual(AUTH_FILES_LIMIT);
    expect(visited).toBeLessThan(writtenAtError);
    // the client stopped reading: the server never got to write the whole answer
    await sleep(50);
    expect(finished).toBe(false);
    expect(bytes).toBeLessThan(AUTH_FILES_LIMIT * 5);
  }, 15_000);

  it('still refuses a list whose Content-Length is past the cap before reading any of it', async () => {
    const { client, seen } = await serve((res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': String(AUTH_FILES_LIMIT + 1),
      });
      res.write('{"files":[');
      res.write(JSON.stringify(item(0)));
    });
    const visited: AuthFile[] = [];
    const err = await errorOf(client.scanAuthFiles((f) => visited.push(f)));
    expect(err.code).toBe('response_too_large');
    expect(visited).toEqual([]);
    expect(seen.requests).toBe(1);
  });
});

describe('auth-file list: bodies that are not a list', () => {
  const answer = (status: number, body: string) => (res: ServerResponse) => {
    json(status, res);
    res.end(body);
  };

  it.each([
    ['html', '<html>proxy error</html>', 'body is not JSON'],
    ['html holding a token', `<html>${PLANTED}</html>`, 'body is not JSON'],
    [
      'a broken item',
      `{"files":[{"name":"a.json","access_token":"${PLANTED}"},${PLANTED}]}`,
      'body is not JSON',
    ],
    ['a trailing comma', '{"files":[{"name":"a.json"},]}', 'body is not JSON'],
    ['a cut-off list', '{"files":[{"name":"a.json"}', 'body is not JSON'],
    ['text after the list', '{"files":[]} <html>', 'body is not JSON'],
    ['an empty body', '', 'body is not JSON'],
    // as when the body was read whole and given to JSON.parse: a byte-order mark is not JSON
    ['a byte-order mark before the list', '\uFEFF{"files":[]}', 'body is not JSON'],
    ['an array', '[]', 'unexpected JSON shape at (root)'],
    ['a string', `"${PLANTED}"`, 'unexpected JSON shape at (root)'],
    ['the list twice', '{"files":[],"files":[{"name":"a.json"}]}', 'unexpected JSON shape at (root)'],
    ['no files key', '{}', 'unexpected JSON shape at files'],
    ['files an object', `{"files":{"token":"${PLANTED}"}}`, 'unexpected JSON shape at files'],
    ['files a string', '{"files":"a.json"}', 'unexpected JSON shape at files'],
    ['an item that is a number', '{"files":[1]}', 'unexpected JSON shape at files.0'],
    [
      'an item with an empty name',
      `{"files":[{"name":"","email":"${PLANTED}"}]}`,
      'unexpected JSON shape at files.0.name',
    ],
    [
      'an item without name',
      `{"files":[{"name":"a.json"},{"label":"${PLANTED}"}]}`,
      'unexpected JSON shape at files.1.name',
    ],
    [
      'a bad disabled',
      `{"files":[{"name":"a.json","disabled":"${PLANTED}"}]}`,
      'unexpected JSON shape at files.0.disabled',
    ],
  ])('%s: bad_response "%s", nothing of the body in the error', async (_, body, problem) => {
    const { client, seen } = await serve(answer(200, body));
    const err = await errorOf(client.listAuthFiles());
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('bad_response');
    expect(err.message).toBe(`Unexpected answer from GET ${ROUTE}: ${problem}.`);
    expect(everything(err)).not.toContain('PLANTED');
    expect(seen.requests).toBe(1);
  });

  it('reads "files": null (and surrounding keys) as no credentials', async () => {
    const { client, seen } = await serve(answer(200, '{"total":0,"files":null,"x":{"files":[1]}}'));
    const visited: AuthFile[] = [];
    expect(await client.scanAuthFiles((f) => visited.push(f))).toBe(0);
    expect(visited).toEqual([]);
    expect(await client.listAuthFiles()).toEqual([]);
    expect(seen.requests).toBe(2);
  });

  it('reads an empty list, and a list beside other keys', async () => {
    const { client } = await serve((res, n) => {
      json(200, res);
      res.end(n === 1 ? '{"files":[]}' : `{"a":[1,{"b":"]"}],"files":[${JSON.stringify(item(7))}],"z":null}`);
    });
    expect(await client.listAuthFiles()).toEqual([]);
    expect((await client.listAuthFiles()).map((f) => f.name)).toEqual(['claude-7.json']);
  });

  it("reads a 401 whole as before: unauthorized with the server's words, not a list, not retried", async () => {
    const { client, seen } = await serve((res) => {
      json(401, res);
      // written in pieces too: a non-2xx body is read whole, never handed to the list reader
      res.write('{"error":"missing ');
      setTimeout(() => res.end('management key"}'), 5);
    });
    const visited: AuthFile[] = [];
    const err = await errorOf(client.scanAuthFiles((f) => visited.push(f)));
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('unauthorized');
    expect(err.message).toContain('missing management key');
    expect(visited).toEqual([]);
    expect(seen.requests).toBe(1);
  });

  it('reads a 404 handler error whole as before', async () => {
    const { client, seen } = await serve(answer(404, '{"files":[{"name":"a.json"}],"error":"not found"}'));
    const visited: AuthFile[] = [];
    const err = await errorOf(client.scanAuthFiles((f) => visited.push(f)));
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).not.toBe('bad_response');
    expect(visited).toEqual([]);
    expect(seen.requests).toBe(1);
  });
});
