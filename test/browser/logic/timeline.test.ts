import { describe, expect, it } from 'vitest';
import { Timeline } from '../../../web/shared/timeline';
import { message, VISITOR } from './items';

describe('Timeline', () => {
  describe('#upsert', () => {
    it('keeps an item that arrives twice once (REST page, then socket or resume)', () => {
      const timeline = new Timeline('c1');
      const item = message(1, VISITOR, 'hello');
      expect(timeline.upsert(item)).toBe('added');
      expect(timeline.upsert({ ...item })).toBe('unchanged');
      expect(timeline.items()).toHaveLength(1);
    });

    it('replaces an item updated under the same seq', () => {
      const timeline = new Timeline('c1');
      timeline.upsert(message(1, VISITOR, 'draft'));
      expect(timeline.upsert(message(1, VISITOR, 'final'))).toBe('updated');
      expect(timeline.items().map((i) => i.text)).toEqual(['final']);
    });
  });

  describe('#items', () => {
    it('orders by seq whatever the arrival order', () => {
      const timeline = new Timeline('c1');
      timeline.upsertAll([message(3, VISITOR, 'c'), message(1, VISITOR, 'a'), message(2, VISITOR, 'b')]);
      expect(timeline.items().map((i) => i.seq)).toEqual([1, 2, 3]);
    });
  });

  describe('#lastSeq', () => {
    it('is 0 when empty and the highest seq held otherwise', () => {
      const timeline = new Timeline('c1');
      expect(timeline.lastSeq).toBe(0);
      timeline.upsertAll([message(7, VISITOR, 'x'), message(4, VISITOR, 'y')]);
      expect(timeline.lastSeq).toBe(7);
    });
  });
});
