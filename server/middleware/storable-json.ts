/**
 * Refuses JSON bodies the store could not keep as sent, with a 400 naming where:
 * - nested deeper than a limit: a body ends up inside an item or a conversation, MongoDB refuses
 *   documents nested past 100 levels, and the BSON encoder would overflow its stack long before a
 *   byte limit is reached (`[` is one byte);
 * - a string, or a key, holding a lone UTF-16 surrogate (`"\ud800"` is valid JSON): UTF-8 cannot
 *   hold one, so the store would keep U+FFFD instead, and what was acknowledged would differ from
 *   what a retry, a removal or a reader compares it with;
 * - a key holding NUL: BSON ends keys with it, so the driver refuses the document;
 * - a key named `__proto__`: JSON.parse keeps it, but copying the body into plain objects (the
 *   request schemas do) sets a prototype instead, so the key and its value would silently vanish.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../../domain/errors';
import type { FieldIssue } from '../http-errors';

export const MAX_JSON_DEPTH = 32;

/** With the `u` flag a well-formed pair is one code point: this matches lone surrogates only. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** An object or array met in the walk, linked to its parent: the path is spelled out for a refusal alone. */
interface Container {
  value: object;
  depth: number;
  key: string | number;
  parent?: Container;
}

const LONE_SURROGATE_MESSAGE = 'holds a lone UTF-16 surrogate, which UTF-8 cannot encode';

function keyIssue(key: string): string | undefined {
  if (key.includes('\u0000')) return 'has a key holding NUL';
  if (key === '__proto__') return 'has a key named __proto__';
  return LONE_SURROGATE.test(key) ? `has a key that ${LONE_SURROGATE_MESSAGE}` : undefined;
}

/**
 * The first place in `value` the store could not keep as sent (see above), if any. Scalars cost
 * no allocation: only objects and arrays become containers, and a path is built for a refusal.
 */
export function unstorableAt(value: unknown, maxDepth = MAX_JSON_DEPTH): FieldIssue | undefined {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? { path: 'body', message: LONE_SURROGATE_MESSAGE } : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  const stack: Container[] = [{ value, depth: 0, key: 'body' }];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.depth === maxDepth) return { path: pathOf(current), message: `nested deeper than ${maxDepth} levels` };
    const visit = (key: string | number, child: unknown): FieldIssue | undefined => {
      if (typeof child === 'string') {
        if (LONE_SURROGATE.test(child)) return { path: `${pathOf(current)}.${key}`, message: LONE_SURROGATE_MESSAGE };
      } else if (child !== null && typeof child === 'object') {
        stack.push({ value: child, depth: current.depth + 1, key, parent: current });
      }
      return undefined;
    };
    if (Array.isArray(current.value)) {
      const list: unknown[] = current.value;
      for (let index = 0; index < list.length; index++) {
        const found = visit(index, list[index]);
        if (found) return found;
      }
    } else {
      const record = current.value as Record<string, unknown>;
      for (const key in record) {
        if (!Object.hasOwn(record, key)) continue;
        const issue = keyIssue(key);
        if (issue) return { path: pathOf(current), message: issue };
        const found = visit(key, record[key]);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function pathOf(container: Container): string {
  const keys: Array<string | number> = [];
  for (let at: Container | undefined = container; at; at = at.parent) keys.unshift(at.key);
  return keys.join('.');
}

export const refuseUnstorableJson: RequestHandler = (req, _res, next) => {
  const issue = unstorableAt(req.body);
  if (issue === undefined) return next();
  next(new AppError('ERR_INVALID_INPUT', `Invalid input: ${issue.path} ${issue.message}`, { fields: [issue] }));
};
