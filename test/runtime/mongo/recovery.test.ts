import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedMongo } from '../../../runtime/mongo';
import { DataDirDamagedError } from '../../../runtime/mongo/data-dir-damaged';
import { READ_CHUNK } from '../../../runtime/mongo/frame-file';
import { frame } from '../../../runtime/mongo/frames';
import { batchFrames } from '../../../runtime/mongo/log-batches';
import { FileJournal } from '../../../runtime/mongo/persistence';
import { recover as recoverDir } from '../../../runtime/mongo/recovery';
import { quietLogger } from './fixtures/failing-log-write';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A data directory whose snapshot holds `records` (generation 1), and whose log holds `logged` after it. */
async function dataDir(records: object[], logged: object[] = []): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-recovery-'));
  dirs.push(dir);
  const journal = new FileJournal(dir, () => undefined, quietLogger);
  journal.compact(records);
  for (const record of logged) await journal.append([record]);
  journal.close();
  return dir;
}

function recover(dir: string): unknown[] {
  const recovered: unknown[] = [];
  new FileJournal(dir, (record) => recovered.push(record), quietLogger).close();
  return recovered;
}

/** Recovers reading the files `chunkBytes` at a time. */
function recoverInChunks(dir: string, chunkBytes: number): unknown[] {
  const recovered: unknown[] = [];
  recoverDir(dir, (record) => recovered.push(record), quietLogger, chunkBytes);
  return recovered;
}

/** Chunk sizes to read in: the default, and one small enough that frames cross chunks and some are longer than one. */
const CHUNKS = [READ_CHUNK, 61];

/** Every file of the directory and its bytes. */
const contents = (dir: string) => Object.fromEntries(fs.readdirSync(dir).map((name) => [name, fs.readFileSync(path.join(dir, name))]));

const put = (id: unknown) => ({ op: 'put', ns: { db: 'app', coll: 't' }, doc: { _id: id } });
const records = Array.from({ length: 50 }, (_, n) => put(n));

describe('recovering a data directory', () => {
  const snapshotDamage: Array<[string, (bytes: Buffer) => Buffer]> = [
    ['cut short inside a record', (bytes) => bytes.subarray(0, bytes.length - 30)],
    ['cut short at a record boundary', (bytes) => bytes.subarray(0, bytes.length - frame({ op: 'end' }).length)],
    ['with a byte changed in the middle', (bytes) => Buffer.from(bytes).fill(0xff, bytes.length >> 1, (bytes.length >> 1) + 1)],
    ['emptied', () => Buffer.alloc(0)],
    ['without its header record', (bytes) => bytes.subarray(frame({ op: 'meta', gen: 1, sealed: true }).length)],
  ];
  it.each(snapshotDamage)('refuses a snapshot %s, naming it, and leaves the files as they are', async (_how, damage) => {
    const dir = await dataDir(records, [put('logged')]);
    const snapshot = path.join(dir, 'snapshot.bson');
    fs.writeFileSync(snapshot, damage(fs.readFileSync(snapshot)));
    const before = contents(dir);
    expect(() => recover(dir)).toThrow(DataDirDamagedError);
    expect(() => recover(dir)).toThrow(new RegExp(`^The embedded store cannot start: ${snapshot} is damaged: .* restore ${dir} from a backup`));
    expect(contents(dir)).toEqual(before);
  });

  it('reads a snapshot written before snapshots were sealed with a closing record', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-recovery-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'snapshot.bson'), Buffer.concat([{ op: 'meta', gen: 3 }, ...records].map(frame)));
    fs.writeFileSync(path.join(dir, 'oplog-3.log'), frame(put('logged')));
    expect(recover(dir)).toEqual([...records, put('logged')]);
  });

  const logged = Array.from({ length: 50 }, (_, n) => put(`logged-${n}`));
  const logDamage: Array<[string, (bytes: Buffer) => void]> = [
    ['a byte changed in a record', (bytes) => bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 0xff, bytes.length >> 1)],
    ["a record's length changed", (bytes) => bytes.writeUInt32LE(7, frame(logged[0]!).length * 10)],
    ['a run of zeros', (bytes) => bytes.fill(0, 100, 400)],
  ];
  it.each(CHUNKS.flatMap((chunk) => logDamage.map(([how, damage]) => [how, chunk, damage] as const)))('refuses a log with %s that intact records follow (read %s bytes at a time), naming it, and leaves the files as they are', async (_how, chunk, damage) => {
    const dir = await dataDir(records, logged);
    const log = path.join(dir, 'oplog-1.log');
    const bytes = fs.readFileSync(log);
    damage(bytes);
    fs.writeFileSync(log, bytes);
    const before = contents(dir);
    expect(() => recoverInChunks(dir, chunk)).toThrow(DataDirDamagedError);
    expect(() => recoverInChunks(dir, chunk)).toThrow(new RegExp(`^The embedded store cannot start: ${log} is damaged at byte \\d+ of ${bytes.length}, and intact records follow it`));
    expect(contents(dir)).toEqual(before);
  });

  const transaction = [put('website'), put('team'), put('revision')];
  const written = batchFrames(transaction.map(frame));
  const tornTails: Array<[string, Buffer]> = [
    ['a record cut short', frame(put('torn')).subarray(0, 20)],
    // An upload's chunk may hold anything, records of this very format included: cut short, they are its data.
    ['a record cut short whose data holds intact records', frame({ ...put('upload'), doc: { _id: 'upload', data: Buffer.concat(logged.slice(0, 5).map(frame)) } }).subarray(0, -10)],
    ['zeros', Buffer.alloc(4096)],
    ['bytes that are no record', Buffer.from('not a record, and no record after it either')],
    // A power loss in a write of several records (a transaction's): its whole records go too.
    ['a write whose last record is torn', Buffer.concat(written).subarray(0, -5)],
    ['a write whose last record is missing', Buffer.concat(written.slice(0, -1))],
    ["a write's header alone", written[0]!],
  ];
  it.each(CHUNKS.flatMap((chunk) => tornTails.map(([what, tail]) => [what, chunk, tail] as const)))('cuts off a torn tail of %s (read %s bytes at a time), keeping its bytes next to the log', async (_what, chunk, tail) => {
    const dir = await dataDir(records, logged);
    const log = path.join(dir, 'oplog-1.log');
    const intact = fs.readFileSync(log);
    fs.appendFileSync(log, tail);
    expect(recoverInChunks(dir, chunk)).toEqual([...records, ...logged]);
    expect(fs.readFileSync(log)).toEqual(intact);
    const kept = fs.readdirSync(dir).filter((name) => name.startsWith('oplog-1.log.torn-'));
    expect(kept).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, kept[0]!))).toEqual(tail);
  });

  it('reads the snapshot and the log a chunk at a time, whatever their size: frames cross chunks, some longer than one', async () => {
    const varied = Array.from({ length: 40 }, (_, n) => ({ ...put(`varied-${n}`), doc: { _id: `varied-${n}`, data: 'x'.repeat((n * 37) % 300) } }));
    const dir = await dataDir([...records, ...varied], [...varied, ...logged]);
    const longest = Math.max(...[...records, ...varied, ...logged].map((record) => frame(record).length));
    const readFileSync = vi.spyOn(fs, 'readFileSync');
    const readSync = vi.spyOn(fs, 'readSync');
    expect(recoverInChunks(dir, 61)).toEqual([...records, ...varied, ...varied, ...logged]);
    expect(readFileSync).not.toHaveBeenCalled(); // it cannot read a file over 2 GiB
    const lengths = readSync.mock.calls.map((call) => (call as unknown[])[3] as number);
    expect(lengths.length).toBeGreaterThan(100);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(longest);
  });

  it('replays a log an earlier version wrote, its writes without headers, and the whole writes that follow them', async () => {
    const dir = await dataDir(records);
    fs.writeFileSync(path.join(dir, 'oplog-1.log'), Buffer.concat([...logged.slice(0, 3).map(frame), ...written]));
    expect(recover(dir)).toEqual([...records, ...logged.slice(0, 3), ...transaction]);
    const journal = new FileJournal(dir, () => undefined, quietLogger);
    await journal.append([put('after'), put('after 2')]);
    journal.close();
    expect(recover(dir)).toEqual([...records, ...logged.slice(0, 3), ...transaction, put('after'), put('after 2')]);
  });

  it('refuses a log whose snapshot is missing, naming both, and leaves it as it is', async () => {
    const dir = await dataDir(records, logged);
    fs.rmSync(path.join(dir, 'snapshot.bson'));
    const before = contents(dir);
    expect(() => recover(dir)).toThrow(new RegExp(`^The embedded store cannot start: ${dir}/snapshot.bson is missing, yet ${dir}/oplog-1.log continues it`));
    expect(contents(dir)).toEqual(before);
  });

  it('refuses a log newer than its snapshot (one replaced by an older copy), naming both', async () => {
    const dir = await dataDir(records, logged);
    const snapshot = path.join(dir, 'snapshot.bson');
    const older = fs.readFileSync(snapshot);
    const journal = new FileJournal(dir, () => undefined, quietLogger);
    journal.compact([...records, ...logged]);
    journal.close();
    fs.writeFileSync(snapshot, older);
    expect(() => recover(dir)).toThrow(`${snapshot} is older (generation 1) than the one ${dir}/oplog-2.log continues`);
  });

  /** The files a compaction cut short leaves: the old snapshot (generation 1), its log, and the log started for the next one. */
  async function compactionCutShort(secondLog: Buffer[]): Promise<string> {
    const dir = await dataDir(records, logged.slice(0, 10));
    fs.writeFileSync(path.join(dir, 'oplog-2.log'), Buffer.concat(secondLog));
    return dir;
  }

  it('replays the logs a compaction cut short leaves, in order, and goes on writing the last', async () => {
    const dir = await compactionCutShort(logged.slice(10, 20).map(frame));
    expect(recover(dir)).toEqual([...records, ...logged.slice(0, 20)]);
    const journal = new FileJournal(dir, () => undefined, quietLogger);
    await journal.append([put('after')]);
    journal.close();
    expect(recover(dir)).toEqual([...records, ...logged.slice(0, 20), put('after')]);
    expect(fs.readdirSync(dir).sort()).toEqual(['oplog-1.log', 'oplog-2.log', 'snapshot.bson']);
  });

  it('refuses a log with a torn end that a later log follows (a crash tears only the last write), naming it', async () => {
    const dir = await compactionCutShort(logged.slice(10, 20).map(frame));
    fs.appendFileSync(path.join(dir, 'oplog-1.log'), frame(put('torn')).subarray(0, 20));
    expect(() => recover(dir)).toThrow(`${dir}/oplog-1.log is damaged at byte`);
  });

  it('cuts the torn end off a log whose later log is empty: the last write went to it', async () => {
    const dir = await compactionCutShort([]);
    fs.appendFileSync(path.join(dir, 'oplog-1.log'), frame(put('torn')).subarray(0, 20));
    expect(recover(dir)).toEqual([...records, ...logged.slice(0, 10)]);
  });

  it('refuses logs with a gap between them, naming the missing one', async () => {
    const dir = await compactionCutShort([]);
    fs.renameSync(path.join(dir, 'oplog-2.log'), path.join(dir, 'oplog-3.log'));
    expect(() => recover(dir)).toThrow(`${dir}/oplog-2.log is missing, yet ${dir}/oplog-3.log continues it`);
  });

  it('removes the temporary file of a compaction that did not finish, which is never the live snapshot', async () => {
    const dir = await dataDir(records, logged);
    fs.writeFileSync(path.join(dir, 'snapshot.bson.tmp'), frame(put('half a snapshot')));
    expect(recover(dir)).toEqual([...records, ...logged]);
    expect(fs.readdirSync(dir).sort()).toEqual(['oplog-1.log', 'snapshot.bson']);
  });

  it('refuses to start the server on a damaged data directory, with an error that names the file', async () => {
    const dir = await dataDir(records);
    const snapshot = path.join(dir, 'snapshot.bson');
    fs.truncateSync(snapshot, 100);
    await expect(startEmbeddedMongo({ dataDir: dir })).rejects.toMatchObject({ name: 'DataDirDamagedError', message: expect.stringContaining(`${snapshot} is damaged`) });
    expect(fs.existsSync(path.join(dir, 'server.lock'))).toBe(false);
  });
});
