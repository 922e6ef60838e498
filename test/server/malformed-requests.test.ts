import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { answerMalformedRequests } from '../../server/malformed-requests';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function listening(): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((_req, res) => res.end('ok'));
  answerMalformedRequests(server);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

const openConnections = (server: http.Server) => new Promise<number>((resolve, reject) => server.getConnections((err, count) => (err ? reject(err) : resolve(count))));

describe('answerMalformedRequests', () => {
  it('answers a request the parser refuses with a JSON error and closes the connection, even when the client keeps its end open', async () => {
    const { server, port } = await listening();
    const clients = await Promise.all(
      Array.from({ length: 5 }, () =>
        new Promise<{ socket: net.Socket; answer: Promise<string> }>((resolve) => {
          const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => {
            socket.write('NOT A REQUEST\r\n\r\n');
            let text = '';
            const answer = new Promise<string>((done) => {
              socket.on('data', (chunk) => (text += chunk.toString()));
              socket.on('end', () => done(text));
            });
            resolve({ socket, answer });
          });
        }),
      ),
    );
    for (const { answer } of clients) expect(await answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*\r\nCache-Control: no-store\r\n[\s\S]*"code":"ERR_INVALID_INPUT"/);
    // Destroyed as it was answered: the server's count goes down once each socket has closed, a moment later.
    await expect.poll(() => openConnections(server), { timeout: 2_000 }).toBe(0);
    for (const { socket } of clients) socket.destroy();
  });
});
