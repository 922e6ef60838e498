import { describe, expect, it } from 'vitest';
import { SortedBlockList } from '../../../runtime/mongo/sorted-list';
import { seededRandom } from '../../support/random';

const byNumber = (a: number, b: number): number => a - b;

describe('SortedBlockList', () => {
  it('holds what a sorted array holds through random inserts and removals, across block splits and empty blocks', () => {
    const { next } = seededRandom(5);
    const list = new SortedBlockList(byNumber);
    let reference: number[] = [];
    const value = () => Math.floor(next() * 400);
    for (let step = 0; step < 6_000; step++) {
      // Grows for the first half, then shrinks: blocks split, drain and go.
      if (next() < (step < 3_000 ? 0.7 : 0.3)) {
        const v = value();
        list.insert(v);
        reference.push(v);
        reference.sort(byNumber);
      } else {
        const v = next() < 0.8 && reference.length > 0 ? reference[Math.floor(next() * reference.length)]! : value();
        const at = reference.indexOf(v);
        expect(list.remove(v), `remove ${v}`).toBe(at >= 0);
        if (at >= 0) reference = [...reference.slice(0, at), ...reference.slice(at + 1)];
      }
      if (step % 500 === 0) expect([...list.forward({ block: 0, offset: 0 })]).toEqual(reference);
      expect(list.size).toBe(reference.length);
    }
    expect([...list.forward({ block: 0, offset: 0 })]).toEqual(reference);
  });

  it('finds the same first element not below a target through ceiling and lowerBound, and iterates both ways from it', () => {
    const { next } = seededRandom(9);
    const list = new SortedBlockList(byNumber);
    const values = Array.from({ length: 700 }, () => Math.floor(next() * 300));
    for (const v of values.slice(0, 350)) list.insert(v);
    list.load([...list.forward({ block: 0, offset: 0 }), ...values.slice(350)]);
    const sorted = [...values].sort(byNumber);
    for (let target = -1; target <= 301; target++) {
      const first = sorted.findIndex((v) => v >= target);
      const expected = first < 0 ? sorted.length : first;
      expect(list.ceiling(target)).toBe(sorted[expected]);
      const position = list.lowerBound((x) => x - target);
      expect([...list.forward(position)]).toEqual(sorted.slice(expected));
      expect([...list.backward(position)]).toEqual(sorted.slice(0, expected).reverse());
    }
  });
});
