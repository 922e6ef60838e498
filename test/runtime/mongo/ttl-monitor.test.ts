import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Long, type Document } from 'bson';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedMongo } from '../../../runtime/mongo';
import { Engine } from '../../../runtime/mongo/engine';
import type { Journal } from '../../../runtime/mongo/persistence';
import { startTtlMonitor, TTL_BATCH, type TtlMonitor } from '../../../runtime/mongo/ttl-monitor';
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

    it('deletes more expired documents than one batch holds, and index lookups then find none of them', async () => {
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

describe('startTtlMonitor', () => {
  it('writes at most a batch of deletions at a time, and a stop ends its pass after the batch under way', async () => {
    const written: Document[][] = [];
    let stopped: Promise<void> | undefined;
    const journal: Journal = {
      logBytes: 0,
      append: async (records) => {
        if (!monitor) return; // the setup's inserts
        written.push(records);
        // The server starts to close while the first batch is written.
        stopped ??= monitor.stop();
      },
      checkFailure: () => undefined,
      compact: () => {},
      close: () => {},
    };
    let monitor: TtlMonitor | undefined;
    const engine = new Engine(journal);
    const setup = engine.newContext();
    const collection = engine.ensureCollection(setup, 'ttl', 'big');
    engine.createIndex(setup, collection, { name: 'expireAt_1', key: { expireAt: 1 }, expireAfterSeconds: 0 });
    for (let i = 0; i < 3 * TTL_BATCH; i++) engine.insert(setup, collection, { _id: i, expireAt: ago(1_000) });
    await engine.finish(setup);

    monitor = startTtlMonitor(engine, 1);
    await expect.poll(() => stopped !== undefined).toBe(true);
    await stopped;
    expect(written).toHaveLength(1);
    expect(written[0]).toHaveLength(TTL_BATCH);
    expect(written[0]!.every((record) => record.op === 'del')).toBe(true);
    expect(collection.docs.size).toBe(2 * TTL_BATCH);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(written).toHaveLength(1);
  });

  it('logs a pass that fails outside any deletion and deletes at the next one', async () => {
    const journal: Journal = { logBytes: 0, append: async () => {}, checkFailure: () => undefined, compact: () => {}, close: () => {} };
    const engine = new Engine(journal);
    const setup = engine.newContext();
    const collection = engine.ensureCollection(setup, 'ttl', 'listing');
    engine.createIndex(setup, collection, { name: 'expireAt_1', key: { expireAt: 1 }, expireAfterSeconds: 0 });
    engine.insert(setup, collection, { _id: 'expired', expireAt: ago(1_000) });
    await engine.finish(setup);
    const listing = engine.databaseNames.bind(engine);
    let failures = 1;
    engine.databaseNames = () => {
      if (failures-- > 0) throw new Error('listing failed');
      return listing();
    };
    const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn(), debug: vi.fn() };
    const monitor = startTtlMonitor(engine, 1, logger as never);
    try {
      await expect.poll(() => collection.docs.size).toBe(0);
      expect(logger.error).toHaveBeenCalledWith({ err: 'Error: listing failed' }, 'embedded mongo: TTL pass failed');
    } finally {
      await monitor.stop();
    }
  });
});

