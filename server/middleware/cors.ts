/**
 * CORS for widget (public-key) calls. A preflight carries no key, so it only learns which headers
 * and methods the API accepts; the actual answer gets `Access-Control-Allow-Origin` only after
 * authentication has checked the Origin against that website's allowed origins (see authenticate).
 */
import type { RequestHandler, Response } from 'express';

const ALLOWED_HEADERS = 'Content-Type, X-Public-Key, X-Visitor-Id';
const ALLOWED_METHODS = 'GET, POST, PATCH, PUT, DELETE';

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
  res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  res.setHeader('Vary', 'Origin');
}
