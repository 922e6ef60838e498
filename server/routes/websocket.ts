import { Router } from 'express';
import { AppError } from '../../domain/errors';

/**
 * `/ws` asked as a plain request, without `Upgrade` (a browser's address bar, a probe): the
 * endpoint is there, but only as a WebSocket, so it is a `426` saying so (RFC 9110 §15.5.22),
 * not a `404`. A request with `Upgrade` never gets here: Node hands it to the socket server.
 */
export function webSocketRoutes(): Router {
  const router = Router();
  router.get('/', (_req, res, next) => {
    res.setHeader('Upgrade', 'websocket');
    // `Upgrade` must be listed in Connection, but a close the client asked for (or HTTP/1.0 without
    // keep-alive) or the shutdown drain set must stay: Node ends the connection on a `close` here.
    const closing = !res.shouldKeepAlive || /\bclose\b/i.test(String(res.getHeader('Connection') ?? ''));
    res.setHeader('Connection', closing ? 'Upgrade, close' : 'Upgrade');
    next(new AppError('ERR_UPGRADE_REQUIRED', '/ws is a WebSocket endpoint: open it as a WebSocket (a GET with Upgrade: websocket, Connection: Upgrade, Sec-WebSocket-Key and Sec-WebSocket-Version: 13)'));
  });
  return router;
}
