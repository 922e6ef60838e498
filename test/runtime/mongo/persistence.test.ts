import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedMongo, type EmbeddedMongo } from '../../../runtime/mongo';
import { hostEmbeddedMongo } from '../../../runtime/mongo/host';
import { frame } from '../../../runtime/mongo/frames';
import { batchFrames } from '../../../runtime/mongo/log-batches';
import { FileJournal } from '../../../runtime/mongo/persistence';
import { failNextLogWrite, quietLogger } from './fixtures/failing-log-write';

const CRASH_WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const tempDirs: string[] = [];

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-mongo-'));
  tempDirs.push(dir);
  return dir;
}

async function withServer<T>(dataDir: string, run: (client: MongoClient, server: EmbeddedMongo) => Promise<T>): Promise<T> {
  const server = await startEmbeddedMongo({ dataDir });
  const client = await new MongoClient(server.uri).connect();
  try {
    return await run(client, server);
  } finally {
    await client.close();
    await server.close();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('EmbeddedMongo', () => {
  describe('#persistence', () => {
    it('keeps documents, updates, deletes and index definitions across a restart', async () => {
      const dir = tempDir();
      await withServer(dir, async (client) => {
        const c = client.db('app').collection('things');
        await c.createIndex({ email: 1 }, { unique: true });
        await c.insertMany(Array.from({ length: 200 }, (_, i) => ({ _id: i as never, email: `u${i}@x` })));
        await c.updateOne({ _id: 5 as never }, { $set: { touched: true } });
        await c.deleteOne({ _id: 6 as never });
      });
      await withServer(dir, async (client) => {
        const c = client.db('app').collection('things');
        expect(await c.countDocuments()).toBe(199);
        expect(await c.findOne({ _id: 5 as never })).toMatchObject({ touched: true });
        expect(await c.findOne({ _id: 6 as never })).toBeNull();
        expect((await c.listIndexes().toArray()).map((i) => i.name)).toEqual(['_id_', 'email_1']);
        await expect(c.insertOne({ email: 'u1@x' })).rejects.toMatchObject({ code: 11000 });
      });
    });

    it('keeps its files to this user: the directory 0700, even one made before, and its files 0600', async () => {
      const dir = path.join(tempDir(), 'mongo');
      fs.mkdirSync(dir, { mode: 0o755 }); // as an earlier version left it
      await withServer(dir, async (client) => {
        const db = client.db('app');
        await db.collection('websites').insertOne({ secretKey: 'sk_kept_private' });
        expect((await db.command({ compact: 'websites' })).compacted).toBe(true); // a snapshot too
      });
      expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
      const files = fs.readdirSync(dir).filter((name) => name !== 'server.lock');
      expect(files).toEqual(expect.arrayContaining(['snapshot.bson']));
      for (const name of files) expect([name, fs.statSync(path.join(dir, name)).mode & 0o777]).toEqual([name, 0o600]);
    });

    it('loses no acknowledged write when the process is killed with SIGKILL mid-burst', async () => {
      const dir = tempDir();
      const child = spawn(process.execPath, ['--import', 'tsx', CRASH_WRITER, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      const acked = new Map<string, number>();
      let pendingLine = '';
      await new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code) => (acked.size < 500 ? reject(new Error(`writer exited early (${code})`)) : resolve()));
        child.stdout!.on('data', (chunk: Buffer) => {
          const lines = (pendingLine + chunk.toString()).split('\n');
          pendingLine = lines.pop()!;
          for (const line of lines) {
            const [, id, seq] = line.split(' ');
            acked.set(id!, Number(seq));
          }
          if (acked.size >= 500 && !child.killed) child.kill('SIGKILL');
        });
      });
      await withServer(dir, async (client) => {
        const items = client.db('crash').collection('items');
        const stored = new Map((await items.find({}).toArray()).map((d) => [String(d._id), d.n as number]));
        for (const [id, seq] of acked) expect(stored.get(id), id).toBe(seq);
        const counter = await client.db('crash').collection('counters').findOne({ _id: 'c' as never });
        expect(counter!.seq).toBeGreaterThanOrEqual(Math.max(...acked.values()));
      });
    });

    it('ignores a torn record at the end of the log', async () => {
      const dir = tempDir();
      await withServer(dir, async (client) => {
        await client.db('app').collection('t').insertMany([{ _id: 1 as never }, { _id: 2 as never }]);
      });
      const log = fs.readdirSync(dir).find((f) => f.startsWith('oplog-'))!;
      fs.appendFileSync(path.join(dir, log), Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 5]));
      await withServer(dir, async (client) => {
        const t = client.db('app').collection('t');
        expect(await t.countDocuments()).toBe(2);
        await t.insertOne({ _id: 3 as never });
      });
      await withServer(dir, async (client) => {
        expect(await client.db('app').collection('t').countDocuments()).toBe(3);
      });
    });

    it('compacts the log into a snapshot and restarts from it', async () => {
      const dir = tempDir();
      await withServer(dir, async (client) => {
        const db = client.db('app');
        await db.collection('c').createIndex({ k: 1 }, { unique: true });
        await db.collection('c').insertMany(Array.from({ length: 1000 }, (_, i) => ({ k: i })));
        await db.collection('c').deleteMany({ k: { $lt: 500 } });
        const before = fs.statSync(path.join(dir, 'oplog-0.log')).size;
        expect((await db.command({ compact: 'c' })).compacted).toBe(true);
        expect(fs.existsSync(path.join(dir, 'oplog-0.log'))).toBe(false);
        expect(fs.statSync(path.join(dir, 'oplog-1.log')).size).toBe(0);
        expect(fs.statSync(path.join(dir, 'snapshot.bson')).size).toBeLessThan(before);
        await db.collection('c').insertOne({ k: 'after' });
      });
      await withServer(dir, async (client) => {
        const c = client.db('app').collection('c');
        expect(await c.countDocuments()).toBe(501);
        expect(await c.countDocuments({ k: { $gte: 500 } })).toBe(500);
        await expect(c.insertOne({ k: 700 })).rejects.toMatchObject({ code: 11000 });
      });
    });

    it('folds a large log into a snapshot at a clean close and restarts from snapshot plus log', async () => {
      const dir = tempDir();
      const text = 'x'.repeat(300);
      await withServer(dir, async (client) => {
        const items = client.db('app').collection('items');
        await items.createIndex({ conversationId: 1, seq: 1 }, { unique: true });
        await items.insertMany(Array.from({ length: 5000 }, (_, i) => ({ _id: `i${i}` as never, conversationId: `c${i % 50}`, seq: Math.floor(i / 50), text })));
      });
      expect(fs.readdirSync(dir).sort()).toEqual(['oplog-1.log', 'snapshot.bson']);
      expect(fs.statSync(path.join(dir, 'oplog-1.log')).size).toBe(0);
      await withServer(dir, async (client) => {
        const items = client.db('app').collection('items');
        await items.insertOne({ _id: 'late' as never, conversationId: 'c0', seq: 1000, text });
        await items.deleteOne({ _id: 'i0' as never });
        await items.updateOne({ _id: 'i50' as never }, { $set: { edited: true } });
      });
      expect(fs.statSync(path.join(dir, 'oplog-1.log')).size).toBeGreaterThan(0); // a small log stays a log
      await withServer(dir, async (client) => {
        const items = client.db('app').collection('items');
        expect(await items.countDocuments()).toBe(5000);
        const page = await items.find({ conversationId: 'c0', seq: { $gt: 0 } }).sort({ seq: 1 }).limit(3).toArray();
        expect(page.map((d) => d._id)).toEqual(['i50', 'i100', 'i150']);
        expect(page[0]).toMatchObject({ edited: true });
        expect((await items.find({ conversationId: 'c0' }).sort({ seq: -1 }).limit(1).toArray())[0]!._id).toBe('late');
        await expect(items.insertOne({ conversationId: 'c1', seq: 3 })).rejects.toMatchObject({ code: 11000 });
      });
    });

    it('refuses every write after the log could not be written, so nothing acknowledged follows a torn record', async () => {
      const dir = tempDir();
      const journal = new FileJournal(dir, () => undefined, quietLogger);
      await journal.append([{ n: 1 }]);
      failNextLogWrite();
      await expect(journal.append([{ n: 2 }, { n: 3 }])).rejects.toMatchObject({ codeName: 'InternalError', message: expect.stringContaining('ENOSPC') });
      await expect(journal.append([{ n: 4 }])).rejects.toMatchObject({ message: expect.stringContaining('refuses writes until it is restarted') });
      journal.compact([{ n: 1 }, { n: 2 }, { n: 3 }]); // the state in memory holds refused writes: not made durable
      journal.close();

      const recovered: unknown[] = [];
      new FileJournal(dir, (record) => recovered.push(record), quietLogger).close();
      expect(recovered).toEqual([{ n: 1 }]);
    });

    it('cuts a write that failed part-way off the log, so a start applies none of its records (a transaction is one write)', async () => {
      const dir = tempDir();
      const log = path.join(dir, 'oplog-0.log');
      const journal = new FileJournal(dir, () => undefined, quietLogger);
      await journal.append([{ n: 1 }]);
      const before = fs.readFileSync(log);
      const transaction = [{ website: 1 }, { team: 1 }, { revision: 2 }];
      failNextLogWrite(Buffer.concat(batchFrames(transaction.map(frame))).length - 5); // the first two records whole, the third torn
      await expect(journal.append(transaction)).rejects.toMatchObject({ message: expect.stringContaining('ENOSPC') });
      expect(fs.readFileSync(log)).toEqual(before);
      journal.close();

      const recovered: unknown[] = [];
      new FileJournal(dir, (record) => recovered.push(record), quietLogger).close();
      expect(recovered).toEqual([{ n: 1 }]);
      expect(fs.readdirSync(dir)).toEqual(['oplog-0.log']); // nothing torn was left to cut
    });

    it('removes the half-written snapshot of a compaction that failed, which would take room on a full disk', async () => {
      const dir = tempDir();
      const journal = new FileJournal(dir, () => undefined, quietLogger);
      await journal.append([{ n: 1 }]);
      failNextLogWrite();
      expect(() => journal.compact([{ n: 1 }])).toThrow('ENOSPC');
      expect(fs.readdirSync(dir).sort()).toEqual(['oplog-0.log', 'oplog-1.log']); // the log it started, which new records go to
      journal.close();
    });

    /** Makes the first call of `fs[method]` whose first argument ends with `file` throw, as if the process died there. */
    function dieAt(method: 'writeSync' | 'renameSync' | 'openSync' | 'rmSync', file?: string): void {
      const real = (fs[method] as (...args: unknown[]) => unknown).bind(fs);
      let died = false;
      vi.spyOn(fs, method).mockImplementation(((...args: unknown[]) => {
        const target = typeof args[0] === 'number' ? '' : String(args[0]);
        if (!died && (file === undefined || target.endsWith(file))) {
          died = true;
          throw new Error(`died in ${method}`);
        }
        return real(...args);
      }) as never);
    }

    it.each([
      ['while writing the snapshot', () => dieAt('writeSync')],
      ['before the snapshot replaces the old one', () => dieAt('renameSync')],
      ['before the new log is opened', () => dieAt('openSync', 'oplog-1.log')],
      ['before the old log is removed', () => dieAt('rmSync', 'oplog-0.log')],
    ])('recovers every acknowledged record, once, after dying in a compaction %s', async (_when, die) => {
      const dir = tempDir();
      const journal = new FileJournal(dir, () => undefined, quietLogger);
      const records = [{ n: 1 }, { n: 2 }, { n: 3 }];
      for (const record of records) await journal.append([record]);
      die();
      expect(() => journal.compact(records)).toThrow(/^died in/);
      vi.restoreAllMocks();

      const recover = () => {
        const recovered: unknown[] = [];
        const restarted = new FileJournal(dir, (record) => recovered.push(record), quietLogger);
        return { recovered, restarted };
      };
      const first = recover();
      expect(first.recovered).toEqual(records);
      await first.restarted.append([{ n: 4 }]);
      first.restarted.close();
      expect(recover().recovered).toEqual([...records, { n: 4 }]);
    });

    it('makes each log file it creates durable as a name (a directory sync) before anything is synced into it', async () => {
      const events: string[] = [];
      const open = fs.openSync.bind(fs);
      vi.spyOn(fs, 'openSync').mockImplementation(((file: fs.PathLike, ...rest: unknown[]) => {
        events.push(`open ${path.basename(String(file))}`);
        return (open as (...args: unknown[]) => number)(file, ...rest);
      }) as typeof fs.openSync);
      const fsync = fs.fsyncSync.bind(fs);
      vi.spyOn(fs, 'fsyncSync').mockImplementation((fd) => {
        events.push('fsync');
        fsync(fd);
      });
      const journal = new FileJournal(tempDir(), () => undefined, quietLogger);
      journal.compact([]);
      journal.close();
      // Every log opened is followed by a sync of the directory (the one opened as a directory).
      const logs = events.flatMap((event, i) => (/^open oplog-\d+\.log$/.test(event) ? [events.slice(i + 1, i + 3)] : []));
      expect(logs).toEqual([
        [expect.stringMatching(/^open (?!oplog)/), 'fsync'],
        [expect.stringMatching(/^open (?!oplog)/), 'fsync'],
      ]);
    });

    it('keeps writing the log in use when a compaction cannot open the next log, which nothing names yet', async () => {
      const dir = tempDir();
      const journal = new FileJournal(dir, () => undefined, quietLogger);
      await journal.append([{ n: 1 }]);
      dieAt('openSync', 'oplog-1.log');
      expect(() => journal.compact([{ n: 1 }])).toThrow(/^died in/);
      vi.restoreAllMocks();
      await journal.append([{ n: 2 }]);
      journal.close();

      const recovered: unknown[] = [];
      const restarted = new FileJournal(dir, (record) => recovered.push(record), quietLogger);
      expect(recovered).toEqual([{ n: 1 }, { n: 2 }]);
      await restarted.append([{ n: 3 }]);
      restarted.close();
    });

    it('keeps out of its snapshot a write refused by a compaction that flushed it', async () => {
      const dir = tempDir();
      const journal = new FileJournal(dir, () => undefined, quietLogger);
      await journal.append([{ n: 1 }]);
      failNextLogWrite();
      const refused = journal.append([{ n: 2 }]);
      journal.compact([{ n: 1 }, { n: 2 }]); // before the append's own flush: the compaction's flush fails
      await expect(refused).rejects.toMatchObject({ codeName: 'InternalError' });
      journal.close();

      const recovered: unknown[] = [];
      new FileJournal(dir, (record) => recovered.push(record), quietLogger).close();
      expect(recovered).toEqual([{ n: 1 }]);
    });

    it('acknowledges appends only once their records are synced to disk, one sync for the appends of one turn', async () => {
      const dir = tempDir();
      const journal = new FileJournal(dir, () => undefined, quietLogger);
      let acknowledged = 0;
      const syncedBefore: number[] = [];
      const sync = fs.fdatasyncSync.bind(fs);
      vi.spyOn(fs, 'fdatasyncSync').mockImplementation((fd) => {
        syncedBefore.push(acknowledged);
        sync(fd);
      });
      await Promise.all([{ n: 1 }, { n: 2 }, { n: 3 }].map((record) => journal.append([record]).then(() => (acknowledged += 1))));
      await journal.append([{ n: 4 }]);
      expect(syncedBefore).toEqual([0, 3]);
      journal.close();

      const recovered: unknown[] = [];
      new FileJournal(dir, (record) => recovered.push(record), quietLogger).close();
      expect(recovered).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }]);
    });

    it('refuses the appends of a sync that failed, and every later write', async () => {
      const journal = new FileJournal(tempDir(), () => undefined, quietLogger);
      await journal.append([{ n: 1 }]);
      vi.spyOn(fs, 'fdatasyncSync').mockImplementationOnce(() => {
        throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
      });
      await expect(journal.append([{ n: 2 }])).rejects.toMatchObject({ codeName: 'InternalError', message: expect.stringContaining('could not sync its operation log (EIO') });
      await expect(journal.append([{ n: 3 }])).rejects.toMatchObject({ message: expect.stringContaining('refuses writes until it is restarted') });
      journal.close();
    });

    it('refuses the appends synced after its log was deleted, and every later write', async () => {
      const dir = tempDir();
      const journal = new FileJournal(dir, () => undefined, quietLogger);
      await journal.append([{ n: 1 }]);
      fs.rmSync(path.join(dir, 'oplog-0.log'));
      await expect(journal.append([{ n: 2 }])).rejects.toMatchObject({ codeName: 'InternalError', message: `the embedded server lost its operation log: ${dir}/oplog-0.log was deleted while it ran; it refuses writes until it is restarted` });
      await expect(journal.append([{ n: 3 }])).rejects.toMatchObject({ message: expect.stringContaining('refuses writes until it is restarted') });
      journal.close();
    });

    it.each([
      ['its log is deleted', (dir: string) => fs.rmSync(path.join(dir, 'oplog-0.log')), 'was deleted'],
      ['its data directory is deleted', (dir: string) => fs.rmSync(dir, { recursive: true }), 'was deleted'],
      ['its data directory is moved', (dir: string) => fs.renameSync(dir, tempDir()), 'is no longer there (ENOENT'],
      [
        'its log is replaced',
        (dir: string) => {
          fs.renameSync(path.join(dir, 'oplog-0.log'), path.join(dir, 'oplog-0.log.old'));
          fs.writeFileSync(path.join(dir, 'oplog-0.log'), '');
        },
        'was replaced by another file',
      ],
    ])('fails its ping with the reason and refuses writes once %s while it runs', async (_what, remove, reason) => {
      const dir = tempDir();
      await withServer(dir, async (client) => {
        const t = client.db('app').collection('t');
        await t.insertOne({ _id: 1 as never });
        remove(dir);
        await expect(client.db('admin').command({ ping: 1 })).rejects.toMatchObject({ code: 1, message: expect.stringContaining(`lost its operation log: ${dir}/oplog-0.log ${reason}`) });
        await expect(t.insertOne({ _id: 2 as never })).rejects.toMatchObject({ code: 1, message: expect.stringContaining('refuses writes until it is restarted') });
      });
    });

    it('logs one error when its log fails, and not one per write refused after it: a warning at most', async () => {
      const lines: Array<{ level: string; msg?: string }> = [];
      const record = (level: string) => (_obj: object, msg?: string) => void lines.push({ level, msg });
      const host = await hostEmbeddedMongo({ dataDir: tempDir(), logger: { info: record('info'), warn: record('warn'), error: record('error') } });
      const client = await new MongoClient(host.uri, { retryWrites: false }).connect();
      const t = client.db('app').collection('t');
      try {
        await t.insertOne({ _id: 0 as never });
        failNextLogWrite();
        const refused = await Promise.allSettled(Array.from({ length: 50 }, (_, n) => t.insertOne({ _id: (n + 1) as never })));
        for (let n = 0; n < 10; n++) await expect(client.db('admin').command({ ping: 1 })).rejects.toMatchObject({ code: 1 });
        expect(refused.every((result) => result.status === 'rejected')).toBe(true);
      } finally {
        await client.close();
        await host.close();
      }
      expect(lines.filter((line) => line.level === 'error')).toEqual([{ level: 'error', msg: expect.stringContaining('could not write its operation log') }]);
      expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    });

    it('answers writes with an error once its log fails, keeps serving reads, and restarts with what was acknowledged', async () => {
      const dir = tempDir();
      const host = await hostEmbeddedMongo({ dataDir: dir, logger: quietLogger });
      const client = await new MongoClient(host.uri, { retryWrites: false }).connect();
      const t = client.db('app').collection('t');
      try {
        await t.insertOne({ _id: 1 as never });
        failNextLogWrite();
        await expect(t.insertOne({ _id: 2 as never })).rejects.toMatchObject({ code: 1, message: expect.stringContaining('operation log') });
        await expect(t.updateOne({ _id: 1 as never }, { $set: { later: true } })).rejects.toMatchObject({ code: 1 });
        // Reads go on; like MongoDB's "local" reads of writes a failover rolls back, they may show a refused write until the restart.
        expect(await t.findOne({ _id: 1 as never })).toMatchObject({ _id: 1 });
      } finally {
        await client.close();
        await host.close();
      }
      await withServer(dir, async (restarted) => {
        const after = restarted.db('app').collection('t');
        expect(await after.find().toArray()).toEqual([{ _id: 1 }]);
        await after.insertOne({ _id: 3 as never });
      });
      await withServer(dir, async (restarted) => {
        expect(await restarted.db('app').collection('t').countDocuments()).toBe(2);
      });
    });
  });
});
