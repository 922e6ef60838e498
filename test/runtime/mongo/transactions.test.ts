import { MongoServerError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { useEmbeddedMongo, type AnyDoc } from './harness';

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('txn');

  describe('#withTransaction', () => {
    it('commits multi-document writes together and publishes them at commit', async () => {
      const items = h.db.collection<AnyDoc>('items');
      const convs = h.db.collection<AnyDoc>('convs');
      await convs.insertOne({ _id: 'c1' as never, last: 0 });
      const stream = items.watch([], { maxAwaitTimeMS: 100 });
      const firstEvent = stream.next();
      await new Promise((r) => setTimeout(r, 30));
      await h.client.withSession((session) =>
        session.withTransaction(async () => {
          await items.insertOne({ _id: 'i1' as never, conv: 'c1' }, { session });
          await convs.updateOne({ _id: 'c1' as never }, { $set: { last: 1 } }, { session });
          expect(await items.countDocuments({}, { session })).toBe(1);
        }),
      );
      expect(await items.findOne({ _id: 'i1' as never })).not.toBeNull();
      expect((await convs.findOne({ _id: 'c1' as never }))?.last).toBe(1);
      expect((await firstEvent).operationType).toBe('insert');
      await stream.close();
    });

    it('discards every write of an aborted transaction', async () => {
      const items = h.db.collection<AnyDoc>('aborted');
      await items.insertOne({ _id: 'keep' as never, v: 1 });
      const session = h.client.startSession();
      session.startTransaction();
      await items.insertOne({ _id: 'new' as never }, { session });
      await items.updateOne({ _id: 'keep' as never }, { $set: { v: 2 } }, { session });
      await items.deleteOne({ _id: 'keep' as never }, { session });
      await session.abortTransaction();
      await session.endSession();
      expect(await items.find().toArray()).toEqual([{ _id: 'keep', v: 1 }]);
    });

    it('answers a conflicting write from another transaction with a transient WriteConflict', async () => {
      const c = h.db.collection<AnyDoc>('conflicts');
      await c.insertOne({ _id: 'x' as never, v: 0 });
      const a = h.client.startSession();
      const b = h.client.startSession();
      a.startTransaction();
      b.startTransaction();
      await c.updateOne({ _id: 'x' as never }, { $inc: { v: 1 } }, { session: a });
      const error = (await c.updateOne({ _id: 'x' as never }, { $inc: { v: 10 } }, { session: b }).catch((e: unknown) => e)) as MongoServerError;
      expect(error.code).toBe(112);
      expect(error.hasErrorLabel('TransientTransactionError')).toBe(true);
      await a.commitTransaction();
      await b.abortTransaction().catch(() => undefined);
      await Promise.all([a.endSession(), b.endSession()]);
      expect((await c.findOne({ _id: 'x' as never }))?.v).toBe(1);
    });

    it('answers a write to a document another transaction wrote and committed since this one started with WriteConflict', async () => {
      const c = h.db.collection<AnyDoc>('snapshots');
      await c.insertOne({ _id: 'y' as never, v: 0 });
      const a = h.client.startSession();
      const b = h.client.startSession();
      a.startTransaction();
      b.startTransaction();
      expect((await c.findOne({ _id: 'y' as never }, { session: a }))?.v).toBe(0);
      expect((await c.findOne({ _id: 'y' as never }, { session: b }))?.v).toBe(0);
      await c.updateOne({ _id: 'y' as never }, { $set: { v: 1 } }, { session: a });
      await a.commitTransaction();
      const error = (await c.updateOne({ _id: 'y' as never }, { $set: { v: 1 } }, { session: b }).catch((e: unknown) => e)) as MongoServerError;
      expect(error.code).toBe(112);
      expect(error.hasErrorLabel('TransientTransactionError')).toBe(true);
      await b.abortTransaction().catch(() => undefined);
      await Promise.all([a.endSession(), b.endSession()]);
      expect((await c.findOne({ _id: 'y' as never }))?.v).toBe(1);
    });

    it('lets withTransaction retry conflicting transactions until all succeed', async () => {
      const c = h.db.collection<AnyDoc>('retries');
      await c.insertOne({ _id: 'n' as never, v: 0 });
      await Promise.all(
        Array.from({ length: 5 }, () =>
          h.client.withSession((s) => s.withTransaction(async () => {
            const doc = await c.findOne({ _id: 'n' as never }, { session: s });
            await c.updateOne({ _id: 'n' as never }, { $set: { v: (doc!.v as number) + 1 } }, { session: s });
          })),
        ),
      );
      expect((await c.findOne({ _id: 'n' as never }))?.v).toBe(5);
    });

    it('makes a write outside any transaction wait for the transaction holding the document', async () => {
      const c = h.db.collection<AnyDoc>('waits');
      await c.insertOne({ _id: 'w' as never, v: 0 });
      const session = h.client.startSession();
      session.startTransaction();
      await c.updateOne({ _id: 'w' as never }, { $inc: { v: 1 } }, { session });
      const outside = c.updateOne({ _id: 'w' as never }, { $inc: { v: 100 } });
      await new Promise((r) => setTimeout(r, 50));
      await session.commitTransaction();
      await outside;
      await session.endSession();
      expect((await c.findOne({ _id: 'w' as never }))?.v).toBe(101);
    });

    it('keeps, and publishes, the statements before one that gave up waiting for a transaction', async () => {
      const c = h.db.collection<AnyDoc>('gave_up');
      await c.insertOne({ _id: 'x' as never, v: 0 });
      const session = h.client.startSession();
      session.startTransaction();
      await c.updateOne({ _id: 'x' as never }, { $inc: { v: 1 } }, { session });
      const stream = c.watch([], { maxAwaitTimeMS: 100 });
      const firstEvent = stream.next();
      await new Promise((r) => setTimeout(r, 30));
      const reply = await h.db.command({
        update: 'gave_up',
        updates: [
          { q: { _id: 'a' }, u: { $set: { v: 1 } }, upsert: true },
          { q: { _id: 'x' }, u: { $set: { v: 100 } } },
        ],
        ordered: true,
      });
      // MongoDB would wait for the transaction; this server gives up after a while, on that statement only.
      expect(reply).toMatchObject({ n: 1, upserted: [{ index: 0, _id: 'a' }], writeErrors: [{ index: 1, codeName: 'WriteConflict' }] });
      expect(reply.writeErrors[0]).not.toHaveProperty('errorLabels');
      expect(await firstEvent).toMatchObject({ operationType: 'insert', documentKey: { _id: 'a' } });
      await stream.close();
      await session.abortTransaction();
      await session.endSession();
      expect(await c.find().sort({ _id: 1 }).toArray()).toEqual([{ _id: 'a', v: 1 }, { _id: 'x', v: 0 }]);
    });
  });
});
