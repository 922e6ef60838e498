import { MongoClient, type ChangeStreamDocument, type ChangeStream, type Document } from 'mongodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChangeLog } from '../../../runtime/mongo/change-streams';
import { ClusterClock } from '../../../runtime/mongo/cluster-clock';
import { REPORTED_CONVERSATION_CHANGES } from '../../../activities/store/changes';
import { useEmbeddedMongo, type AnyDoc } from './harness';

/**
 * Opens the stream: its cursor is established once tryNext answers (nothing yet: null), so every change
 * made after this is seen. Waiting a fixed time instead lost the first change when the machine was busy.
 */
async function opened(stream: ChangeStream): Promise<void> {
  expect(await stream.tryNext()).toBeNull();
}

async function nextEvents(stream: ChangeStream, n: number): Promise<ChangeStreamDocument[]> {
  const events: ChangeStreamDocument[] = [];
  while (events.length < n) events.push(await stream.next());
  return events;
}

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('streams');
  let watcher: MongoClient;
  beforeAll(async () => {
    watcher = await new MongoClient(h.server.uri).connect();
  });
  afterAll(async () => {
    await watcher.close();
  });

  describe('#watch', () => {
    it('delivers insert, update and delete from another client in order, with $match and updateLookup', async () => {
      const stream = watcher.db('streams').collection('items').watch([{ $match: { 'documentKey._id': { $ne: 'ignored' } } }], { fullDocument: 'updateLookup', maxAwaitTimeMS: 200 });
      await opened(stream);
      const first = stream.next();
      const items = h.db.collection<AnyDoc>('items');
      await items.insertOne({ _id: 'ignored' as never, v: 0 });
      await items.insertOne({ _id: 'a' as never, v: 1 });
      await items.updateOne({ _id: 'a' as never }, { $set: { v: 2 }, $unset: { gone: '' }, $push: { list: 1 } as never });
      const [inserted, updated] = [await first, ...(await nextEvents(stream, 1))] as Document[];
      await items.replaceOne({ _id: 'a' as never }, { v: 3 });
      await items.deleteOne({ _id: 'a' as never });
      await h.db.collection<AnyDoc>('other').insertOne({ x: 1 });
      const events = [inserted!, updated!, ...(await nextEvents(stream, 2))] as Document[];
      expect(events.map((e) => e.operationType)).toEqual(['insert', 'update', 'replace', 'delete']);
      expect(events[0]).toMatchObject({ ns: { db: 'streams', coll: 'items' }, documentKey: { _id: 'a' }, fullDocument: { _id: 'a', v: 1 } });
      expect(events[0]!._id._data).toMatch(/^[0-9a-f]+$/);
      expect(events[0]!.clusterTime._bsontype).toBe('Timestamp');
      expect(events[0]!.wallTime).toBeInstanceOf(Date);
      expect(events[1]!.updateDescription).toEqual({ updatedFields: { v: 2, list: [1] }, removedFields: [], truncatedArrays: [] });
      expect(events[1]!.fullDocument).toEqual({ _id: 'a', v: 2, list: [1] });
      expect(events[2]!.fullDocument).toEqual({ _id: 'a', v: 3 });
      expect(events[3]!.documentKey).toEqual({ _id: 'a' });
      expect(events[3]!.clusterTime.compare(events[2]!.clusterTime)).toBe(1);
      await stream.close();
    });

    it('filters on the update description and on the looked-up document alike, then reshapes', async () => {
      const pipeline = [
        { $match: { $expr: { $not: { $in: ['quiet', { $map: { input: { $objectToArray: { $ifNull: ['$updateDescription.updatedFields', {}] } }, in: '$$this.k' } }] } } } },
        { $match: { 'fullDocument.v': { $gte: 2 } } },
        { $set: { seen: true } },
      ];
      const stream = watcher.db('streams').collection('filtered').watch(pipeline, { fullDocument: 'updateLookup', maxAwaitTimeMS: 200 });
      await opened(stream);
      const first = stream.next();
      const docs = h.db.collection<AnyDoc>('filtered');
      await docs.insertOne({ _id: 'f' as never, v: 1 });
      await docs.updateOne({ _id: 'f' as never }, { $set: { v: 2, quiet: 1 } });
      await docs.updateOne({ _id: 'f' as never }, { $set: { v: 3 } });
      const reported = (await first) as Document;
      expect(reported).toMatchObject({ operationType: 'update', updateDescription: { updatedFields: { v: 3 } }, fullDocument: { _id: 'f', v: 3 }, seen: true });
      await stream.close();
    });

    it('passes the conversation changes the store reports (a compiled $expr): inserts, and updates of other fields or removing one', async () => {
      const stream = watcher.db('streams').collection('conversations').watch([REPORTED_CONVERSATION_CHANGES], { fullDocument: 'updateLookup', maxAwaitTimeMS: 200 });
      await opened(stream);
      const first = stream.next();
      const conversations = h.db.collection<AnyDoc>('conversations');
      await conversations.insertOne({ _id: 'c1', status: 'open', creationKey: 'k' });
      await conversations.updateOne({ _id: 'c1' }, { $set: { lastItemAll: { text: 'hi' }, lastSeqAll: 1, lastActivityAt: new Date() } });
      await conversations.updateOne({ _id: 'c1' }, { $set: { lastSeqAll: 2, status: 'closed' } });
      await conversations.updateOne({ _id: 'c1' }, { $set: { lastSeqAll: 3 }, $unset: { creationKey: '' } });
      await conversations.deleteOne({ _id: 'c1' });
      await conversations.insertOne({ _id: 'c2' });
      const events = [await first, ...(await nextEvents(stream, 3))] as Document[];
      expect(events.map((e) => [e.operationType, e.documentKey._id])).toEqual([['insert', 'c1'], ['update', 'c1'], ['update', 'c1'], ['insert', 'c2']]);
      expect(events[1]!.updateDescription.updatedFields).toEqual({ lastSeqAll: 2, status: 'closed' });
      expect(events[2]!.updateDescription.removedFields).toEqual(['creationKey']);
      await stream.close();
    });

    it('resumes after a token and watches at database and cluster level', async () => {
      const items = h.db.collection<AnyDoc>('resume');
      const dbStream = watcher.db('streams').watch([], { maxAwaitTimeMS: 200 });
      const clusterStream = watcher.watch([{ $match: { operationType: 'insert' } }], { maxAwaitTimeMS: 200 });
      await Promise.all([opened(dbStream), opened(clusterStream)]);
      const started = Promise.all([dbStream.next(), clusterStream.next()]);
      await items.insertOne({ n: 1 });
      await items.insertOne({ n: 2 });
      await items.insertOne({ n: 3 });
      const [firstDb, firstCluster] = (await started) as Document[];
      expect(firstDb!.fullDocument.n).toBe(1);
      expect(firstCluster!.fullDocument.n).toBe(1);
      const resumed = watcher.db('streams').collection('resume').watch([], { resumeAfter: firstDb!._id, maxAwaitTimeMS: 200 });
      const rest = (await nextEvents(resumed, 2)) as Document[];
      expect(rest.map((e) => e.fullDocument.n)).toEqual([2, 3]);
      await Promise.all([dbStream.close(), clusterStream.close(), resumed.close()]);
    });

    it('answers getMore with an empty batch and a resume token after maxAwaitTimeMS', async () => {
      const reply = await h.db.command({ aggregate: 'quiet', pipeline: [{ $changeStream: {} }], cursor: {} });
      const started = Date.now();
      const more = await h.db.command({ getMore: reply.cursor.id, collection: 'quiet', maxTimeMS: 150 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(more.cursor.nextBatch).toEqual([]);
      expect(more.cursor.postBatchResumeToken._data).toMatch(/^[0-9a-f]+$/);
    });

    it('rejects a resume token it no longer has', async () => {
      const error = await h.db.command({ aggregate: 'x', pipeline: [{ $changeStream: { resumeAfter: { _data: 'deadbeef0000000000000001' } } }], cursor: {} }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 286 });
    });

    it('fails a stream the log has left behind instead of skipping what it missed', async () => {
      const watched = h.db.collection<AnyDoc>('left_behind');
      const stream = watched.watch([], { maxAwaitTimeMS: 50 });
      await stream.tryNext();
      await watched.insertOne({ n: 1 });
      expect((await stream.next()).operationType).toBe('insert');
      // More changes elsewhere than the log keeps at most (about 70,000), while this stream does not read.
      const elsewhere = h.db.collection<AnyDoc>('busy');
      for (let i = 0; i < 8; i++) await elsewhere.insertMany(Array.from({ length: 10_000 }, (_, n) => ({ n })));
      await watched.insertOne({ n: 2 });
      await expect(stream.next()).rejects.toMatchObject({ code: 286 });
      await stream.close();
    });
  });
});

describe('ChangeLog', () => {
  const change = { operationType: 'insert' as const, ns: { db: 'd', coll: 'c' }, documentKey: { _id: 1 } };
  const publish = (log: ChangeLog, n: number) => {
    for (let i = 0; i < n; i++) log.publish([change]);
  };

  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps everything of the keep window up to its most, then the newest', () => {
    const log = new ChangeLog(new ClusterClock(), { minEvents: 10, keepMs: 1_000, maxEvents: 50 });
    publish(log, 45);
    expect(() => log.assertHeld(0)).not.toThrow();
    publish(log, 15);
    expect(() => log.assertHeld(5)).toThrow(expect.objectContaining({ codeName: 'ChangeStreamHistoryLost' }));
    expect(() => log.assertHeld(10)).not.toThrow();
  });

  it('lets events older than the keep window go, down to its least', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const log = new ChangeLog(new ClusterClock(), { minEvents: 10, keepMs: 1_000, maxEvents: 1_000 });
    publish(log, 15);
    vi.setSystemTime(Date.now() + 2_000);
    publish(log, 5);
    // 20 events, all but the last 5 older than the window: 10 are kept.
    expect(() => log.assertHeld(9)).toThrow(expect.objectContaining({ codeName: 'ChangeStreamHistoryLost' }));
    expect(() => log.assertHeld(10)).not.toThrow();
  });
});
