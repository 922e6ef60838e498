/**
 * Refuses JSON bodies nested deeper than a limit, with a 400 naming where. A body ends up stored
 * inside an item or a conversation, and MongoDB refuses documents nested past 100 levels; the BSON
 * encoder would overflow its stack long before a body limit of bytes is reached (`[` is one byte).
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../domain/errors';

export const MAX_JSON_DEPTH = 32;

/** The path of the first value nested deeper than `maxDepth` (objects and arrays count), if any. */
export function tooDeepAt(value: unknown, maxDepth: number): string | undefined {
  const stack: Array<[value: unknown, depth: number, path: string]> = [[value, 0, 'body']];
  while (stack.length > 0) {
    const [current, depth, path] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth === maxDepth) return path;
    for (const [key, child] of Object.entries(current)) stack.push([child, depth + 1, `${path}.${key}`]);
  }
  return undefined;
}

export const refuseDeepJson: RequestHandler = (req, _res, next) => {
  const path = tooDeepAt(req.body, MAX_JSON_DEPTH);
  if (path === undefined) return next();
  next(new AppError('ERR_INVALID_INPUT', `JSON bodies are nested at most ${MAX_JSON_DEPTH} levels deep`, { fields: [{ path, message: `nested deeper than ${MAX_JSON_DEPTH} levels` }] }));
};
