import type { Document } from 'bson';
import { Query } from 'mingo';
import { describe, expect, it } from 'vitest';
import { applyProjection } from '../../../runtime/mongo/mingo-extensions';
import { compileTopLevelProjection } from '../../../runtime/mongo/top-level-projection';
import { seededRandom } from '../../support/random';

const FIELDS = ['_id', 'a', 'b', 'c'];
const VALUES: unknown[] = [0, 'x', null, true, [1, { n: 2 }], { n: 1, m: [3] }, new Date(5)];
const FLAGS: unknown[] = [0, 1, true, false];

describe('applyProjection', () => {
  it('projects exactly as mingo does, for random top-level inclusions and exclusions', () => {
    const { next, pick } = seededRandom(7);
    let direct = 0;
    for (let round = 0; round < 2_000; round++) {
      const projection: Document = {};
      for (const field of FIELDS) if (next() < 0.5) projection[field] = pick(FLAGS);
      if (Object.keys(projection).length === 0) continue;
      const doc: Document = { _id: round };
      for (const field of FIELDS.slice(1)) if (next() < 0.7) doc[field] = pick(VALUES);
      let expected: Document[] | Error;
      try {
        expected = new Query({}, { idKey: '_id' }).find<Document>([doc], projection).all();
      } catch (error) {
        expected = error as Error; // a mix of inclusion and exclusion
      }
      if (compileTopLevelProjection(projection)) direct++;
      const context = JSON.stringify({ projection, doc });
      if (expected instanceof Error) expect(() => applyProjection([doc], projection), context).toThrow();
      else expect(applyProjection([doc], projection), context).toEqual(expected);
    }
    expect(direct).toBeGreaterThan(500); // the random projections do exercise the direct path
  });

  it('keeps the document’s field order, as MongoDB does', () => {
    const [projected] = applyProjection([{ _id: 1, z: 1, a: 2, m: 3 }], { m: 1, z: 1 });
    expect(Object.keys(projected!)).toEqual(['_id', 'z', 'm']);
  });

  it('leaves dotted paths, operators and computed fields to mingo', () => {
    expect(compileTopLevelProjection({ 'a.b': 1 })).toBeUndefined();
    expect(compileTopLevelProjection({ a: { $slice: 1 } })).toBeUndefined();
    expect(compileTopLevelProjection({ a: '$b' })).toBeUndefined();
    expect(compileTopLevelProjection({ a: 1, b: 0 })).toBeUndefined();
    expect(applyProjection([{ _id: 1, a: { b: 2, c: 3 } }], { 'a.b': 1 })).toEqual([{ _id: 1, a: { b: 2 } }]);
  });
});
