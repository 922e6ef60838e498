/**
 * The router decodes path parameters with decodeURIComponent and fails a request whose parameter
 * is not percent-encoded UTF-8 (`/v1/conversations/%ff`) before any route runs, with no word of
 * which parameter. Escaping the `%` of such a path segment hands the route the segment as sent,
 * and the route's params schema (`pathParams`) refuses it naming the parameter (`params.id`).
 */
import type { RequestHandler } from 'express';
import { isDecodable } from '../percent-decoding';

const escapeSegment = (segment: string): string => (isDecodable(segment) ? segment : segment.replaceAll('%', '%25'));

export const escapeUndecodablePath: RequestHandler = (req, _res, next) => {
  const queryAt = req.url.indexOf('?');
  const path = queryAt === -1 ? req.url : req.url.slice(0, queryAt);
  if (path.includes('%')) req.url = path.split('/').map(escapeSegment).join('/') + req.url.slice(path.length);
  next();
};
