/**
 * The embedded MongoDB server's TTL monitor with a backlog: 200,000 expired documents (as after a
 * downtime, or a burst of ephemeral events) in a store on disk, deleted by one pass.
 * - storeThread: the engine and its monitor run in this thread, with nothing else to do; a
 *   setImmediate loop measures the longest time the thread went without a turn of its event loop
 *   (what a command arriving then would wait for), and how long the backlog took to clear. Its log
 *   syncs are part of that; storeThreadInMemory is the same without a log (EMBEDDED_MONGO_MEMORY),
 *   so what is left is the deleting itself (and garbage collection). Both also time each slice's
 *   deleting (from its first statement until it is written).
 * - driver: the server as the product runs it (its own thread, the driver talking to it over its
 *   socket, a change stream watching the collection for inserts as the product's does); a ping is
 *   sent again as soon as the last one is answered, from before the pass until it ends.
 * - driverWatchingDeletions: the same with a second change stream that reads every deletion (the
 *   product has none), counting the deletions it saw.
 * Run directly: `npx tsx bench/ttl.ts`, or `npm run bench -- ttl`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MongoClient, type Db } from 'mongodb';
import { startEmbeddedMongo } from '../runtime/mongo';
import { Engine } from '../runtime/mongo/engine';
import type { IndexSpec } from '../runtime/mongo/indexes';
import { FileJournal, MemoryJournal } from '../runtime/mongo/persistence';
import { startTtlMonitor } from '../runtime/mongo/ttl-monitor';

const EXPIRED = 200_000;
const INSERT_BATCH = 5_000;
const BASELINE_PINGS = 2_000;
/** Each measurement gives up past this (a full disk refusing the log, say, would have its loops spin on). */
const MEASUREMENT_DEADLINE_MS = 180_000;
const TTL_INDEX: IndexSpec = { name: 'expireAt_ttl', key: { expireAt: -1 }, expireAfterSeconds: 0 };

/** As the product's (activities/store/documents.ts EphemeralDoc). */
interface Ephemeral {
  _id: string;
  websiteId: string;
  conversationId: string;
  visibility: 'public';
  type: string;
  payload: Record<string, unknown>;
  origin: string;
  createdAt: string;
  expireAt: Date;
}

/** A typing event, a minute past its expiry. */
/** Throws once `startedAt` is MEASUREMENT_DEADLINE_MS ago. */
function withinDeadline(startedAt: number): void {
  if (performance.now() - startedAt > MEASUREMENT_DEADLINE_MS) throw new Error(`bench ttl: gave up after ${MEASUREMENT_DEADLINE_MS / 1000} s`);
}

export const ephemeral = (n: number, expireAt: Date): Ephemeral => ({
  _id: `evt_${n}`,
  websiteId: 'web_bench',
  conversationId: `conv_${n % 1_000}`,
  visibility: 'public',
  type: 'conversationTyping',
  payload: { actorType: 'visitor', actorId: `vis_${n % 1_000}`, isTyping: true },
  origin: 'instance_bench',
  createdAt: new Date(expireAt.getTime() - 60_000).toISOString(),
  expireAt,
});

export function summary(times: number[]): { samples: number; p50: number; p99: number; max: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(2));
  return { samples: sorted.length, p50: at(0.5), p99: at(0.99), max: at(1) };
}

/** The engine alone in this thread (its log in `dataDir`, or none): how long the thread was held between two event-loop turns during the pass. */
async function storeThread(dataDir: string | undefined): Promise<object> {
  const engine = new Engine(new MemoryJournal());
  if (dataDir) engine.attachJournal(new FileJournal(dataDir, (record) => engine.applyRecord(record)));
  const setup = engine.newContext();
  const collection = engine.ensureCollection(setup, 'bench', 'ephemeral');
  const expireAt = new Date(Date.now() - 60_000);
  for (let n = 0; n < EXPIRED; n++) engine.insert(setup, collection, ephemeral(n, expireAt));
  engine.createIndex(setup, collection, TTL_INDEX);
  await engine.finish(setup);

  const turns: number[] = [];
  /** Turns kept at most (a pass takes a second or two, some 10^5 turns): a run gone long keeps its first ones. */
  const maxTurns = 2_000_000;
  let last = performance.now();
  let measuring = true;
  const turn = () => {
    const now = performance.now();
    if (turns.length < maxTurns) turns.push(now - last);
    last = now;
    if (measuring) setImmediate(turn);
  };
  // A slice's deleting: from its first statement until it is written (the monitor's own share of a turn).
  const slices: number[] = [];
  let sliceStarted: number | undefined;
  const statement = engine.statement.bind(engine);
  engine.statement = (ctx, run) => {
    sliceStarted ??= performance.now();
    return statement(ctx, run);
  };
  const finish = engine.finish.bind(engine);
  engine.finish = (ctx) => {
    if (sliceStarted !== undefined) slices.push(performance.now() - sliceStarted);
    sliceStarted = undefined;
    return finish(ctx);
  };
  const started = performance.now();
  const monitor = startTtlMonitor(engine, { intervalMs: 1 });
  setImmediate(turn);
  while (collection.docs.size > 0) {
    withinDeadline(started);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const clearedMs = Math.round(performance.now() - started);
  measuring = false;
  await monitor.stop();
  engine.close();
  return { backlogClearedMs: clearedMs, msBetweenTurns: summary(turns), msDeletingPerSlice: summary(slices) };
}

async function ping(db: Db): Promise<number> {
  const started = performance.now();
  await db.command({ ping: 1 });
  return performance.now() - started;
}

/** Through the driver, the server in its own thread: how long pings wait while the pass runs. */
async function driver(dataDir: string, watchDeletions: boolean): Promise<object> {
  const server = await startEmbeddedMongo({ dataDir, ttlMonitorIntervalMs: 1_000 });
  const client = await new MongoClient(server.uri).connect();
  try {
    const db = client.db('bench');
    const events = db.collection<Ephemeral>('ephemeral');
    const expireAt = new Date(Date.now() - 60_000);
    for (let n = 0; n < EXPIRED; n += INSERT_BATCH) {
      await events.insertMany(Array.from({ length: INSERT_BATCH }, (_, i) => ephemeral(n + i, expireAt)));
    }
    // As the product's: only inserts matter to it, but the server reads every event past it.
    const productStream = events.watch([{ $match: { operationType: 'insert' } }]);
    const deletions = watchDeletions ? events.watch([{ $match: { operationType: 'delete' } }]) : undefined;
    let deletionsSeen = 0;
    const counting = (async () => {
      while (deletions && deletionsSeen < EXPIRED && (await deletions.next())) deletionsSeen++;
    })();
    await Promise.all([productStream.tryNext(), deletions?.tryNext()]); // the streams' cursors are open

    const baseline: number[] = [];
    for (let i = 0; i < BASELINE_PINGS; i++) baseline.push(await ping(db));
    // The index makes every document expired at once: the monitor's next wake finds the whole backlog.
    await events.createIndex(TTL_INDEX.key, { name: TTL_INDEX.name, expireAfterSeconds: 0 });
    const during: number[] = [];
    let passStarted: number | undefined;
    let cleared: number | undefined;
    const passWaited = performance.now();
    while (cleared === undefined) {
      withinDeadline(passWaited);
      const waited = await ping(db);
      if (passStarted !== undefined) during.push(waited);
      // Every 20th round trip also counts the documents left, which tells when the pass starts and ends.
      if (during.length % 20 === 0) {
        const left = await events.estimatedDocumentCount();
        if (passStarted === undefined && left < EXPIRED) passStarted = performance.now();
        if (left === 0) cleared = performance.now();
      }
    }
    // The deletions still to be read come at once, or never: the stream is closed, and the count stays short.
    await Promise.race([counting, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    await Promise.all([productStream.close(), deletions?.close()]);
    await counting.catch(() => undefined);
    return {
      backlogClearedMs: Math.round(cleared - passStarted!),
      pingMsBeforePass: summary(baseline),
      pingMsDuringPass: summary(during),
      ...(deletions ? { deletionsSeenByChangeStream: deletionsSeen } : {}),
    };
  } finally {
    await client.close();
    await server.close();
  }
}

export async function benchTtl(): Promise<object> {
  const dirs: string[] = [];
  const dataDir = async () => {
    dirs.push(await mkdtemp(path.join(os.tmpdir(), 'bench-ttl-')));
    return dirs.at(-1)!;
  };
  try {
    return {
      expired: EXPIRED,
      storeThread: await storeThread(await dataDir()),
      storeThreadInMemory: await storeThread(undefined),
      driver: await driver(await dataDir(), false),
      driverWatchingDeletions: await driver(await dataDir(), true),
    };
  } finally {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchTtl(), null, 2));
}
