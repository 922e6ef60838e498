// The comparison expressions of aggregation ($eq, $ne, $gt, $gte, $lt, $lte, $cmp, $in, and $max and
// $min of expressions), as MongoDB evaluates them: whole values in BSON order, across types too. An
// array is a value like any other (`{$eq: ['$f', 'a']}` is false for f: ['a', 'b']), unlike the
// query operators, which match an array's elements. mingo's expression operators work like its
// query operators, so the embedded server runs these in their place (mingo-context.ts), and the
// compiled expressions use them too.
import type { Document } from 'bson';
import { evalExpr } from 'mingo/core';
import type { Options } from 'mingo/types';
import { assert } from 'mingo/util';
import { compareBson, typeRank } from './bson-order';
import { isPlainObject } from './value-kinds';

/** MongoDB places a missing value between MinKey (rank 1) and null (rank 2). */
const MISSING_RANK = 1.5;

const rankOf = (value: unknown): number => (value === undefined ? MISSING_RANK : typeRank(value));

/** MongoDB's order of two expression values; missing (undefined) equals only missing. */
export function compareValues(a: unknown, b: unknown): number {
  if (a !== undefined && b !== undefined) return compareBuilt(a, b);
  return Math.sign(rankOf(a) - rankOf(b));
}

/**
 * Two values in BSON order, each read as MongoDB would have built it. mingo keeps a missing
 * (undefined) value inside the arrays and documents it builds (`{x: '$missing'}`, `['$missing']`,
 * $map, $addFields); MongoDB leaves such a field out of a document and holds null in an array.
 * Read that way while comparing, never copied: a value with nothing missing costs no extra work.
 */
function compareBuilt(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (Array.isArray(a)) {
    if (Array.isArray(b)) return compareArrays(a, b);
  } else if (isPlainObject(a) && isPlainObject(b)) {
    return compareDocuments(a, b);
  }
  return compareBson(a, b);
}

/** An array's element as MongoDB holds it: null where mingo left a missing value. */
const element = (value: unknown): unknown => (value === undefined ? null : value);

function compareArrays(a: unknown[], b: unknown[]): number {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) {
    const order = compareBuilt(element(a[i]), element(b[i]));
    if (order !== 0) return order;
  }
  return Math.sign(a.length - b.length);
}

/** As bson-order.ts compares documents (field by field: type, name, value), without the fields mingo left undefined. */
function compareDocuments(a: Document, b: Document): number {
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < keysA.length && a[keysA[i]!] === undefined) i++;
    while (j < keysB.length && b[keysB[j]!] === undefined) j++;
    if (i === keysA.length || j === keysB.length) return (i < keysA.length ? 1 : 0) - (j < keysB.length ? 1 : 0);
    const ka = keysA[i++]!;
    const kb = keysB[j++]!;
    const byType = typeRank(a[ka]) - typeRank(b[kb]);
    if (byType !== 0) return Math.sign(byType);
    if (ka !== kb) return ka < kb ? -1 : 1;
    const byValue = compareBuilt(a[ka], b[kb]);
    if (byValue !== 0) return byValue;
  }
}

type Operator = (obj: object, expr: unknown, options: Options) => unknown;

/** The two argument values; mingo's check and message for any other argument list. */
function evalPair(name: string, obj: object, expr: unknown, options: Options): unknown[] {
  assert(Array.isArray(expr) && expr.length === 2, `${name} expects array(2)`);
  return evalExpr(obj, expr, options) as unknown[];
}

const comparison =
  (name: string, accepts: (order: number) => boolean | number): Operator =>
  (obj, expr, options) => {
    const [a, b] = evalPair(name, obj, expr, options);
    return accepts(compareValues(a, b));
  };

/**
 * `$max` / `$min` of expressions: of the argument values (or of the elements of a single argument's
 * array), the greatest / least, leaving null and missing values out; null when none is left.
 * mingo sorts them with JavaScript's sort, which places a missing value last whatever the order, so
 * `{$max: ['$missing', 3]}` was null.
 */
const extreme =
  (sign: 1 | -1): Operator =>
  (obj, expr, options) => {
    const value = evalExpr(obj, expr, options);
    const args = Array.isArray(expr) ? (value as unknown[]) : [value];
    const values = args.length === 1 && Array.isArray(args[0]) ? (args[0] as unknown[]) : args;
    return values.reduce<unknown>((best, v) => (v === undefined || v === null || (best !== null && sign * compareValues(v, best) <= 0) ? best : v), null);
  };

/** Operators to put in place of mingo's expression operators of the same names. */
export const COMPARISON_EXPRESSIONS: Record<string, Operator> = {
  $eq: comparison('$eq', (order) => order === 0),
  $ne: comparison('$ne', (order) => order !== 0),
  $gt: comparison('$gt', (order) => order > 0),
  $gte: comparison('$gte', (order) => order >= 0),
  $lt: comparison('$lt', (order) => order < 0),
  $lte: comparison('$lte', (order) => order <= 0),
  $cmp: comparison('$cmp', (order) => order),
  $in: (obj, expr, options) => {
    const [value, array] = evalPair('$in', obj, expr, options);
    assert(Array.isArray(array), '$in arg2 <array>');
    // An array holds null for a missing element (`['$missing']` is `[null]`).
    return (array as unknown[]).some((item) => compareValues(element(item), value) === 0);
  },
  $max: extreme(1),
  $min: extreme(-1),
};
