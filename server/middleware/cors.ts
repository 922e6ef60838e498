/**
 * CORS for widget (public-key) calls. A preflight carries no key, so it only learns which headers
 * and methods the API accepts; the actual answer gets `Access-Control-Allow-Origin` only after
 * authentication has checked the Origin against that website's allowed origins (see authenticate).
 */
import type { RequestHandler, Response } from 'express';

/** Besides the credentials, what a download's range and revalidation send (a suffix range is not CORS-safelisted). */
const ALLOWED_HEADERS = 'Content-Type, X-Public-Key, X-Visitor-Id, Range, If-None-Match, If-Range';
const ALLOWED_METHODS = 'GET, POST, PATCH, PUT, DELETE';
/**
 * Answer headers a widget reads beyond those CORS lets through anyway (Content-Type, Content-Length,
 * Cache-Control): how long to wait after a 429 or 503, a download's file name, tag and range (to
 * resume it or revalidate it), and the encoding an upload refused with a 415 must be sent in.
 */
const EXPOSED_HEADERS = 'Retry-After, Content-Disposition, ETag, Accept-Ranges, Content-Range, Accept-Encoding';

export const preflight: RequestHandler = (req, res, next) => {
  const origin = req.headers.origin;
  if (req.method !== 'OPTIONS' || !origin || !req.headers['access-control-request-method']) return next();
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Allow-Methods', ALLOWED_METHODS);
  res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
  res.setHeader('Access-Control-Max-Age', '600');
  res.setHeader('Vary', 'Origin');
  res.status(204).end();
};

/** Lets the calling origin read this answer; only called once the origin is known to be allowed. */
export function allowOrigin(res: Response, origin: string): void {
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
  res.setHeader('Vary', 'Origin');
}
