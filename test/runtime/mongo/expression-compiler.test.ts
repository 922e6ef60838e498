import { evalExpr, ProcessingMode } from 'mingo/core';
import { describe, expect, it } from 'vitest';
import { compileExpression, UNDECIDED } from '../../../runtime/mongo/expression-compiler';
import { MINGO_CONTEXT } from '../../../runtime/mongo/mingo-context';
import { seededRandom } from '../../support/random';
import { outcome, randomExpressions } from './fixtures/random-expressions';

/** The options the server's mingo Query evaluates `$expr` with (its defaults). */
const MINGO = {
  idKey: '_id',
  useStrictMode: true,
  failOnError: true,
  scriptEnabled: true,
  processingMode: ProcessingMode.CLONE_OFF,
  context: MINGO_CONTEXT,
};

describe('compileExpression', () => {
  it('gives the value mingo computes, or leaves the document to mingo, for random expressions over random documents', () => {
    const random = randomExpressions(seededRandom(11));
    let decided = 0;
    let undecided = 0;
    for (let round = 0; round < 3_000; round++) {
      const expr = random.expression(4);
      const compiled = compileExpression(expr);
      expect(compiled, JSON.stringify(expr)).toBeDefined();
      for (let d = 0; d < 5; d++) {
        const doc = random.doc(d);
        const expected = outcome(() => evalExpr(doc, expr, MINGO));
        const value = compiled!(doc);
        const context = JSON.stringify({ expr, doc });
        if (value === UNDECIDED) {
          undecided++;
          continue;
        }
        decided++;
        expect(expected, context).not.toBe('throws'); // where mingo fails, the compiled expression must leave it to mingo
        expect(value, context).toStrictEqual(expected);
      }
    }
    // The random documents are hostile (NaN, nested arrays, dates in sets, missing arrays): mingo fails on
    // about a third of them and MongoDB would on more; the compiled path still decides many.
    expect(decided).toBeGreaterThan(0.4 * (decided + undecided));
  });

  it('reads field paths through arrays as MongoDB does', () => {
    const changed = compileExpression({ $setDifference: [{ $map: { input: { $objectToArray: '$updateDescription.updatedFields' }, in: '$$this.k' } }, ['a', 'b']] });
    expect(changed!({ updateDescription: { updatedFields: { a: 1, c: 2, b: 3, d: 4 } } })).toEqual(['c', 'd']);
    const read = compileExpression('$list.y.x')!;
    expect(read({ list: [{ y: [{ x: 1 }, { x: 2 }, 3] }, { y: { x: 4 } }, 5, { z: 1 }] })).toEqual([[1, 2], 4]);
    expect(read({ list: [[{ y: { x: 1 } }]] })).toBe(UNDECIDED); // MongoDB skips a nested array; mingo keeps it whole
  });

  it('leaves other operators, argument shapes and variables to mingo', () => {
    for (const expr of [
      { $add: [1, 2] },
      { $size: ['$a'] },
      { $eq: [1] },
      { $ifNull: ['$a'] },
      { $not: [] },
      { $map: { input: '$a', in: '$$this', extra: 1 } },
      { $map: { input: '$a', as: '', in: '$$this' } },
      { $map: { input: '$a', as: null, in: '$$this' } },
      { $map: { input: '$a', as: 'x', in: '$$y' } },
      { $cond: { if: true, then: 1 } },
      { $and: { $eq: [1, 1] } },
      { $gt: ['$a', 1], $lt: ['$a', 3] },
      { a: 1, $b: 2 },
      '$$this',
      '$$NOW',
      '$a.0',
      '$',
      '$a..b',
    ]) {
      expect(compileExpression(expr), JSON.stringify(expr)).toBeUndefined();
    }
  });
});
