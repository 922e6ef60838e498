/**
 * Every request has an id: the `X-Request-Id` a proxy in front gave it, or one made here when none
 * came, when it came from a peer that is no trusted proxy (`TRUST_PROXY`: a client choosing the id
 * could make its lines pass for another request's), or when it is not shaped as an id (it could
 * otherwise put anything in the log).
 * It is echoed as `X-Request-Id` on every answer, so a client reporting a failure can quote it, and
 * carried by every line `req.log` writes, so the error lines of a request meet its access line.
 */
import { randomUUID } from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import type { Logger } from 'pino';

/** What a proxy's id looks like (a UUID, nginx's hex, a trace id): at most 128 characters, none that needs quoting. */
const REQUEST_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/;

declare module 'express-serve-static-core' {
  interface Request {
    /** The request's id (request-id.ts). */
    id: string;
    /** The server's logger, each line carrying `requestId`; made on first use, so a request that logs nothing pays nothing for it. */
    readonly log: Logger;
  }
}

/** The id of a request that came with `header`: the header when it is shaped as an id, else a new one. */
export const requestIdOf = (header: string | string[] | undefined): string => (typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID());

/** Gives `app`'s requests their id and `req.log`; to mount before anything that logs or answers. */
export function requestIds(app: Express, log: Logger): RequestHandler {
  Object.defineProperty(app.request, 'log', {
    configurable: true,
    get(this: Request): Logger {
      const child = log.child({ requestId: this.id });
      Object.defineProperty(this, 'log', { value: child });
      return child;
    },
  });
  return (req, res, next) => {
    const trusted = app.get('trust proxy fn') as (address: string, hop: number) => boolean;
    const fromProxy = trusted(req.socket.remoteAddress ?? '', 0);
    req.id = requestIdOf(fromProxy ? req.headers['x-request-id'] : undefined);
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}
