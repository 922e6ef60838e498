import type { Document } from 'bson';
import { update as mingoUpdate, type Modifier } from 'mingo/updater';
import { describe, expect, it } from 'vitest';
import { applyUpdate } from '../../../runtime/mongo/mingo-extensions';

function outcome(run: () => string[]): { paths?: string[]; error?: string } {
  try {
    return { paths: run() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('applyUpdate', () => {
  // The direct $inc path must give exactly what mingo gives, including where it declines to act.
  const cases: Array<[doc: Document, update: Document]> = [
    [{ _id: 1, n: 1 }, { $inc: { n: 1 } }],
    [{ _id: 1 }, { $inc: { n: 5 } }],
    [{ _id: 1, n: 2 }, { $inc: { n: 0 } }],
    [{ _id: 1 }, { $inc: { n: 0 } }],
    [{ _id: 1, a: 1, b: 2.5 }, { $inc: { b: -0.5, a: 3, c: 1 } }],
    [{ _id: 1, n: Number.NaN }, { $inc: { n: 1 } }],
    [{ _id: 1, n: 'text' }, { $inc: { n: 1 } }],
    [{ _id: 1, n: null }, { $inc: { n: 1 } }],
    [{ _id: 1, a: { b: 1 } }, { $inc: { 'a.b': 1 } }],
    [{ _id: 1, n: 1 }, { $inc: { n: Number.NaN } }],
    [{ _id: 1, n: 1 }, { $inc: { n: 1 }, $set: { m: 2 } }],
  ];

  it.each(cases)('increments %j with %j exactly as mingo does', (doc, update) => {
    const direct = structuredClone(doc);
    const viaMingo = structuredClone(doc);
    const expected = outcome(() => mingoUpdate(viaMingo, update as Modifier<Document>, undefined, undefined, { cloneMode: 'deep' }));
    expect(outcome(() => applyUpdate(direct, update, { inserting: false }))).toEqual(expected);
    expect(direct).toEqual(viaMingo);
  });
});
