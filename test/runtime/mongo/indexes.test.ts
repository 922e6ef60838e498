import { Decimal128, Long, type Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { compareBsonGeneric } from '../../../runtime/mongo/bson-order';
import { Index, type IndexEntry } from '../../../runtime/mongo/indexes';
import { seededRandom } from '../../support/random';

const SCALARS: unknown[] = ['a', 'b', 'B', '', 0, 1, 1.0, -1, 2.5, Number.NaN, null, undefined, true, Long.fromNumber(1), Decimal128.fromString('2'), { x: 1 }];

function randomValues(seed: number): { next: () => number; value: () => unknown; ids: string[] } {
  const { next, pick } = seededRandom(seed);
  const value = (): unknown => {
    const roll = next();
    if (roll < 0.15) return Array.from({ length: Math.floor(next() * 4) }, () => (next() < 0.1 ? [pick(SCALARS)] : pick(SCALARS)));
    return pick(SCALARS);
  };
  // Ids of which one is a prefix of another, as canonical keys can be ('s1', 's1\0', 's10').
  const ids = ['s1', 's1\0', 's10', 's2', 'n1', 'n12', 'z', 'o0'];
  return { next, value, ids };
}

/** The order an index must keep, from the generic BSON order alone. */
function referenceOrder(directions: Array<1 | -1>): (a: IndexEntry, b: IndexEntry) => number {
  return (a, b) => {
    for (let i = 0; i < directions.length; i++) {
      const c = Math.sign(compareBsonGeneric(a.key[i], b.key[i])) * directions[i]!;
      if (c !== 0) return c;
    }
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

const all = (index: Index): IndexEntry[] => [...index.entries.forward({ block: 0, offset: 0 })];

describe('Index', () => {
  it('gives the keys and multikey flag the path walk gives, for top-level fields holding scalars, arrays or nothing', () => {
    const { next, value } = randomValues(21);
    for (let i = 0; i < 3_000; i++) {
      const doc: Document = {};
      for (const field of ['a', 'b', 'c']) if (next() < 0.9) doc[field] = value();
      const spec = { name: 'x', key: { a: 1, b: -1, c: 1 } } as const;
      const fast = new Index(spec);
      const byPath = new Index(spec);
      expect(fast.keysOf(doc), JSON.stringify(doc)).toStrictEqual(byPath.keysByPath(doc));
      expect(fast.multikey).toBe(byPath.multikey);
    }
  });

  it('keeps its entries in the generic BSON order of each field in its direction, then id, through adds and removals', () => {
    const { next, value, ids } = randomValues(22);
    for (const key of [{ a: 1 }, { a: -1, b: 1 }, { a: 1, b: -1, c: -1 }] as Array<Record<string, 1 | -1>>) {
      const index = new Index({ name: 'x', key });
      const order = referenceOrder(index.directions);
      const docs = new Map<string, Document>();
      for (let step = 0; step < 2_000; step++) {
        const id = `${ids[Math.floor(next() * ids.length)]}${Math.floor(next() * 50)}`;
        const previous = docs.get(id);
        if (previous) index.remove(id, index.keysOf(previous));
        const doc = { a: value(), b: value(), c: value() };
        docs.set(id, doc);
        index.add(id, index.keysOf(doc));
      }
      const entries = all(index);
      expect(entries.length).toBe([...docs.values()].reduce((n, doc) => n + index.keysOf(doc).length, 0));
      expect(entries.map((e) => e.id)).toEqual([...entries].sort(order).map((e) => e.id));
      for (let i = 1; i < entries.length; i++) expect(order(entries[i - 1]!, entries[i]!), JSON.stringify(key)).toBeLessThan(0);
    }
  });

  it("finds a unique index's conflicting key exactly when another document's entry has an equal key", () => {
    const { next, pick } = seededRandom(23);
    const { ids } = randomValues(23);
    const keyOf = (): unknown[] => [pick(['a', 1, Long.fromNumber(1), null]), pick([0, 'x'])];
    for (let trial = 0; trial < 3_000; trial++) {
      const index = new Index({ name: 'u', key: { k: 1, n: -1 }, unique: true });
      // A few entries of few keys, so that a document's own entry often sits beside another's of the
      // same key; duplicates are added on purpose, though a unique index never comes to hold them.
      for (let i = Math.floor(next() * 5); i > 0; i--) index.add(pick(ids), [keyOf()]);
      const entries = all(index);
      const id = pick(ids);
      const keys = Array.from({ length: 1 + Math.floor(next() * 2) }, keyOf);
      const expected = keys.find((key) => entries.some((e) => e.id !== id && index.compareKeys(e.key, key) === 0));
      expect(index.conflictingKey(id, keys), `${id} ${JSON.stringify(keys)} in ${JSON.stringify(entries)}`).toBe(expected);
    }
  });
});
