import type { Document } from 'bson';
import { Query } from 'mingo';
import { describe, expect, it } from 'vitest';
import { compileFilter } from '../../../runtime/mongo/mingo-extensions';
import { compileSimpleFilter } from '../../../runtime/mongo/simple-filter';
import { seededRandom } from '../../support/random';

const FIELDS = ['a', 'b', 'c'];
const DOC_VALUES: unknown[] = [0, 1, 2, -1.5, 'a', 'b', '', true, false, null, [1, 2], ['a'], [], { n: 1 }, new Date(5), Number.NaN];
const OPERANDS: unknown[] = [0, 1, 2, -1.5, 'a', 'b', '', true, false, null];
const OPERATORS = ['$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$in'];

describe('compileFilter', () => {
  it('matches exactly as mingo does, for random conjunctions of equalities, comparisons and $in lists', () => {
    const { next, pick } = seededRandom(3);
    let simpleFilters = 0;
    for (let round = 0; round < 3_000; round++) {
      const filter: Document = {};
      for (const field of FIELDS) {
        if (next() < 0.4) continue;
        if (next() < 0.4) filter[field] = pick(OPERANDS);
        else
          filter[field] = Object.fromEntries(
            Array.from({ length: 1 + Math.floor(next() * 2) }, () => {
              const operator = pick(OPERATORS);
              return [operator, operator === '$in' ? Array.from({ length: Math.floor(next() * 3) }, () => pick(OPERANDS)) : pick(OPERANDS)];
            }),
          );
      }
      if (compileSimpleFilter(filter)) simpleFilters++;
      const doc: Document = { _id: round };
      for (const field of FIELDS) if (next() < 0.7) doc[field] = pick(DOC_VALUES);
      const expected = new Query(filter, { idKey: '_id' }).test(doc);
      expect(compileFilter(filter).test(doc), JSON.stringify({ filter, doc })).toBe(expected);
    }
    expect(simpleFilters).toBeGreaterThan(1_000); // the random filters do exercise the direct path
  });

  it('leaves dotted paths, top-level operators and other operators to mingo', () => {
    expect(compileSimpleFilter({ 'a.b': 1 })).toBeUndefined();
    expect(compileSimpleFilter({ $or: [{ a: 1 }] })).toBeUndefined();
    expect(compileSimpleFilter({ a: { $in: [[1]] } })).toBeUndefined();
    expect(compileSimpleFilter({ a: { $nin: [1] } })).toBeUndefined();
    expect(compileSimpleFilter({ a: { $lt: null } })).toBeUndefined();
    expect(compileSimpleFilter({ a: new Date(0) })).toBeUndefined();
    expect(compileSimpleFilter({ _id: 'x', seq: { $lt: 5 } })).toBeDefined();
    expect(compileSimpleFilter({ operationType: { $in: ['insert', 'update'] } })).toBeDefined();
  });
});
