import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Binary, type Document } from 'bson';
import { Long, MongoClient, type ClientSession, type Db } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hostEmbeddedMongo } from '../../../runtime/mongo/host';
import { RetryableWrites, SWEEP_INTERVAL_MS, type StatementHistory } from '../../../runtime/mongo/retryable-writes';
import { sessionKeyOf } from '../../../runtime/mongo/transactions';
import { failNextLogWrite, quietLogger } from './fixtures/failing-log-write';
import { startReplyDroppingProxy } from './fixtures/reply-dropping-proxy';
import { useEmbeddedMongo, type AnyDoc } from './harness';

const lsid = (byte: number) => ({ id: new Binary(Buffer.alloc(16, byte), Binary.SUBTYPE_UUID) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('RetryableWrites', () => {
  let writes: RetryableWrites;
  beforeEach(() => {
    writes = new RetryableWrites();
  });
  afterEach(() => writes.close());

  /** Checks out a one-statement write, records its result and checks in; what a retry found recorded. */
  const write = async (byte: number, txnNumber = 1) => {
    const history = (await writes.checkOut({ insert: 'c', lsid: lsid(byte), txnNumber }))!;
    const recorded = history.result(0);
    history.record(0, true);
    history.checkIn();
    return recorded;
  };

  describe('#checkOut', () => {
    it('returns the results recorded under the same txnNumber, none for a newer one, and refuses an older one', async () => {
      expect(await write(1, 1)).toBeUndefined();
      expect(await write(1, 1)).toBe(true);
      expect(await write(1, 2)).toBeUndefined();
      await expect(write(1, 1)).rejects.toMatchObject({ code: 225, codeName: 'TransactionTooOld' });
    });

    it('gives no history to a command without lsid or txnNumber', () => {
      expect(writes.checkOut({ insert: 'c', lsid: lsid(1) })).toBeUndefined();
      expect(writes.checkOut({ insert: 'c', txnNumber: 1 })).toBeUndefined();
      expect(writes.sessionCount).toBe(0);
    });

    it('holds a session for one command at a time: the next waits for its check-in', async () => {
      const first = writes.checkOut({ insert: 'c', lsid: lsid(1), txnNumber: 1 }) as StatementHistory;
      const retry = writes.checkOut({ insert: 'c', lsid: lsid(1), txnNumber: 1 });
      expect(retry).toBeInstanceOf(Promise);
      first.record(0, 'ran once');
      first.checkIn();
      expect((await retry)!.result(0)).toBe('ran once');
    });
  });

  describe('#sweep', () => {
    it('forgets a session once it has been idle for 30 minutes of sweeps', async () => {
      await write(1);
      for (let minutes = SWEEP_INTERVAL_MS / 60_000; minutes <= 30; minutes += SWEEP_INTERVAL_MS / 60_000) writes.sweep();
      await write(2);
      expect(writes.sessionCount).toBe(2);
      writes.sweep();
      expect(writes.sessionCount).toBe(1);
      expect(await write(1)).toBeUndefined();
      expect(await write(2)).toBe(true);
    });
  });

  describe('#endSession', () => {
    it('forgets the session', async () => {
      await write(1);
      writes.endSession(sessionKeyOf(lsid(1))!);
      expect(writes.sessionCount).toBe(0);
    });
  });
});

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('retryable');

  describe('retryable writes', () => {
    // A fresh lsid for each test. Its session is left to the client's close: an ended session's lsid
    // goes back to the driver's pool and would come back to a later test, past txnNumbers it sends.
    let session: ClientSession;
    beforeEach(() => {
      session = h.client.startSession();
    });

    /** Runs the command as a retryable write: on the test's session (its lsid), with `txnNumber`. */
    const send = (command: Document, txnNumber: number, db: Db = h.db) => db.command({ ...command, txnNumber: Long.fromNumber(txnNumber) }, { session });
    const withoutClusterTime = ({ $clusterTime, operationTime, ...reply }: Document) => reply;
    const sendAndRetry = async (command: Document, txnNumber: number, db?: Db) => {
      const first = withoutClusterTime(await send(command, txnNumber, db));
      const retry = withoutClusterTime(await send(command, txnNumber, db));
      return { first, retry };
    };

    it('answers a retried insert with the first reply and inserts nothing again; a newer txnNumber runs', async () => {
      const c = h.db.collection<AnyDoc>('inserts');
      const insert = { insert: 'inserts', documents: [{ _id: 1 }, { _id: 2 }] };
      const { first, retry } = await sendAndRetry(insert, 1);
      expect(first).toEqual({ n: 2, ok: 1 });
      expect(retry).toEqual({ n: 2, retriedStmtIds: [0, 1], ok: 1 });
      expect(await c.countDocuments()).toBe(2);
      const rerun = await send(insert, 2);
      expect(rerun.writeErrors.map((e: Document) => e.code)).toEqual([11000]);
      expect(withoutClusterTime(await send({ insert: 'inserts', documents: [{ _id: 3 }] }, 3))).toEqual({ n: 1, ok: 1 });
      expect(await c.countDocuments()).toBe(3);
    });

    it('answers retried updates, deletes, findAndModify and bulkWrite with their first result, without writing again', async () => {
      const c = h.db.collection<AnyDoc>('mixed');
      await c.insertMany([{ _id: 'a', n: 0 }, { _id: 'b', k: 1 }, { _id: 'c', k: 1 }]);
      const update = { update: 'mixed', updates: [{ q: { _id: 'a' }, u: { $inc: { n: 1 } } }, { q: { _id: 'new' }, u: { $inc: { n: 1 } }, upsert: true }] };
      const updated = await sendAndRetry(update, 1);
      expect(updated.first).toEqual({ n: 2, nModified: 1, upserted: [{ index: 1, _id: 'new' }], ok: 1 });
      expect(updated.retry).toEqual({ ...updated.first, retriedStmtIds: [0, 1] });
      const deleted = await sendAndRetry({ delete: 'mixed', deletes: [{ q: { k: 1 }, limit: 1 }] }, 2);
      expect(deleted.first).toEqual({ n: 1, ok: 1 });
      expect(deleted.retry).toEqual({ n: 1, retriedStmtIds: [0], ok: 1 });
      const modified = await sendAndRetry({ findAndModify: 'mixed', query: { _id: 'a' }, update: { $inc: { n: 10 } }, new: true, fields: { n: 1 } }, 3);
      expect(modified.first).toMatchObject({ value: { _id: 'a', n: 11 }, ok: 1 });
      expect(modified.retry).toEqual(modified.first);
      const bulk = { bulkWrite: 1, ops: [{ insert: 0, document: { _id: 'bulk' } }, { update: 0, filter: { _id: 'a' }, updateMods: { $inc: { n: 100 } } }], nsInfo: [{ ns: 'retryable.mixed' }] };
      const bulkWritten = await sendAndRetry(bulk, 4, h.client.db('admin'));
      expect(bulkWritten.first).toMatchObject({ nErrors: 0, nInserted: 1, nMatched: 1, nModified: 1 });
      expect(bulkWritten.retry).toEqual({ ...bulkWritten.first, retriedStmtIds: [0, 1] });
      expect(await c.find({ k: { $exists: false } }).sort({ _id: 1 }).toArray()).toEqual([{ _id: 'a', n: 111 }, { _id: 'bulk' }, { _id: 'new', n: 1 }]);
      expect(await c.countDocuments({ k: 1 })).toBe(1);
    });

    it("refuses a txnNumber older than the session's newest with TransactionTooOld, writing nothing", async () => {
      await send({ insert: 'old', documents: [{ _id: 1 }] }, 5);
      const error = await send({ insert: 'old', documents: [{ _id: 2 }] }, 4).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 225, codeName: 'TransactionTooOld' });
      expect(await h.db.collection('old').countDocuments()).toBe(1);
    });

    it('makes a retry that arrives while the first attempt still runs wait for it, and answers with its result', async () => {
      const c = h.db.collection<AnyDoc>('waiting');
      await c.insertOne({ _id: 'w', n: 0 });
      const holder = h.client.startSession();
      holder.startTransaction();
      await c.updateOne({ _id: 'w' }, { $inc: { n: 100 } }, { session: holder }); // the attempt waits for this lock
      const update = { update: 'waiting', updates: [{ q: { _id: 'w' }, u: { $inc: { n: 1 } } }] };
      const attempt = send(update, 1);
      await sleep(30);
      const retry = send(update, 1);
      await sleep(30);
      await holder.commitTransaction();
      await holder.endSession();
      expect(withoutClusterTime(await attempt)).toEqual({ n: 1, nModified: 1, ok: 1 });
      expect(withoutClusterTime(await retry)).toEqual({ n: 1, nModified: 1, retriedStmtIds: [0], ok: 1 });
      expect((await c.findOne({ _id: 'w' }))?.n).toBe(101);
    });

    it("keeps the driver's own retry after a lost reply from writing twice", async () => {
      const proxy = await startReplyDroppingProxy(h.server.socketPath);
      const client = new MongoClient(`mongodb://127.0.0.1:${proxy.port}/?directConnection=true`, { monitorCommands: true });
      try {
        const c = client.db('retryable').collection<AnyDoc>('lostReplies');
        await c.insertOne({ _id: 'counter', n: 0 });
        const attempts: unknown[] = [];
        client.on('commandStarted', (event) => event.commandName === 'update' && attempts.push(event.command.txnNumber));
        proxy.dropReplyTo('lostReplies');
        const result = await c.updateOne({ _id: 'counter' }, { $inc: { n: 1 } });
        expect(attempts).toHaveLength(2);
        expect(attempts[1]).toEqual(attempts[0]);
        expect(result.modifiedCount).toBe(1);
        expect((await c.findOne({ _id: 'counter' }))?.n).toBe(1);
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  });

  describe('retryable writes on a data directory', () => {
    afterEach(() => vi.restoreAllMocks());

    it('never answers a retry with the result of a write its log refused', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-mongo-'));
      const host = await hostEmbeddedMongo({ dataDir: dir, logger: quietLogger });
      const client = await new MongoClient(host.uri, { retryWrites: false }).connect();
      const session = client.startSession();
      const send = () => client.db('app').command({ insert: 'refused', documents: [{ _id: 1 }], txnNumber: Long.fromNumber(1) }, { session });
      try {
        failNextLogWrite();
        await expect(send()).rejects.toMatchObject({ code: 1, message: expect.stringContaining('operation log') });
        await expect(send()).rejects.toMatchObject({ code: 1 });
      } finally {
        await client.close();
        await host.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
