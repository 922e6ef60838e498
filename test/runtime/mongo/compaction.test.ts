import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient, type Collection } from 'mongodb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hostEmbeddedMongo } from '../../../runtime/mongo/host';
import { FileJournal } from '../../../runtime/mongo/persistence';
import { SnapshotWriter } from '../../../runtime/mongo/snapshot-writer';
import { quietLogger } from './fixtures/failing-log-write';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-compaction-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Records of 100 KB each: 80 of them take several 1 MB slices to write. */
const records = Array.from({ length: 80 }, (_, n) => ({ n, data: String.fromCharCode(97 + (n % 26)).repeat(100_000) }));

function recover(dir: string): { recovered: unknown[]; journal: FileJournal } {
  const recovered: unknown[] = [];
  const journal = new FileJournal(dir, (record) => recovered.push(record), quietLogger);
  return { recovered, journal };
}

/** A journal whose log holds `records`, the state a compaction is given. */
async function journalWithRecords(dir: string): Promise<FileJournal> {
  const journal = new FileJournal(dir, () => undefined, quietLogger);
  for (const record of records) await journal.append([record]);
  return journal;
}

describe('compacting in steps', () => {
  it('recovers every acknowledged record, once, from a crash at each step of a compaction, writes made during it included', async () => {
    const dir = tempDir();
    // A snapshot of them already, which the compaction replaces: snapshot.bson and oplog-1.log.
    const journal = new FileJournal(dir, () => undefined, quietLogger);
    journal.compact(records);
    const acked: unknown[] = [];
    // What the disk holds at each step, with what had been acknowledged then: a crash there leaves that.
    const crashes: Array<{ step: string; dir: string; acked: unknown[] }> = [];
    const crashHere = (step: string) => {
      const copy = tempDir();
      fs.cpSync(dir, copy, { recursive: true });
      crashes.push({ step, dir: copy, acked: [...acked] });
    };
    for (const method of ['openSync', 'renameSync', 'rmSync'] as const) {
      const real = (fs[method] as (...args: unknown[]) => unknown).bind(fs);
      vi.spyOn(fs, method).mockImplementation(((...args: unknown[]) => {
        const target = String(args[0]);
        if (method === 'openSync' && target.endsWith('snapshot.bson.tmp')) crashHere('after the log switch, before the temporary file');
        if (method === 'renameSync') crashHere('with the temporary file whole, before its rename');
        if (method === 'rmSync' && target.endsWith('oplog-1.log')) crashHere('after the rename, before the old log is removed');
        return real(...args);
      }) as never);
    }

    const compaction = journal.compactInSteps(records);
    expect(journal.compacting).toBe(true);
    for (let n = 0; journal.compacting; n++) {
      const during = { during: n };
      await journal.append([during]);
      acked.push(during);
      if (n === 1 && journal.compacting) crashHere('mid temporary file');
      await nextTurn();
    }
    await compaction;
    vi.restoreAllMocks();
    crashHere('after the compaction');
    journal.close();

    expect(crashes.map(({ step }) => step)).toEqual([
      'after the log switch, before the temporary file',
      'mid temporary file',
      'with the temporary file whole, before its rename',
      'after the rename, before the old log is removed',
      'after the compaction',
    ]);
    expect(acked.length).toBeGreaterThan(2); // writes were made while it ran
    // The old snapshot, under another name once replaced, is removed after the logs it needs.
    expect(fs.readdirSync(crashes[3]!.dir).sort()).toEqual(['oplog-1.log', 'oplog-2.log', 'snapshot.bson', 'snapshot.bson.old']);
    expect(fs.readdirSync(crashes[4]!.dir).sort()).toEqual(['oplog-2.log', 'snapshot.bson']);
    for (const crash of crashes) {
      const first = recover(crash.dir);
      expect(first.recovered, crash.step).toEqual([...records, ...crash.acked]);
      expect(fs.readdirSync(crash.dir).filter((name) => /\.(tmp|old)$/.test(name)), crash.step).toEqual([]);
      await first.journal.append([{ after: crash.step }]);
      first.journal.close();
      expect(recover(crash.dir).recovered, crash.step).toEqual([...records, ...crash.acked, { after: crash.step }]);
    }
  });

  it('leaves one snapshot and the log it names once done, and a second compaction started meanwhile does nothing', async () => {
    const dir = tempDir();
    const journal = await journalWithRecords(dir);
    const compaction = journal.compactInSteps(records);
    await journal.compactInSteps([{ other: true }]); // resolves at once: one is under way
    await compaction;
    journal.close();
    expect(fs.readdirSync(dir).sort()).toEqual(['oplog-1.log', 'snapshot.bson']);
    expect(recover(dir).recovered).toEqual(records);
  });

  it('finishes on a file system without hard links, where the rename frees the old snapshot itself', async () => {
    const dir = tempDir();
    const journal = new FileJournal(dir, () => undefined, quietLogger);
    journal.compact(records);
    vi.spyOn(fs, 'linkSync').mockImplementation(() => {
      throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
    });
    await journal.compactInSteps(records);
    journal.close();
    expect(fs.readdirSync(dir).sort()).toEqual(['oplog-2.log', 'snapshot.bson']);
    expect(recover(dir).recovered).toEqual(records);
  });

  it('stops a compaction once writes are refused, removing its temporary file, and restarts with what was acknowledged', async () => {
    const dir = tempDir();
    const journal = await journalWithRecords(dir);
    const compaction = journal.compactInSteps(records);
    vi.spyOn(fs, 'fdatasyncSync').mockImplementationOnce(() => {
      throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    });
    await expect(journal.append([{ refused: true }])).rejects.toMatchObject({ codeName: 'InternalError' });
    vi.restoreAllMocks();
    await compaction;
    expect(journal.compacting).toBe(false);
    journal.close();
    expect(fs.readdirSync(dir).sort()).toEqual(['oplog-0.log', 'oplog-1.log']);
    expect(recover(dir).recovered.slice(0, records.length)).toEqual(records); // a record whose sync failed may follow
  });

  it('abandons a compaction under way at close, leaving the logs for the next start', async () => {
    const dir = tempDir();
    const journal = await journalWithRecords(dir);
    const compaction = journal.compactInSteps(records);
    await journal.append([{ during: 0 }]);
    journal.close();
    await compaction;
    expect(fs.readdirSync(dir).sort()).toEqual(['oplog-0.log', 'oplog-1.log']);
    expect(recover(dir).recovered).toEqual([...records, { during: 0 }]);
  });
});

interface Doc {
  _id: number;
  payload: string;
  v?: number;
}

describe('the embedded server compacting as its log grows', () => {
  const payload = 'x'.repeat(32 * 1024);

  /** What is stored, the long payloads by their length. */
  const summarize = (all: Array<{ _id: unknown; payload?: unknown; v?: unknown }>) => all.map(({ _id, payload: kept, v }) => ({ _id, length: (kept as string).length, v }));

  /**
   * Runs `run` on a server in this thread whose log has just passed 64 MB (twice the data it
   * describes and more), which starts a compaction, and closes the server.
   */
  async function whileCompacting<T>(dir: string, run: (docs: Collection<Doc>, compacting: () => boolean, client: MongoClient) => Promise<T>): Promise<T> {
    // One record per slice, so that the compaction lasts about 2,000 event-loop turns, whatever the machine's speed: far more than the commands need.
    const writeSlice = SnapshotWriter.prototype.writeSlice;
    vi.spyOn(SnapshotWriter.prototype, 'writeSlice').mockImplementation(function (this: SnapshotWriter) {
      return writeSlice.call(this, 0);
    });
    const host = await hostEmbeddedMongo({ dataDir: dir, logger: quietLogger });
    const client = await new MongoClient(host.uri).connect();
    try {
      const docs = client.db('app').collection<Doc>('docs');
      const compacting = () => fs.existsSync(path.join(dir, 'snapshot.bson.tmp'));
      for (let n = 0; !compacting() && n < 4_000; n += 100) {
        await docs.insertMany(Array.from({ length: 100 }, (_, i) => ({ _id: n + i, payload })));
      }
      expect(compacting()).toBe(true);
      return await run(docs, compacting, client);
    } finally {
      await client.close();
      await host.close();
    }
  }

  const contents = async (dir: string) => {
    const host = await hostEmbeddedMongo({ dataDir: dir, logger: quietLogger });
    const client = await new MongoClient(host.uri).connect();
    try {
      return summarize(await client.db('app').collection('docs').find().sort({ _id: 1 }).toArray());
    } finally {
      await client.close();
      await host.close();
    }
  };

  it('answers commands while it compacts, keeps the writes made meanwhile, and restarts with the same data', async () => {
    const dir = tempDir();
    const expected = await whileCompacting(dir, async (docs, compacting, client) => {
      const changes = docs.watch([], { maxAwaitTimeMS: 1 }); // its reads wait no longer than that for an event
      await changes.tryNext();
      await docs.updateOne({ _id: 0 }, { $set: { v: 1 } });
      await docs.insertOne({ _id: -1, payload });
      await docs.deleteOne({ _id: 1 });
      await client.withSession((session) => session.withTransaction(() => docs.updateOne({ _id: 2 }, { $set: { v: 2 } }, { session })));
      expect(await docs.findOne({ _id: 0 })).toMatchObject({ v: 1 });
      expect(compacting()).toBe(true); // answered while the snapshot was still being written
      const seen = [];
      for (let i = 0; i < 4; i++) seen.push((await changes.next()).operationType);
      expect(seen).toEqual(['update', 'insert', 'delete', 'update']);
      await changes.close();
      expect(fs.existsSync(path.join(dir, 'oplog-0.log'))).toBe(true);
      await vi.waitFor(() => expect(fs.existsSync(path.join(dir, 'oplog-0.log'))).toBe(false), { timeout: 20_000, interval: 20 });
      expect(compacting()).toBe(false);
      return summarize(await docs.find().sort({ _id: 1 }).toArray());
    });
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('oplog-'))).toEqual(['oplog-1.log']);
    const restarted = await contents(dir);
    expect(restarted).toEqual(expected);
    expect(restarted[0]).toEqual({ _id: -1, length: payload.length, v: undefined });
    expect(restarted[1]).toEqual({ _id: 0, length: payload.length, v: 1 });
    expect(restarted[2]).toEqual({ _id: 2, length: payload.length, v: 2 });
    expect(restarted.some(({ _id }) => _id === 1)).toBe(false);
  });

  it('closes safely while it compacts, and restarts with every acknowledged write', async () => {
    const dir = tempDir();
    const inserted = await whileCompacting(dir, async (docs, compacting) => {
      await docs.insertOne({ _id: -1, payload, v: 2 });
      const count = await docs.countDocuments();
      expect(compacting()).toBe(true);
      return count - 1;
    });
    // The compaction at close took over from the one under way: it started the log after that one's.
    expect(fs.readdirSync(dir).filter((name) => name !== 'server.lock').sort()).toEqual(['oplog-2.log', 'snapshot.bson']);
    const expected = [{ _id: -1, length: payload.length, v: 2 }, ...Array.from({ length: inserted }, (_, _id) => ({ _id, length: payload.length, v: undefined }))];
    expect(await contents(dir)).toEqual(expected);
  });
});
