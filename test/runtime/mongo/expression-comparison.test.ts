import { MaxKey, MinKey } from 'bson';
import { describe, expect, it } from 'vitest';
import { compareValues } from '../../../runtime/mongo/expression-comparison';
import { Aggregator } from '../../../runtime/mongo/mingo-context';

/** Each comparison expression's value for `{f}` (`$in`: in `[['a'], 'z']`, the others: against 'a'), through mingo as the server runs it. */
function compareWithA(f: unknown): Record<string, unknown> {
  const project = Object.fromEntries(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'cmp'].map((op) => [op, { [`$${op}`]: ['$f', 'a'] }]));
  const [result] = new Aggregator([{ $project: { _id: 0, ...project, in: { $in: ['$f', [['a'], 'z']] } } }]).run([f === undefined ? {} : { f }]);
  return result!;
}

describe('compareValues', () => {
  it('orders a missing value between MinKey and null, equal only to missing', () => {
    expect(compareValues(undefined, undefined)).toBe(0);
    expect(compareValues(undefined, null)).toBe(-1);
    expect(compareValues(null, undefined)).toBe(1);
    expect(compareValues(undefined, new MinKey())).toBe(1);
    expect(compareValues(undefined, new MaxKey())).toBe(-1);
  });

  it('compares arrays as whole values, above strings and documents', () => {
    expect(compareValues(['a', 'b'], 'a')).toBe(1);
    expect(compareValues(['a'], ['a'])).toBe(0);
    expect(compareValues(['a'], ['a', 'b'])).toBe(-1);
    expect(compareValues(['z'], { z: 1 })).toBe(1);
  });

  it('reads a value mingo built as MongoDB builds it: no undefined field, null for an undefined element', () => {
    expect(compareValues({ x: undefined }, {})).toBe(0);
    expect(compareValues({ x: undefined }, { x: null })).toBe(-1);
    expect(compareValues({ a: undefined, b: 1 }, { b: 1, c: undefined })).toBe(0);
    expect(compareValues({ o: [{ x: undefined }] }, { o: [{}] })).toBe(0);
    expect(compareValues([undefined], [null])).toBe(0);
    expect(compareValues([{ x: undefined }, 1], [{}, 2])).toBe(-1);
    // Still only at the top: missing is below null.
    expect(compareValues(undefined, null)).toBe(-1);
  });
});

describe('COMPARISON_EXPRESSIONS', () => {
  it('replace mingo’s, which match an array by its elements as the query operators do', () => {
    const unequal = { eq: false, ne: true };
    expect(compareWithA('a')).toEqual({ eq: true, ne: false, gt: false, gte: true, lt: false, lte: true, cmp: 0, in: false });
    expect(compareWithA(['a', 'b'])).toEqual({ ...unequal, gt: true, gte: true, lt: false, lte: false, cmp: 1, in: false });
    expect(compareWithA(['a'])).toEqual({ ...unequal, gt: true, gte: true, lt: false, lte: false, cmp: 1, in: true });
    for (const below of [5, null, undefined]) {
      expect(compareWithA(below), String(below)).toEqual({ ...unequal, gt: false, gte: false, lt: true, lte: true, cmp: -1, in: false });
    }
  });
});

describe('$max and $min expressions', () => {
  const extremes = (doc: object, max: unknown, min: unknown = max) => new Aggregator([{ $project: { _id: 0, max: { $max: max }, min: { $min: min } } }]).run([doc])[0];

  it('leave null and missing values out, as MongoDB does (mingo sorted a missing one last, making {$max: ["$missing", 3]} null)', () => {
    const date = new Date(1_000);
    expect(extremes({}, ['$missing', 3])).toEqual({ max: 3, min: 3 });
    expect(extremes({ f: null }, ['$f', date])).toEqual({ max: date, min: date });
    expect(extremes({}, ['$missing', null])).toEqual({ max: null, min: null });
  });

  it('compare in BSON order, and go into the array of a single argument only', () => {
    expect(extremes({ a: [4, null, 9, 1] }, '$a')).toEqual({ max: 9, min: 1 });
    expect(extremes({ a: [4, 9] }, ['$a'])).toEqual({ max: 9, min: 4 });
    expect(extremes({ a: [4, 9] }, ['$a', 'z', 5])).toEqual({ max: [4, 9], min: 5 });
  });
});
