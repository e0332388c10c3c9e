// A test-only stand-in for the AWS SSO-OIDC and Kiro token endpoints, so the real Plus server's Kiro
// refresh can succeed on a machine without internet: a CONNECT proxy on 127.0.0.1 (the server reaches it
// through HTTPS_PROXY) that terminates TLS itself with a leaf certificate from a CA made at test time (the
// server trusts it through SSL_CERT_FILE), and answers the token endpoints with new tokens.
//
//   const standin = await startTokenStandin();
//   const server = await startRealServer({ build: 'plus', env: standin.serverEnv });
//   standin.calls  // [{ host: 'oidc.us-east-1.amazonaws.com', path: '/token', kind: 'idc', ... }]
//   await standin.close();
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The token hosts the Plus server calls for Kiro refreshes (by auth_method and region). */
export const TOKEN_HOSTS = [
  'oidc.us-east-1.amazonaws.com',
  'oidc.eu-west-1.amazonaws.com',
  'prod.us-east-1.auth.desktop.kiro.dev',
];

export interface StandinCall {
  host: string;
  method: string;
  path: string;
  /** idc/builder-id: SSO-OIDC /token with grantType refresh_token; social: Kiro /refreshToken. */
  kind: 'oidc' | 'social' | 'other';
  /** The refresh token the server sent (tests compare it with the seeded one). */
  refreshToken: string | undefined;
  /** Whether clientId and clientSecret were sent (OIDC only). */
  hasClientCredentials: boolean;
}

export interface TokenStandin {
  /** http://127.0.0.1:PORT, for HTTPS_PROXY. */
  proxyUrl: string;
  /** The CA certificate file, for SSL_CERT_FILE. */
  caFile: string;
  /** Environment for the real server process. */
  serverEnv: Record<string, string>;
  /** Where the proxy listens (always 127.0.0.1). */
  address: AddressInfo;
  calls: StandinCall[];
  /** CONNECT targets seen, "host:port". */
  tunnels: string[];
  /** Tokens handed out so far (tests check none of them reaches Slack, logs or audit). */
  issued: string[];
  /** Seconds until expiry in the next answers. */
  expiresIn: number;
  close(): Promise<void>;
}

interface Pem {
  caCert: string;
  leafKey: string;
  leafCert: string;
}

/** A CA and a leaf certificate for TOKEN_HOSTS, made with the openssl CLI. */
async function makeCertificates(dir: string): Promise<Pem> {
  if (!(await run('which', ['openssl']).catch(() => undefined))) {
    // node:crypto makes keys but cannot sign X.509 certificates: without openssl the test fails loudly
    throw new Error(
      'token stand-in: the openssl CLI is needed to make the test CA (apt-get install openssl)',
    );
  }
  const f = (n: string) => join(dir, n);
  // keys from node:crypto, certificates from openssl
  for (const name of ['ca', 'leaf']) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    await writeFile(f(`${name}.key`), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  }
  await run('openssl', [
    'req',
    '-x509',
    '-new',
    '-key',
    f('ca.key'),
    '-sha256',
    '-days',
    '2',
    '-subj',
    '/CN=auth-bot test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    f('ca.pem'),
  ]);
  await run('openssl', [
    'req',
    '-new',
    '-key',
    f('leaf.key'),
    '-subj',
    '/CN=token-standin',
    '-out',
    f('leaf.csr'),
  ]);
  await writeFile(
    f('leaf.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${TOKEN_HOSTS.map((h) => `DNS:${h}`).join(',')}`,
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    f('leaf.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-sha256',
    '-extfile',
    f('leaf.ext'),
    '-out',
    f('leaf.pem'),
  ]);
  return {
    caCert: await readFile(f('ca.pem'), 'utf8'),
    leafKey: await readFile(f('leaf.key'), 'utf8'),
    leafCert: await readFile(f('leaf.pem'), 'utf8'),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startTokenStandin(options: { expiresIn?: number } = {}): Promise<TokenStandin> {
  const dir = await mkdtemp(join(tmpdir(), 'token-standin-'));
  const pem = await makeCertificates(dir);
  const caFile = join(dir, 'ca.pem');
  const calls: StandinCall[] = [];
  const tunnels: string[] = [];
  const issued: string[] = [];
  const sockets = new Set<Socket>();

  const state = { expiresIn: options.expiresIn ?? 3600 };
  // the decrypted requests, after the proxy terminated TLS
  const inner: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const host = (req.socket as TLSSocket & { standinHost?: string }).standinHost ?? 'unknown';
    const body = await readBody(req);
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      // not JSON: answered below as "other"
    }
    const path = (req.url ?? '').split('?')[0] ?? '';
    const kind =
      host.startsWith('oidc.') && path === '/token' && json.grantType === 'refresh_token'
        ? 'oidc'
        : host.endsWith('.kiro.dev') && path === '/refreshToken'
          ? 'social'
          : 'other';
    calls.push({
      host,
      method: req.method ?? '',
      path,
      kind,
      refreshToken: typeof json.refreshToken === 'string' ? json.refreshToken : undefined,
      hasClientCredentials: typeof json.clientId === 'string' && typeof json.clientSecret === 'string',
    });
    if (kind === 'other') {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"message":"not served by the token stand-in"}');
      return;
    }
    const accessToken = `standin-access-${randomBytes(12).toString('hex')}`;
    const refreshToken = `standin-refresh-${randomBytes(12).toString('hex')}`;
    issued.push(accessToken, refreshToken);
    const answer =
      kind === 'oidc'
        ? { accessToken, refreshToken, expiresIn: state.expiresIn, tokenType: 'Bearer' }
        : {
            accessToken,
            refreshToken,
            expiresIn: state.expiresIn,
            profileArn: 'arn:aws:codewhisperer:us-east-1:000000000000:profile/STANDIN',
          };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  });

  const proxy: Server = createServer((_req, res) => {
    res.writeHead(405);
    res.end('CONNECT only');
  });
  proxy.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? '';
    tunnels.push(target);
    const host = target.split(':')[0] ?? '';
    if (!TOKEN_HOSTS.includes(host)) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) client.unshift(head);
    const tls = new TLSSocket(client, { isServer: true, key: pem.leafKey, cert: pem.leafCert });
    (tls as TLSSocket & { standinHost?: string }).standinHost = host;
    tls.on('error', () => client.destroy());
    inner.emit('connection', tls);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address() as AddressInfo;
  const proxyUrl = `http://127.0.0.1:${address.port}`;
  return {
    proxyUrl,
    caFile,
    address,
    serverEnv: {
      HTTPS_PROXY: proxyUrl,
      https_proxy: proxyUrl,
      HTTP_PROXY: proxyUrl,
      http_proxy: proxyUrl,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      SSL_CERT_FILE: caFile,
    },
    calls,
    tunnels,
    issued,
    get expiresIn() {
      return state.expiresIn;
    },
    set expiresIn(v: number) {
      state.expiresIn = v;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      inner.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
