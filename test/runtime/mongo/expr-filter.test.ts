import type { Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { compileExprFilter } from '../../../runtime/mongo/expr-filter';
import { Query } from '../../../runtime/mongo/mingo-context';
import { compileFilter } from '../../../runtime/mongo/mingo-extensions';
import { seededRandom } from '../../support/random';
import { REPORTED_CONVERSATION_CHANGES } from '../../../activities/store/changes';
import { outcome, randomExpressions } from './fixtures/random-expressions';

const viaMingo = (filter: Document, doc: Document): unknown => outcome(() => new Query(filter, { idKey: '_id' }).test(doc));

describe('compileExprFilter', () => {
  it('matches (or fails) as mingo does, for random $expr at the top and in $or/$and clauses beside other conditions', () => {
    const random = randomExpressions(seededRandom(12));
    for (let round = 0; round < 2_000; round++) {
      const $expr = random.expression(3);
      const filter = [
        { $expr },
        { $or: [{ b: 1 }, { c: { $ne: 2 }, $expr }] },
        { $and: [{ $expr }, { $expr: { $gt: ['$a', 1] } }], list: { $exists: true } },
        { $expr, $or: [{ $expr: { $eq: ['$b', 'x'] } }, { 'obj.x': null }] },
      ][round % 4]!;
      const doc = random.doc(round);
      expect(outcome(() => compileFilter(filter).test(doc)), JSON.stringify({ filter, doc })).toBe(viaMingo(filter, doc));
    }
  });

  it('compiles the conversations change stream filter: inserts, and updates that touch other fields or remove one', () => {
    const filter = REPORTED_CONVERSATION_CHANGES.$match;
    const matcher = compileExprFilter(filter, compileFilter);
    expect(matcher).toBeDefined();
    const update = (updatedFields: Document, removedFields: string[] = []) => ({ operationType: 'update', updateDescription: { updatedFields, removedFields, truncatedArrays: [] } });
    const events: Array<[Document, boolean]> = [
      [{ operationType: 'insert', fullDocument: { _id: 'c' } }, true],
      [update({ lastItemAll: {}, lastSeqAll: 2, lastActivityAt: new Date() }), false],
      [update({ lastSeqAll: 2, status: 'closed' }), true],
      [update({ lastSeqAll: 2 }, ['assignee']), true],
      [{ operationType: 'delete', documentKey: { _id: 'c' } }, false],
    ];
    for (const [event, passes] of events) {
      expect(matcher!(event)).toBe(passes);
      expect(viaMingo(filter, event)).toBe(passes);
    }
  });

  it('leaves a filter to mingo when its $expr does not compile, and a document when its values are not certain', () => {
    const uncompiled = { $or: [{ a: 1 }, { $expr: { $add: ['$a', 1] } }] };
    expect(compileExprFilter(uncompiled, compileFilter)).toBeUndefined();
    expect(compileExprFilter({ a: { $gt: 1 } }, compileFilter)).toBeUndefined();
    for (const doc of [{ a: 1 }, { a: 2 }, { a: -1 }, {}]) expect(compileFilter(uncompiled).test(doc)).toBe(viaMingo(uncompiled, doc));
    // mingo takes NaN for false (MongoDB for true), and fails on the size of a number.
    const uncertain = { $expr: { $or: ['$a', { $gt: [{ $size: '$b' }, 0] }] } };
    const matcher = compileExprFilter(uncertain, compileFilter)!;
    expect(matcher({ a: 1, b: [1] })).toBe(true);
    expect(matcher({ a: Number.NaN, b: [1] })).toBeUndefined();
    expect(compileFilter(uncertain).test({ a: Number.NaN, b: [1] })).toBe(true);
    expect(matcher({ a: 0, b: 5 })).toBeUndefined();
    expect(() => compileFilter(uncertain).test({ a: 0, b: 5 })).toThrow();
  });
});
