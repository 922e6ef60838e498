import { describe, expect, it } from 'vitest';
import { SeqRanges } from '../../../server/realtime/seq-ranges';
import { seededRandom } from '../../support/random';

describe('SeqRanges', () => {
  it('says whether each seq is new, as a plain set would, for random orders', () => {
    const { next } = seededRandom(11);
    for (let round = 0; round < 200; round++) {
      const ranges = new SeqRanges(1_000);
      const plain = new Set<number>();
      for (let k = 0; k < 60; k++) {
        const seq = 1 + Math.floor(next() * 40);
        expect(ranges.add(seq), `round ${round}, seq ${seq}`).toBe(!plain.has(seq));
        plain.add(seq);
      }
      for (let seq = 0; seq <= 41; seq++) expect(ranges.add(seq), `round ${round}, final seq ${seq}`).toBe(!plain.has(seq));
    }
  });

  it('keeps ten thousand in-order seqs as one range', () => {
    const ranges = new SeqRanges(2);
    for (let seq = 1; seq <= 10_000; seq++) ranges.add(seq);
    expect(ranges.add(1)).toBe(false);
    expect(ranges.add(5_000)).toBe(false);
    expect(ranges.add(10_001)).toBe(true);
  });

  it('forgets the lowest range past its bound', () => {
    const ranges = new SeqRanges(2);
    ranges.add(1);
    ranges.add(3);
    ranges.add(5);
    expect(ranges.add(3)).toBe(false);
    expect(ranges.add(5)).toBe(false);
    expect(ranges.add(1)).toBe(true);
  });

  describe('#addRange', () => {
    it('holds what adding each seq of the range would, for random ranges and seqs', () => {
      const { next } = seededRandom(12);
      const pick = () => 1 + Math.floor(next() * 60);
      for (let round = 0; round < 200; round++) {
        const ranges = new SeqRanges(1_000);
        const plain = new Set<number>();
        for (let k = 0; k < 12; k++) {
          if (next() < 0.5) {
            const seq = pick();
            expect(ranges.add(seq), `round ${round}, seq ${seq}`).toBe(!plain.has(seq));
            plain.add(seq);
          } else {
            const [lo, hi] = [pick(), pick()].sort((a, b) => a - b) as [number, number];
            ranges.addRange(lo, hi);
            for (let seq = lo; seq <= hi; seq++) plain.add(seq);
          }
        }
        for (let after = 0; after <= 61; after++) {
          let through = after;
          while (plain.has(through + 1)) through += 1;
          expect(ranges.heldThrough(after), `round ${round}, after ${after}`).toBe(through);
        }
        for (let seq = 0; seq <= 61; seq++) expect(ranges.add(seq), `round ${round}, final seq ${seq}`).toBe(!plain.has(seq));
      }
    });
  });
});
