// A local stand-in for Slack's Socket Mode WebSocket: greets clients with hello, delivers envelopes
// (slash_commands, interactive) and resolves with the client's ack for each.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface SocketAck {
  envelope_id: string;
  payload?: unknown;
}

export interface FakeSocket {
  url: string;
  /** Resolves once a client has connected and been sent hello. */
  connected(): Promise<void>;
  deliver(type: 'slash_commands' | 'interactive', payload: unknown, timeoutMs?: number): Promise<SocketAck>;
  close(): Promise<void>;
}

export async function startFakeSocket(): Promise<FakeSocket> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const { port } = wss.address() as AddressInfo;
  const pending = new Map<string, (ack: SocketAck) => void>();
  let client: WebSocket | undefined;
  let onConnect: (() => void) | undefined;
  let counter = 0;

  wss.on('connection', (ws) => {
    client = ws;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as SocketAck;
      pending.get(msg.envelope_id)?.(msg);
      pending.delete(msg.envelope_id);
    });
    ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A0AUTHBOT' } }));
    onConnect?.();
  });

  return {
    url: `ws://127.0.0.1:${port}/`,
    connected: () =>
      client
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onConnect = resolve;
          }),
    deliver(type, payload, timeoutMs = 5000) {
      if (!client) return Promise.reject(new Error('no Socket Mode client connected'));
      counter += 1;
      const envelopeId = `env-${counter}`;
      const ws = client;
      return new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ack for ${envelopeId} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        pending.set(envelopeId, (ack) => {
          clearTimeout(timer);
          resolve(ack);
        });
        ws.send(
          JSON.stringify({
            envelope_id: envelopeId,
            type,
            payload,
            accepts_response_payload: type === 'slash_commands',
          }),
        );
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}
