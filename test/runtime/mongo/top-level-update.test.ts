import type { Document } from 'bson';
import { update as mingoUpdate, type Modifier } from 'mingo/updater';
import { describe, expect, it } from 'vitest';
import { applyTopLevelUpdate, isTopLevelUpdate } from '../../../runtime/mongo/top-level-update';
import { seededRandom } from '../../support/random';

const FIELDS = ['a', 'b', 'c', 'd'];
const SCALARS = [0, 1, 2, 5, 'x', 'y', null, new Date(1_000), new Date(2_000)];
const VALUES = [...SCALARS, { n: 1 }, { n: 2 }, [1, 2]];

describe('applyTopLevelUpdate', () => {
  it('gives the document and modified fields mingo gives, for random $set/$inc/$min/$max/$push/$pull updates', () => {
    const { next, pick } = seededRandom(5);
    for (let round = 0; round < 2_000; round++) {
      const doc: Document = { _id: 1 };
      for (const field of FIELDS) if (next() < 0.6) doc[field] = next() < 0.3 ? [1, 'x', 2, 'y', 1].slice(0, Math.floor(next() * 6)) : pick(SCALARS);
      const modifier: Document = {};
      for (const field of FIELDS) {
        if (next() < 0.5) continue;
        const operator = pick(['$set', '$inc', '$min', '$max', '$push', '$pull']);
        // mingo orders an array against a scalar by its elements, MongoDB by type (see below): $min/$max compare scalars here.
        if ((operator === '$min' || operator === '$max') && Array.isArray(doc[field])) continue;
        const operand = {
          $set: () => pick(VALUES),
          $inc: () => pick([0, 1, -3]),
          $push: () => pick([1, 'x', { $each: [] }, { $each: [1, 'x', 1] }]),
          $pull: () => pick([1, 'x', { $in: [] }, { $in: [1, 'y'] }]),
        }[operator as string] ?? (() => pick(SCALARS));
        (modifier[operator] ??= {})[field] = operand();
      }
      if (!isTopLevelUpdate(modifier)) continue;
      const direct = structuredClone(doc);
      const paths = applyTopLevelUpdate(direct, modifier);
      const context = JSON.stringify({ doc, modifier });
      if (paths === undefined) {
        // Left to mingo, untouched: only an $inc of a field that holds no number, or a $push/$pull of one that holds no array.
        const misfit = (operator: string, fits: (value: unknown) => boolean) => Object.keys(modifier[operator] ?? {}).some((field) => field in doc && !fits(doc[field]));
        expect(misfit('$inc', (v) => typeof v === 'number') || misfit('$push', Array.isArray) || misfit('$pull', Array.isArray), context).toBe(true);
        expect(direct).toEqual(doc);
        continue;
      }
      const viaMingo = structuredClone(doc);
      const expectedPaths = mingoUpdate(viaMingo, modifier as Modifier<Document>, undefined, undefined, { cloneMode: 'deep' }).sort();
      expect(paths, context).toEqual(expectedPaths);
      expect(direct).toEqual(viaMingo);
    }
  });

  it('orders $min and $max by BSON type first, as MongoDB does', () => {
    const doc: Document = { _id: 1, n: 2, d: new Date(0), s: 'b' };
    expect(applyTopLevelUpdate(doc, { $min: { n: [1, 2], s: 'a' }, $max: { d: 5 } })).toEqual(['s']); // numbers sort before arrays and dates
    expect(doc).toEqual({ _id: 1, n: 2, d: new Date(0), s: 'a' });
  });

  it('never shares a value with the command', () => {
    const value = { nested: { n: 1 } };
    const doc: Document = { _id: 1 };
    applyTopLevelUpdate(doc, { $set: { a: value } });
    value.nested.n = 2;
    expect(doc.a).toEqual({ nested: { n: 1 } });
  });

  it('leaves dotted paths, _id, repeated fields and other operators to mingo', () => {
    expect(isTopLevelUpdate({ $set: { 'a.b': 1 } })).toBe(false);
    expect(isTopLevelUpdate({ $set: { _id: 1 } })).toBe(false);
    expect(isTopLevelUpdate({ $set: { a: 1 }, $max: { a: 2 } })).toBe(false);
    expect(isTopLevelUpdate({ $push: { a: { $each: [1], $slice: 2 } } })).toBe(false);
    expect(isTopLevelUpdate({ $pull: { a: { $gt: 1 } } })).toBe(false);
    expect(isTopLevelUpdate({ $push: { a: { $each: [{ n: 1 }] } } })).toBe(false);
    expect(isTopLevelUpdate({ $addToSet: { a: 1 } })).toBe(false);
    expect(isTopLevelUpdate({ $set: { a: 1 }, $max: { b: 2 }, $push: { c: { $each: ['x'] } }, $pull: { d: { $in: ['y'] } } })).toBe(true);
  });
});
