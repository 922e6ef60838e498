import { describe, expect, it } from 'vitest';
import { useEmbeddedMongo, type AnyDoc } from '../harness';

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('queries');

  describe('#find', () => {
    it('sorts, skips, limits and projects', async () => {
      const c = h.db.collection<AnyDoc>('people');
      await c.insertMany([
        { name: 'd', age: 40, city: 'x' },
        { name: 'a', age: 20, city: 'y' },
        { name: 'c', age: 30, city: 'x' },
        { name: 'b', age: 30, city: 'y' },
      ]);
      const page = await c.find({ age: { $gte: 25 } }, { projection: { _id: 0, name: 1 } }).sort({ age: -1, name: 1 }).skip(1).limit(2).toArray();
      expect(page).toEqual([{ name: 'b' }, { name: 'c' }]);
      expect(await c.find({ city: { $in: ['y'] }, name: { $regex: '^b' } }).project({ _id: 0, age: 1 }).toArray()).toEqual([{ age: 30 }]);
      expect(await c.find({ $or: [{ age: 20 }, { name: 'd' }] }).count()).toBe(2);
    });

    it('serves 1,000 documents in batches of 100 through getMore', async () => {
      const c = h.db.collection<AnyDoc>('batches');
      await c.insertMany(Array.from({ length: 1000 }, (_, i) => ({ i })));
      const events: number[] = [];
      h.client.on('commandStarted', (e) => e.commandName === 'getMore' && events.push(1));
      const cursor = c.find({}, { batchSize: 100 }).sort({ i: 1 });
      const seen: number[] = [];
      for await (const doc of cursor) seen.push(doc.i as number);
      expect(seen).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      const first = await h.db.command({ find: 'batches', filter: {} });
      expect(first.cursor.firstBatch).toHaveLength(101);
      expect(Number(first.cursor.id)).toBeGreaterThan(0);
      await h.db.command({ killCursors: 'batches', cursors: [first.cursor.id] });
      await expect(h.db.command({ getMore: first.cursor.id, collection: 'batches' })).rejects.toMatchObject({ code: 43 });
    });

    it('returns a single batch and no cursor when asked', async () => {
      const reply = await h.db.command({ find: 'batches', filter: {}, limit: 5, singleBatch: true });
      expect(reply.cursor.firstBatch).toHaveLength(5);
      expect(Number(reply.cursor.id)).toBe(0);
    });
  });

  describe('#explain', () => {
    it('pages one conversation through the compound index without scanning the collection', async () => {
      const c = h.db.collection<AnyDoc>('items');
      await c.createIndex({ conversationId: 1, seq: 1 }, { unique: true });
      const docs = [];
      for (let conv = 0; conv < 100; conv++) for (let seq = 1; seq <= 100; seq++) docs.push({ conversationId: `c${conv}`, seq, text: 'hello' });
      await c.insertMany(docs);
      const query = { conversationId: 'c42', seq: { $gt: 10 } };
      const page = await c.find(query).sort({ seq: 1 }).limit(50).toArray();
      expect(page.map((d) => d.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 11));
      const plan = await c.find(query).sort({ seq: 1 }).limit(50).explain('executionStats');
      expect(plan.queryPlanner.winningPlan.indexName).toBe('conversationId_1_seq_1');
      expect(plan.executionStats.totalDocsExamined).toBeLessThanOrEqual(52);
      const latest = await c.find({ conversationId: 'c7' }).sort({ seq: -1 }).limit(3).toArray();
      expect(latest.map((d) => d.seq)).toEqual([100, 99, 98]);
      const latestPlan = await c.find({ conversationId: 'c7' }).sort({ seq: -1 }).limit(3).explain('executionStats');
      expect(latestPlan.executionStats.totalDocsExamined).toBe(3);
      const scan = await c.find({ text: 'hello' }).limit(1).explain('executionStats');
      expect(scan.queryPlanner.winningPlan.stage).toBe('COLLSCAN');
    });

    it('uses ranges and $in on indexed fields and still applies the full filter', async () => {
      const c = h.db.collection<AnyDoc>('items');
      expect(await c.countDocuments({ conversationId: { $in: ['c1', 'c2'] }, seq: { $lte: 2 } })).toBe(4);
      expect(await c.countDocuments({ conversationId: 'c3', seq: { $gt: 5, $lt: 8 }, text: 'hello' })).toBe(2);
      expect(await c.countDocuments({ conversationId: 'c3', seq: { $gt: 5, $lt: 8 }, text: 'nope' })).toBe(0);
    });

    it('finds documents in multikey indexes by element', async () => {
      const c = h.db.collection<AnyDoc>('tagged');
      await c.createIndex({ tags: 1 });
      await c.insertMany([{ tags: ['a', 'b'] }, { tags: ['b', 'c'] }, { tags: 'a' }, { tags: [1, 10] }]);
      expect(await c.countDocuments({ tags: 'a' })).toBe(2);
      expect(await c.countDocuments({ tags: 'b' })).toBe(2);
      expect(await c.countDocuments({ tags: { $gt: 5, $lt: 8 } })).toBe(1);
    });

    it('compares whole values in $expr (an array is no string) while the query operator matches elements', async () => {
      const c = h.db.collection<AnyDoc>('compared');
      await c.insertMany([{ _id: 'string', f: 'a' }, { _id: 'pair', f: ['a', 'b'] }, { _id: 'single', f: ['a'] }, { _id: 'number', f: 5 }, { _id: 'null', f: null }, { _id: 'missing' }]);
      const ids = async (filter: AnyDoc) => (await c.find(filter).sort({ _id: 1 }).toArray()).map((doc) => doc._id);
      expect(await ids({ f: 'a' })).toEqual(['pair', 'single', 'string']);
      // '$f' compiles (expression-compiler.ts); the $let around it leaves the expression to mingo.
      for (const f of ['$f', { $let: { vars: { v: '$f' }, in: '$$v' } }]) {
        const label = JSON.stringify(f);
        expect(await ids({ $expr: { $eq: [f, 'a'] } }), label).toEqual(['string']);
        expect(await ids({ $expr: { $ne: [f, 'a'] } }), label).toEqual(['missing', 'null', 'number', 'pair', 'single']);
        // BSON order: missing < null < numbers < strings < documents < arrays.
        expect(await ids({ $expr: { $gt: [f, 'a'] } }), label).toEqual(['pair', 'single']);
        expect(await ids({ $expr: { $gte: [f, 'a'] } }), label).toEqual(['pair', 'single', 'string']);
        expect(await ids({ $expr: { $lt: [f, 'a'] } }), label).toEqual(['missing', 'null', 'number']);
        expect(await ids({ $expr: { $lte: [f, 'a'] } }), label).toEqual(['missing', 'null', 'number', 'string']);
        expect(await ids({ $expr: { $in: [f, ['a', 'z']] } }), label).toEqual(['string']);
        expect(await ids({ $expr: { $in: [f, [['a'], null]] } }), label).toEqual(['null', 'single']);
      }
    });

    it('builds $expr documents and arrays as MongoDB does: a missing field is left out, a missing array element is null', async () => {
      const c = h.db.collection<AnyDoc>('built');
      await c.insertMany([{ _id: 'missing' }, { _id: 'null', f: null }, { _id: 'one', f: 1 }]);
      const ids = async (filter: AnyDoc) => (await c.find(filter).sort({ _id: 1 }).toArray()).map((doc) => doc._id);
      // '$f' compiles, and gives the documents where it is missing to mingo; the $let leaves them all to mingo.
      for (const f of ['$f', { $let: { vars: { v: '$f' }, in: '$$v' } }]) {
        const label = JSON.stringify(f);
        expect(await ids({ $expr: { $eq: [{ x: f }, {}] } }), label).toEqual(['missing']);
        expect(await ids({ $expr: { $eq: [{ x: f }, { x: null }] } }), label).toEqual(['null']);
        expect(await ids({ $expr: { $lt: [{ x: f }, { x: null }] } }), label).toEqual(['missing']);
        expect(await ids({ $expr: { $cmp: [{ x: f, y: 2 }, { y: 2 }] } }), label).toEqual(['null', 'one']);
        expect(await ids({ $expr: { $eq: [{ o: { x: f } }, { o: {} }] } }), label).toEqual(['missing']);
        expect(await ids({ $expr: { $eq: [[f], [null]] } }), label).toEqual(['missing', 'null']);
        expect(await ids({ $expr: { $eq: [[{ x: f }], [{}]] } }), label).toEqual(['missing']);
        // ['$g'] is [null]: a missing f is not in it, a null f is.
        expect(await ids({ $expr: { $in: [f, ['$g']] } }), label).toEqual(['null']);
        expect(await ids({ $expr: { $in: [{ x: f }, [{}]] } }), label).toEqual(['missing']);
      }
      // A document an earlier stage built keeps no missing field either.
      const built = await c.aggregate([{ $addFields: { o: { x: '$f' } } }, { $match: { $expr: { $eq: ['$o', {}] } } }, { $project: { _id: 1 } }]).toArray();
      expect(built).toEqual([{ _id: 'missing' }]);
    });
  });

  describe('#count', () => {
    it('counts with countDocuments and estimatedDocumentCount', async () => {
      const c = h.db.collection<AnyDoc>('counted');
      await c.insertMany([{ k: 1 }, { k: 1 }, { k: 2 }]);
      expect(await c.countDocuments({ k: 1 })).toBe(2);
      expect(await c.countDocuments({}, { limit: 2 })).toBe(2);
      expect(await c.estimatedDocumentCount()).toBe(3);
      expect(await h.db.collection<AnyDoc>('missing').countDocuments()).toBe(0);
    });
  });

  describe('#distinct', () => {
    it('returns distinct values, unwinding arrays', async () => {
      const c = h.db.collection<AnyDoc>('distinct');
      await c.insertMany([{ t: ['a', 'b'], k: 1 }, { t: 'b', k: 1 }, { t: 'c', k: 2 }, { k: 1 }]);
      expect((await c.distinct('t', { k: 1 })).sort()).toEqual(['a', 'b']);
    });
  });
});
