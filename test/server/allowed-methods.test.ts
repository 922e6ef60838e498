import express, { Router, type RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { allowedMethods } from '../../server/allowed-methods';

const handler: RequestHandler = (_req, res) => void res.end();

/** An app shaped as the server's: middleware first, then routers mounted under paths and at the root. */
function app() {
  const things = Router();
  things.use((_req, _res, next) => next());
  things.get('/', handler);
  things.post('/', handler);
  things.get('/:id', handler);
  things.delete('/:id/tags/:tag', handler);
  const pages = Router();
  pages.get('/inbox', handler);
  const built = express();
  built.use((_req, _res, next) => next());
  built.use('/v1/things', things);
  built.use(pages);
  return { built, things };
}

describe('allowedMethods', () => {
  it('reads the methods of every route on the path, in mounted routers too, with HEAD where there is GET, and OPTIONS', () => {
    const { built } = app();
    expect(allowedMethods(built.router, '/v1/things')).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
    expect(allowedMethods(built.router, '/v1/things/')).toEqual(['GET', 'HEAD', 'OPTIONS', 'POST']);
    expect(allowedMethods(built.router, '/v1/things/a%20b')).toEqual(['GET', 'HEAD', 'OPTIONS']);
    expect(allowedMethods(built.router, '/v1/things/a/tags/b')).toEqual(['DELETE', 'OPTIONS']);
    expect(allowedMethods(built.router, '/inbox')).toEqual(['GET', 'HEAD', 'OPTIONS']);
  });

  it('finds none on a path no route takes, nor on one whose parameter does not decode', () => {
    const { built } = app();
    for (const path of ['/v1/things/a/b', '/v1', '/v1/thing', '/', '/v1/things/%ff']) expect(allowedMethods(built.router, path), path).toEqual([]);
  });

  it('knows a route added after the app was built, with no list to update', () => {
    const { built, things } = app();
    things.put('/:id/archive', handler);
    expect(allowedMethods(built.router, '/v1/things/a/archive')).toEqual(['OPTIONS', 'PUT']);
  });
});
