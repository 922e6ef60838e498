// How compiled expressions (expression-compiler.ts) read and judge values: as mingo does, and only
// for values where mingo also agrees with MongoDB. On any other value they give up (throw UNDECIDED)
// and the whole document goes to mingo: NaN's truth, a date in a set, a BSON value on a field path,
// a nested array there … (Comparisons need no such care: mingo runs MongoDB's, expression-comparison.ts.)
import { isJsonScalar, isPlainObject } from './value-kinds';

/** Thrown by a compiled expression on a value it leaves to mingo; returned by the compiled closure. */
export const UNDECIDED: unique symbol = Symbol('undecided');

export function giveUp(): never {
  throw UNDECIDED;
}

/** Truth as $and, $or, $cond and $expr judge it (mingo takes NaN for false, MongoDB for true). */
export function truthy(value: unknown): boolean {
  switch (typeof value) {
    case 'boolean':
      return value;
    case 'undefined':
      return false;
    case 'string':
      return true;
    case 'number':
      return Number.isNaN(value) ? giveUp() : value !== 0;
    case 'object':
      if (value === null) return false;
      if (Array.isArray(value) || value instanceof Date || isPlainObject(value)) return true;
  }
  return giveUp();
}

/** A set operator's element: mingo hashes only primitives by value, as JavaScript's Set does. */
function checkSetElement(value: unknown): void {
  if (!isJsonScalar(value)) giveUp();
}

/** Arrays up to this length are scanned; longer ones are looked up in a Set (which costs more to build). */
const SCAN_LIMIT = 32;

/**
 * $setDifference of two arrays: the distinct elements of `kept` not in `removed`, in first-seen
 * order, as mingo's Map keys give them (SameValueZero, -0 stored as 0).
 */
export function setDifference(kept: unknown[], removed: unknown[]): unknown[] {
  for (const value of removed) checkSetElement(value);
  const excluded = removed.length > SCAN_LIMIT ? new Set(removed) : undefined;
  const seen = kept.length > SCAN_LIMIT ? new Set<unknown>() : undefined;
  const out: unknown[] = [];
  for (const value of kept) {
    checkSetElement(value);
    if (excluded ? excluded.has(value) : removed.includes(value)) continue;
    if (seen ? seen.has(value) : out.includes(value)) continue;
    seen?.add(value);
    out.push(value === 0 ? 0 : value);
  }
  return out;
}

/**
 * The value at `path` (from index `from`) below `value`, read as a MongoDB field path: through an
 * array, the values read below each of its documents. Non-document elements are skipped, as MongoDB
 * does; nested arrays (mingo keeps them whole) and BSON values (mingo reads their properties) give up.
 */
export function readPath(value: unknown, path: readonly string[], from = 0): unknown {
  for (let i = from; i < path.length; i++) {
    if (Array.isArray(value)) return readThroughArray(value, path, i);
    if (value === null || typeof value !== 'object') return undefined;
    if (!isPlainObject(value)) giveUp();
    const field = path[i]!;
    value = Object.hasOwn(value, field) ? (value as Record<string, unknown>)[field] : undefined;
  }
  return value;
}

function readThroughArray(array: unknown[], path: readonly string[], from: number): unknown[] {
  const found: unknown[] = [];
  for (const element of array) {
    if (element === null || typeof element !== 'object') continue;
    if (!isPlainObject(element)) giveUp();
    const value = readPath(element, path, from);
    if (value !== undefined) found.push(value);
  }
  return found;
}
