import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { Caller } from '../../../server/caller';
import { Connection } from '../../../server/realtime/connection';

const caller = { kind: 'visitor', website: { id: 'web_1' }, visitorId: 'vis_1' } as unknown as Caller;

async function connected(): Promise<{ server: Connection; client: WebSocket; received: string[]; close(): Promise<void> }> {
  const httpServer = http.createServer();
  const wss = new WebSocketServer({ server: httpServer });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const serverSide = new Promise<Connection>((resolve) => wss.once('connection', (ws) => resolve(new Connection(ws, caller, 1 << 20, pino({ level: 'silent' })))));
  const client = new WebSocket(`ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}`);
  const received: string[] = [];
  client.on('message', (data, isBinary) => received.push(isBinary ? `binary:${data.toString()}` : data.toString()));
  await new Promise((resolve) => client.once('open', resolve));
  return {
    server: await serverSide,
    client,
    received,
    async close() {
      client.terminate();
      wss.close();
      await new Promise((resolve) => httpServer.close(resolve));
    },
  };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
};

describe('Connection', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(() => close?.());

  it('delivers every frame sent in one turn, in order and as text, and the ones of later turns too', async () => {
    const c = await connected();
    close = c.close;
    for (let i = 0; i < 100; i++) c.server.send(i % 2 ? `{"n":${i}}` : Buffer.from(`{"n":${i}}`));
    await until(() => c.received.length === 100);
    expect(c.received).toEqual(Array.from({ length: 100 }, (_, i) => `{"n":${i}}`));
    c.server.send('{"n":"later"}');
    await until(() => c.received.length === 101);
    expect(c.received.at(-1)).toBe('{"n":"later"}');
  });

  it('delivers a burst larger than the backlog limit sent in one turn to a client that reads (a change-stream batch)', async () => {
    const c = await connected();
    close = c.close;
    const frame = `{"pad":"${'x'.repeat(1000)}"}`;
    for (let i = 0; i < 2000; i++) c.server.send(frame); // ~2 MiB, twice the limit
    await until(() => c.received.length === 2000);
    expect(c.received.length).toBe(2000);
    expect(c.client.readyState).toBe(WebSocket.OPEN);
  });

  it('closes a client that does not read once the backlog left from earlier turns passes the limit (1013)', async () => {
    const c = await connected();
    close = c.close;
    const closed = new Promise<number>((resolve) => c.client.once('close', (code) => resolve(code)));
    (c.client as unknown as { _socket: { pause(): void } })._socket.pause();
    const frame = `{"pad":"${'x'.repeat(64 * 1024)}"}`;
    for (let turn = 0; turn < 400 && c.server.isOpen; turn++) {
      c.server.send(frame);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(c.server.isOpen).toBe(false);
    (c.client as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await closed).toBe(1013);
  });
});
