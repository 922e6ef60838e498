/**
 * Where the browser tests open the pages. When the app serves them itself (the pages router
 * mounted in the server), that is the app's own URL. Until then, a small front server on port 0
 * serves the pages and passes `/v1` and `/ws` through to the app, so the pages and the API share
 * one origin as they do in production.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import express from 'express';
import { createPagesRouter } from '../../../web/static-routes';

export interface PagesOrigin {
  url: string;
  close(): Promise<void>;
}

interface AppAddress {
  url: string;
  port: number;
  keys: { publicKey: string; secretKey: string };
}

const isApiPath = (url = '') => url.startsWith('/v1/') || url === '/v1' || url.startsWith('/ws');

function forward(app: AppAddress, req: IncomingMessage, res: ServerResponse): void {
  const upstream = request({ host: '127.0.0.1', port: app.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => res.destroy());
  req.pipe(upstream);
}

async function startFront(app: AppAddress): Promise<Server> {
  const pages = express().use(createPagesRouter({ publicKey: app.keys.publicKey, demoSecretKey: app.keys.secretKey }));
  const server = createServer((req, res) => (isApiPath(req.url) ? forward(app, req, res) : pages(req, res)));
  // WebSocket upgrades: replay the request line and headers to the app, then splice the sockets.
  const tunnels = new Set<Socket>();
  server.on('close', () => tunnels.forEach((tunnel) => tunnel.destroy()));
  server.on('upgrade', (req, socket, head) => {
    const upstream = connect(app.port, '127.0.0.1', () => {
      const headers = Object.entries(req.headers).map(([key, value]) => `${key}: ${String(value)}`);
      upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket).pipe(upstream);
    });
    tunnels.add(upstream);
    upstream.on('close', () => tunnels.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

export async function pagesOrigin(app: AppAddress): Promise<PagesOrigin> {
  const served = await fetch(`${app.url}/config.js`).then((r) => r.ok, () => false);
  if (served) return { url: app.url, close: async () => undefined };
  const front = await startFront(app);
  return {
    url: `http://127.0.0.1:${(front.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        front.closeAllConnections();
        front.close(() => resolve());
      }),
  };
}
