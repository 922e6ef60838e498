// The comparison expressions of aggregation ($eq, $ne, $gt, $gte, $lt, $lte, $cmp, $in), as MongoDB
// evaluates them: whole values in BSON order, across types too. An array is a value like any other
// (`{$eq: ['$f', 'a']}` is false for f: ['a', 'b']), unlike the query operators, which match an
// array's elements. mingo's expression operators work like its query operators, so the embedded
// server runs these in their place (mingo-context.ts), and the compiled expressions use them too.
import { evalExpr } from 'mingo/core';
import type { Options } from 'mingo/types';
import { assert } from 'mingo/util';
import { compareBson, typeRank } from './bson-order';

/** MongoDB places a missing value between MinKey (rank 1) and null (rank 2). */
const MISSING_RANK = 1.5;

const rankOf = (value: unknown): number => (value === undefined ? MISSING_RANK : typeRank(value));

/** MongoDB's order of two expression values; missing (undefined) equals only missing. */
export function compareValues(a: unknown, b: unknown): number {
  if (a !== undefined && b !== undefined) return compareBson(a, b);
  return Math.sign(rankOf(a) - rankOf(b));
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
    return (array as unknown[]).some((element) => compareValues(element, value) === 0);
  },
};
