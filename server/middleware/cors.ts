/**
 * CORS for calls from pages of other origins: the widget's (public key) and a company's own pages
 * (a member token). A preflight carries no key, so it only learns which headers and methods the
 * API accepts; the actual answer gets `Access-Control-Allow-Origin` only after authentication has
 * checked the Origin against that website's allowed origins (see authenticate), or, for an error
 * answered before it did, once `allowOriginOfErrors` has checked it the same way.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { originAllowed, UnknownPublicKeyError } from '../auth';
import type { StoreDirectory } from '../directory';

/**
 * The credentials (a widget's; a member token or the secret key with its actor), a retry's key, and
 * what a download's range and revalidation send (a suffix range is not CORS-safelisted), and the
 * `If-Match` of a settings write (a company's own settings page holds to what it read). Allowing
 * `Authorization` hands another origin nothing: the API reads no cookies and never answers
 * `Access-Control-Allow-Credentials`, so a page can only send a token it holds itself.
 */
const ALLOWED_HEADERS =
  'Content-Type, Authorization, X-Actor-User-Id, Idempotency-Key, X-Public-Key, X-Visitor-Id, Range, If-None-Match, If-Modified-Since, If-Range, If-Match';
const ALLOWED_METHODS = 'GET, POST, PATCH, PUT, DELETE';
/**
 * Answer headers a widget reads beyond those CORS lets through anyway (Content-Type, Content-Length,
 * Cache-Control): how long to wait after a 429 or 503, a download's file name, tag and range (to
 * resume it or revalidate it), the encoding an upload refused with a 415 must be sent in, and the
 * request's id (to quote when reporting a failure).
 */
const EXPOSED_HEADERS = 'Retry-After, Content-Disposition, ETag, Accept-Ranges, Content-Range, Accept-Encoding, X-Request-Id';

export const preflight: RequestHandler = (req, res, next) => {
  const origin = req.headers.origin;
  if (req.method !== 'OPTIONS' || !origin || !req.headers['access-control-request-method']) return next();
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
  res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
  res.setHeader('Access-Control-Max-Age', '600');
  res.vary('Origin');
  res.status(204).end();
};

/**
 * Tells caches that this answer's CORS headers were decided by the page's Origin and by the website
 * its public key names (each allows its own origins), merged with whatever else it varies by. Set
 * on every widget answer, with or without the headers: a copy kept for one origin or key must not
 * serve another.
 */
export function varyByWidgetCors(res: Response): void {
  res.vary('Origin');
  res.vary('X-Public-Key');
}

/** Lets the calling origin read this answer; only called once the origin is known to be allowed. */
export function allowOrigin(res: Response, origin: string): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  varyByWidgetCors(res);
}

/** The public key a widget's call carries: its header, or a download's query parameter. */
function publicKeyOf(req: Request): string | undefined {
  const key = req.headers['x-public-key'] ?? req.query.publicKey;
  return typeof key === 'string' && key !== '' ? key : undefined;
}

/**
 * Lets an allowed origin read an error answer to a widget's call that authentication did not get
 * to (the per-IP rate limit runs before it, a `405` or a `404` after every router, authentication's
 * own refusals): without `Access-Control-Allow-Origin` the page's fetch fails as if the network had,
 * and it can tell neither the status nor how long to wait. The origin is checked against the
 * public key's website as authentication checks it, as this instance last read that website (if
 * lately: `lastReadWebsiteByPublicKey`). It never reads the store for the key a request names:
 * many of these errors (a `404` or `405` outside `/v1`, a `429`) pass no rate limit, so any key
 * would cost a read. A key no website has (authentication's `401`), and a call with a bearer
 * (a company's page with a member token), are judged by this server's own website instead, so
 * that a page on an allowed origin learns its key or token is wrong rather than guess its origin
 * was refused: that is always the same key, read at most once per cache lifetime.
 */
export function allowOriginOfErrors(directory: Pick<StoreDirectory, 'lastReadWebsiteByPublicKey' | 'websiteByPublicKey'>, ownPublicKey: string): ErrorRequestHandler {
  return async (err, req, res, next) => {
    const publicKey = publicKeyOf(req);
    const bearer = req.headers.authorization !== undefined;
    if ((!publicKey && !bearer) || res.headersSent) return next(err);
    varyByWidgetCors(res);
    const origin = req.headers.origin;
    if (!origin || res.hasHeader('Access-Control-Allow-Origin')) return next(err);
    // A bearer's website is unknown until authentication finds it (and a refused one has none).
    const website =
      publicKey && !(err instanceof UnknownPublicKeyError)
        ? directory.lastReadWebsiteByPublicKey(publicKey)
        : await directory.websiteByPublicKey(ownPublicKey).catch(() => undefined);
    if (website && originAllowed(website, origin)) allowOrigin(res, origin);
    next(err);
  };
}
