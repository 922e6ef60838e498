/**
 * Refuses JSON bodies nested deeper than a limit, with a 400 naming where. A body ends up stored
 * inside an item or a conversation, and MongoDB refuses documents nested past 100 levels; the BSON
 * encoder would overflow its stack long before a body limit of bytes is reached (`[` is one byte).
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../domain/errors';

export const MAX_JSON_DEPTH = 32;

/** An object or array met in the walk, linked to its parent: the path is spelled out for a refusal alone. */
interface Container {
  value: object;
  depth: number;
  key: string | number;
  parent?: Container;
}

/** The path to a value nested deeper than `maxDepth` (objects and arrays count), if any. */
export function tooDeepAt(value: unknown, maxDepth: number): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const stack: Container[] = [{ value, depth: 0, key: 'body' }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.depth === maxDepth) return pathOf(current);
    if (Array.isArray(current.value)) current.value.forEach((child, index) => pushContainer(stack, child, index, current));
    else for (const [key, child] of Object.entries(current.value)) pushContainer(stack, child, key, current);
  }
  return undefined;
}

function pushContainer(stack: Container[], value: unknown, key: string | number, parent: Container): void {
  if (value !== null && typeof value === 'object') stack.push({ value, depth: parent.depth + 1, key, parent });
}

function pathOf(container: Container): string {
  const keys: Array<string | number> = [];
  for (let at: Container | undefined = container; at; at = at.parent) keys.unshift(at.key);
  return keys.join('.');
}

export const refuseDeepJson: RequestHandler = (req, _res, next) => {
  const path = tooDeepAt(req.body, MAX_JSON_DEPTH);
  if (path === undefined) return next();
  next(new AppError('ERR_INVALID_INPUT', `JSON bodies are nested at most ${MAX_JSON_DEPTH} levels deep`, { fields: [{ path, message: `nested deeper than ${MAX_JSON_DEPTH} levels` }] }));
};
