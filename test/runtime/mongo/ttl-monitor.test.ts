import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Binary, Long, type Document } from 'bson';
import { MongoClient, type ChangeStreamDeleteDocument } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedMongo } from '../../../runtime/mongo';
import { CursorRegistry } from '../../../runtime/mongo/cursors';
import { Engine } from '../../../runtime/mongo/engine';
import type { Journal } from '../../../runtime/mongo/persistence';
import { WireServer } from '../../../runtime/mongo/server';
import { socketUri } from '../../../runtime/mongo/socket-place';
import { startTtlMonitor, TTL_MIN_SLICE_DOCS, TTL_SLICE_DOCS, TTL_SLICE_MS, type TtlMonitor } from '../../../runtime/mongo/ttl-monitor';
import { useEmbeddedMongo, type AnyDoc } from './harness';

const INTERVAL_MS = 100;
const HOUR_MS = 3_600_000;
const ago = (ms: number) => new Date(Date.now() - ms);
const idsOf = (docs: AnyDoc[]) => docs.map((doc) => doc._id).sort();

const tempDirs: string[] = [];
afterEach(() => {
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('ttl', { ttlMonitorIntervalMs: INTERVAL_MS });

  describe('#ttlMonitor', () => {
    it('deletes the documents whose date (or earliest date of an array) is past, and keeps the others', async () => {
      const c = h.db.collection<AnyDoc>('expiring');
      await c.createIndex({ expireAt: 1 }, { expireAfterSeconds: 0 });
      await c.insertMany([
        { _id: 'past', expireAt: ago(1_000) },
        { _id: 'future', expireAt: ago(-HOUR_MS) },
        { _id: 'array-with-past', expireAt: [ago(-HOUR_MS), ago(1_000)] },
        { _id: 'array-all-future', expireAt: [ago(-HOUR_MS), ago(-2 * HOUR_MS)] },
        // Not dates: never deleted, however small they are.
        { _id: 'missing' },
        { _id: 'null', expireAt: null },
        { _id: 'number', expireAt: 0 },
        { _id: 'long', expireAt: Long.fromNumber(0) },
        { _id: 'string', expireAt: '2000-01-01T00:00:00Z' },
        { _id: 'empty-array', expireAt: [] },
        { _id: 'numbers', expireAt: [0, 1] },
      ]);
      await expect.poll(async () => idsOf(await c.find().toArray())).toEqual(
        ['array-all-future', 'empty-array', 'future', 'long', 'missing', 'null', 'number', 'numbers', 'string'],
      );
    });

    it('counts expireAfterSeconds from the date in the field, on a descending index too', async () => {
      const c = h.db.collection<AnyDoc>('aged');
      await c.createIndex({ seenAt: -1 }, { expireAfterSeconds: 3_600 });
      await c.insertMany([
        { _id: 'two-hours', seenAt: ago(2 * HOUR_MS) },
        { _id: 'half-an-hour', seenAt: ago(HOUR_MS / 2) },
      ]);
      await expect.poll(async () => idsOf(await c.find().toArray())).toEqual(['half-an-hour']);
    });

    it('deletes more expired documents than one slice holds, and index lookups then find none of them', async () => {
      const c = h.db.collection<AnyDoc>('many');
      await c.createIndex({ expireAt: 1 }, { expireAfterSeconds: 0 });
      await c.createIndex({ group: 1 });
      await c.insertMany(Array.from({ length: 1_300 }, (_, i) => ({ _id: i, group: i % 2 === 0 ? 'expired' : 'kept', expireAt: i % 2 === 0 ? ago(1_000) : ago(-HOUR_MS) })));
      await expect.poll(() => c.countDocuments({ group: 'expired' })).toBe(0);
      expect(await c.countDocuments({ group: 'kept' })).toBe(650);
      expect(await c.countDocuments({ expireAt: { $lt: new Date() } })).toBe(0);
    });

    it('tells change streams of each deletion', async () => {
      const c = h.db.collection<AnyDoc>('watched');
      await c.createIndex({ expireAt: 1 }, { expireAfterSeconds: 0 });
      const stream = c.watch([], { maxAwaitTimeMS: 200 });
      try {
        await stream.tryNext(); // the stream's cursor is open: what follows is seen
        await c.insertOne({ _id: 'gone', expireAt: ago(1_000) });
        expect(await stream.next()).toMatchObject({ operationType: 'insert', documentKey: { _id: 'gone' } });
        expect(await stream.next()).toMatchObject({ operationType: 'delete', documentKey: { _id: 'gone' } });
      } finally {
        await stream.close();
      }
    });

    it('keeps its deletions across a restart of a server with a data folder', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-mongo-ttl-'));
      tempDirs.push(dataDir);
      const run = async (ttlMonitorIntervalMs: number, body: (client: MongoClient) => Promise<void>) => {
        const server = await startEmbeddedMongo({ dataDir, ttlMonitorIntervalMs });
        const client = await new MongoClient(server.uri).connect();
        try {
          await body(client);
        } finally {
          await client.close();
          await server.close();
        }
      };
      await run(INTERVAL_MS, async (client) => {
        const c = client.db('ttl').collection<AnyDoc>('durable');
        await c.createIndex({ expireAt: 1 }, { expireAfterSeconds: 0 });
        await c.insertMany([
          { _id: 'expired', expireAt: ago(1_000) },
          { _id: 'kept', expireAt: ago(-HOUR_MS) },
        ]);
        await expect.poll(async () => idsOf(await c.find().toArray())).toEqual(['kept']);
      });
      // A monitor that does not wake before the checks: what is gone was gone from the log.
      await run(HOUR_MS, async (client) => {
        const c = client.db('ttl').collection<AnyDoc>('durable');
        expect(idsOf(await c.find().toArray())).toEqual(['kept']);
        expect(await c.listIndexes().toArray()).toContainEqual({ v: 2, key: { expireAt: 1 }, name: 'expireAt_1', expireAfterSeconds: 0 });
      });
    });
  });
});

/** A clock on which every slice's deleting takes longer than TTL_SLICE_MS: each slice is half the one before, down to the least. */
function slowClock(): () => number {
  let now = 0;
  return () => (now += TTL_SLICE_MS + 1);
}

/** A journal that hands each write's records (but none of a pass that found nothing) to `onAppend` once `watching()`, keeping nothing. */
function watchedJournal(watching: () => boolean, onAppend: (records: Document[]) => void): Journal {
  return {
    logBytes: 0,
    compacting: false,
    append: async (records) => {
      if (watching() && records.length > 0) onAppend(records);
    },
    checkFailure: () => undefined,
    compact: () => {},
    compactInSteps: async () => {},
    close: () => {},
  };
}

/** Gives the engine `count` documents expired a second ago, in ttl.big under a TTL index; returns that collection. */
async function expiredDocs(engine: Engine, count: number) {
  const setup = engine.newContext();
  const collection = engine.ensureCollection(setup, 'ttl', 'big');
  engine.createIndex(setup, collection, { name: 'expireAt_1', key: { expireAt: 1 }, expireAfterSeconds: 0 });
  for (let i = 0; i < count; i++) engine.insert(setup, collection, { _id: i, expireAt: ago(1_000) });
  await engine.finish(setup);
  return collection;
}

describe('startTtlMonitor', () => {
  it('writes at most a slice of deletions at a time, and a stop ends its pass after the slice under way', async () => {
    const written: Document[][] = [];
    let stopped: Promise<void> | undefined;
    let monitor: TtlMonitor | undefined;
    const engine = new Engine(
      watchedJournal(
        () => monitor !== undefined,
        (records) => {
          written.push(records);
          // The server starts to close while the first slice is written.
          stopped ??= monitor!.stop();
        },
      ),
    );
    const collection = await expiredDocs(engine, 3 * TTL_SLICE_DOCS);

    // A clock that stands still: the slices end at their count.
    monitor = startTtlMonitor(engine, { intervalMs: 1, clock: () => 0 });
    await expect.poll(() => stopped !== undefined).toBe(true);
    await stopped;
    expect(written).toHaveLength(1);
    expect(written[0]).toHaveLength(TTL_SLICE_DOCS);
    expect(written[0]!.every((record) => record.op === 'del')).toBe(true);
    expect(collection.docs.size).toBe(2 * TTL_SLICE_DOCS);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written).toHaveLength(1);
  });

  it('halves the next slice after a slow one, down to the least, and lets waiting work run before the next', async () => {
    const sliceSizes: number[] = [];
    const leftWhenWaitingWorkRan: number[] = [];
    let monitor: TtlMonitor | undefined;
    const engine = new Engine(
      watchedJournal(
        () => monitor !== undefined,
        (records) => {
          sliceSizes.push(records.length);
          // Work that arrives while this slice is written (a command) runs before the next slice.
          setImmediate(() => leftWhenWaitingWorkRan.push(collection.docs.size));
        },
      ),
    );
    const collection = await expiredDocs(engine, 2 * TTL_SLICE_DOCS);

    monitor = startTtlMonitor(engine, { intervalMs: 1, clock: slowClock() });
    try {
      await expect.poll(() => collection.docs.size).toBe(0);
    } finally {
      await monitor.stop();
    }
    // The last slice's waiting work was queued as it was written: let it run (a CI run asserted first).
    await new Promise((resolve) => setImmediate(resolve));
    const sizes = [500, 250, 125, 62, TTL_MIN_SLICE_DOCS, 13];
    expect(sliceSizes).toEqual(sizes);
    expect(leftWhenWaitingWorkRan).toEqual(sizes.map((_, i) => 2 * TTL_SLICE_DOCS - sizes.slice(0, i + 1).reduce((a, b) => a + b, 0)));
  });

  it('answers a command sent during a pass before the pass ends, deletes every expired document and tells change streams of each', async () => {
    let firstSlice: (() => void) | undefined;
    const engine = new Engine(watchedJournal(() => firstSlice !== undefined, () => firstSlice?.()));
    const collection = await expiredDocs(engine, 2 * TTL_SLICE_DOCS);
    const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-mongo-ttl-'));
    tempDirs.push(socketDir);
    const cursors = new CursorRegistry();
    const server = new WireServer(engine, cursors);
    await server.listen(path.join(socketDir, 'mongod.sock'));
    const client = await new MongoClient(socketUri(path.join(socketDir, 'mongod.sock'))).connect();
    let monitor: TtlMonitor | undefined;
    try {
      const db = client.db('ttl');
      const stream = db.collection<AnyDoc>('big').watch<AnyDoc, ChangeStreamDeleteDocument<AnyDoc>>([{ $match: { operationType: 'delete' } }], { maxAwaitTimeMS: 200 });
      await stream.tryNext(); // the stream's cursor is open: what follows is seen
      const answered = new Promise<number>((resolve) => {
        firstSlice = () => {
          firstSlice = undefined;
          void db.command({ ping: 1 }).then(() => resolve(collection.docs.size));
        };
      });

      monitor = startTtlMonitor(engine, { intervalMs: 1, clock: slowClock() });
      // Still expired documents left when the ping was answered: the pass let it through midway.
      expect(await answered).toBeGreaterThan(0);
      await expect.poll(() => db.collection('big').countDocuments()).toBe(0);
      const deleted: unknown[] = [];
      while (deleted.length < 2 * TTL_SLICE_DOCS) deleted.push((await stream.next()).documentKey._id);
      expect(deleted.sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 2 * TTL_SLICE_DOCS }, (_, i) => i));
      await stream.close();
    } finally {
      await monitor?.stop();
      await client.close();
      await server.close();
      cursors.dispose();
    }
  });

  it('deletes nothing while a slice waits for a transaction’s lock, so the journal keeps the order the writes were made in', async () => {
    const journaled: Document[] = [];
    const engine = new Engine(watchedJournal(() => true, (records) => journaled.push(...records)));
    const collection = await expiredDocs(engine, 100);
    // A client's transaction changes expired document 75 and holds it.
    const txn = engine.transactions.forCommand({ autocommit: false, lsid: { id: new Binary(Buffer.alloc(16, 1), 4) }, txnNumber: 1, startTransaction: true })!;
    const inTxn = engine.newContext(txn);
    const held = [...collection.docs.values()].find((doc) => doc._id === 75)!;
    engine.replace(inTxn, collection, held, { ...held, touched: true });
    await engine.finish(inTxn);
    journaled.length = 0;

    const monitor = startTtlMonitor(engine, { intervalMs: 1, clock: () => 0 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 100)); // the pass is waiting for the lock by now
      expect(collection.docs.size).toBe(100);
      // Meanwhile a client writes document 3 anew: it is to stay (its date is in the future).
      const write = engine.newContext();
      const three = [...collection.docs.values()].find((doc) => doc._id === 3)!;
      await engine.statement(write, () => engine.replace(write, collection, three, { _id: 3, expireAt: new Date(Date.now() + HOUR_MS) }));
      await engine.finish(write);
      await engine.commitTransaction(txn);
      await expect.poll(() => collection.docs.size).toBe(1);
    } finally {
      await monitor.stop();
    }
    // The journal read back gives what memory holds: document 3, written after the pass began waiting.
    const replayed = new Engine(watchedJournal(() => false, () => {}));
    replayed.applyRecord({ op: 'createColl', ns: { db: 'ttl', coll: 'big' } });
    for (let i = 0; i < 100; i++) replayed.applyRecord({ op: 'put', ns: { db: 'ttl', coll: 'big' }, doc: { _id: i } });
    for (const record of journaled) replayed.applyRecord(record);
    expect([...replayed.collection('ttl', 'big')!.docs.values()].map((doc) => doc._id)).toEqual([3]);
  });

  it('logs a pass that fails outside any deletion and deletes at the next one', async () => {
    const engine = new Engine(watchedJournal(() => false, () => {}));
    const collection = await expiredDocs(engine, 1);
    const listing = engine.databaseNames.bind(engine);
    let failures = 1;
    engine.databaseNames = () => {
      if (failures-- > 0) throw new Error('listing failed');
      return listing();
    };
    const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
    const monitor = startTtlMonitor(engine, { intervalMs: 1, logger: logger as never });
    try {
      await expect.poll(() => collection.docs.size).toBe(0);
      expect(logger.error).toHaveBeenCalledWith({ err: 'Error: listing failed' }, 'embedded mongo: TTL pass failed');
    } finally {
      await monitor.stop();
    }
  });
});

