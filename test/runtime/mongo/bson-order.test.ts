import { Binary, EJSON, Decimal128, Double, Int32, Long, MaxKey, MinKey, ObjectId, Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import { compareBson, compareBsonGeneric } from '../../../runtime/mongo/bson-order';
import { seededRandom } from '../../support/random';

const show = (value: unknown): string => (value === undefined ? 'undefined' : EJSON.stringify({ v: value }));

// In MongoDB's sort order; values on one row compare equal.
const ORDERED: unknown[][] = [
  [new MinKey()],
  [null, undefined],
  [Number.NaN],
  [-Infinity],
  [-5.5, new Double(-5.5)],
  [-0, 0, new Int32(0), Long.fromNumber(0)],
  [1, 1.0, new Int32(1), Long.fromNumber(1), Decimal128.fromString('1')],
  [2.5],
  [2 ** 40, Long.fromNumber(2 ** 40)],
  [Infinity],
  [''],
  ['A'],
  ['B'],
  ['a'],
  ['ab'],
  ['b'],
  ['é'],
  ['😀'],
  [{}],
  [{ a: 1 }],
  [{ b: 1 }],
  [{ a: 'x' }], // embedded documents compare each field's type before its name
  [[]],
  [[1]],
  [[1, 2]],
  [[2]],
  [new Binary(Buffer.from([1, 2]))],
  [new ObjectId('000000000000000000000001')],
  [new ObjectId('ffffffffffffffffffffffff')],
  [false],
  [true],
  [new Date(0)],
  [new Date(1_000)],
  [new Timestamp({ t: 1, i: 0 })],
  [/a/],
  [new MaxKey()],
];

describe('compareBson', () => {
  const cells = ORDERED.flatMap((row, rank) => row.map((value) => ({ value, rank })));

  it('agrees with the generic BSON order on every pair of a table of mixed values', () => {
    for (const a of cells) {
      for (const b of cells) {
        expect(Math.sign(compareBson(a.value, b.value)), `${show(a.value)} vs ${show(b.value)}`).toBe(Math.sign(compareBsonGeneric(a.value, b.value)));
      }
    }
  });

  it('sorts the table into MongoDB order', () => {
    for (const a of cells) {
      for (const b of cells) {
        expect(Math.sign(compareBson(a.value, b.value)), `${show(a.value)} vs ${show(b.value)}`).toBe(Math.sign(a.rank - b.rank));
      }
    }
  });

  it('agrees with the generic order on random strings and numbers, equal pairs and shared values included', () => {
    const { next, pick } = seededRandom(3);
    const shared = [{ a: 1 }, [1, 2], new Date(5), Long.fromNumber(7), Decimal128.fromString('NaN')];
    // Built at run time, so that equal strings are distinct instances, as decoded BSON gives them.
    const string = () => Array.from({ length: Math.floor(next() * 4) }, () => pick(['a', 'b', 'B', 'é', '😀', '\u0000'])).join('');
    const number = () => pick([0, -0, 1, -1, 2.5, Number.NaN, Infinity, Math.floor(next() * 5), next()]);
    const value = (): unknown => (next() < 0.1 ? pick([null, undefined, ...shared]) : next() < 0.5 ? string() : number());
    for (let i = 0; i < 20_000; i++) {
      const a = value();
      const b = next() < 0.3 ? a : value();
      expect(Math.sign(compareBson(a, b)), `${show(a)} vs ${show(b)}`).toBe(Math.sign(compareBsonGeneric(a, b)));
    }
  });

  it('orders ObjectIds as their hex strings sort, and finds two instances of one id equal', () => {
    const { next } = seededRandom(5);
    // Random bytes, with long shared prefixes (ids made by one process differ late).
    const hex = () => Array.from({ length: 24 }, (_, i) => (i < 16 && next() < 0.8 ? '5' : Math.floor(next() * 16).toString(16))).join('');
    for (let i = 0; i < 5_000; i++) {
      const [x, y] = [hex(), next() < 0.2 ? undefined : hex()];
      const [a, b] = [new ObjectId(x), new ObjectId(y ?? x)];
      const expected = y === undefined || x === y ? 0 : x < y ? -1 : 1;
      expect(Math.sign(compareBson(a, b)), `${x} vs ${y}`).toBe(expected);
    }
  });
});
