import { describe, expect, it } from 'vitest';
import { useEmbeddedMongo, type AnyDoc } from '../harness';

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('aggregate');

  describe('#aggregate', () => {
    it('runs $match/$unwind/$group/$sort/$project/$limit', async () => {
      const c = h.db.collection<AnyDoc>('orders');
      await c.insertMany([
        { customer: 'a', items: [{ sku: 'x', qty: 1 }, { sku: 'y', qty: 2 }], status: 'paid' },
        { customer: 'b', items: [{ sku: 'x', qty: 5 }], status: 'paid' },
        { customer: 'c', items: [{ sku: 'y', qty: 1 }], status: 'open' },
      ]);
      const result = await c
        .aggregate([
          { $match: { status: 'paid' } },
          { $unwind: '$items' },
          { $group: { _id: '$items.sku', total: { $sum: '$items.qty' } } },
          { $sort: { total: -1 } },
          { $project: { _id: 0, sku: '$_id', total: 1 } },
          { $limit: 5 },
        ])
        .toArray();
      expect(result).toEqual([{ sku: 'x', total: 6 }, { sku: 'y', total: 2 }]);
    });

    it('does not let pipeline stages modify stored documents', async () => {
      const c = h.db.collection<AnyDoc>('orders');
      await c.aggregate([{ $set: { 'items.extra': 1, status: 'changed' } }]).toArray();
      expect(await c.countDocuments({ status: 'changed' })).toBe(0);
      expect(await c.countDocuments({ 'items.extra': 1 })).toBe(0);
    });

    it('does not let pipeline stages modify the stored documents $lookup joins', async () => {
      await h.db.collection<AnyDoc>('joining').insertOne({ _id: 1, joined: 1 });
      const joined = h.db.collection<AnyDoc>('joined');
      await joined.insertOne({ _id: 1, inner: { x: 0 }, list: [1] });
      const out = await h.db
        .collection<AnyDoc>('joining')
        .aggregate([
          { $lookup: { from: 'joined', localField: 'joined', foreignField: '_id', as: 'j' } },
          { $unwind: '$j' },
          { $set: { 'j.inner.x': 99, 'j.added': true } },
        ])
        .toArray();
      expect(out[0]!.j).toEqual({ _id: 1, inner: { x: 99 }, list: [1], added: true });
      expect(await joined.findOne({ _id: 1 })).toEqual({ _id: 1, inner: { x: 0 }, list: [1] });
    });

    it('returns large results through a cursor', async () => {
      const c = h.db.collection<AnyDoc>('big');
      await c.insertMany(Array.from({ length: 500 }, (_, i) => ({ i })));
      const all = await c.aggregate([{ $sort: { i: -1 } }], { batchSize: 50 }).toArray();
      expect(all).toHaveLength(500);
      expect(all[0]?.i).toBe(499);
    });
  });
});
