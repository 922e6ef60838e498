import type { RequestHandler, Router } from 'express';
import { allowedMethods } from '../allowed-methods';

/**
 * A plain `OPTIONS` (a CORS preflight is answered before, by `preflight`) to a path some route of
 * `app` takes: `204` with the methods it takes in `Allow`, as a `405` names them, before any
 * credentials are asked for. A path no route takes goes on to its `404`.
 */
export function answerOptions(app: Router): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'OPTIONS') return next();
    const allowed = allowedMethods(app, req.path);
    if (allowed.length === 0) return next();
    res.setHeader('Allow', allowed.join(', '));
    res.status(204).end();
  };
}
