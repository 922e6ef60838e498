/**
 * Embedded MongoDB server benchmark, driven through the official driver from this process while
 * the server runs wherever startEmbeddedMongo puts it:
 * - timeline-item inserts/s (counter findOneAndUpdate + insertOne) with 1 and 20 writers, on disk;
 * - "next 50 items" latency with 1,000 conversations × 100 items stored (right after seeding them,
 *   and again after the restart);
 * - restart time with that data (start until the first query answers); RSS after seeding.
 * Run directly: `npx tsx bench/mongo.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MongoClient, type Collection, type Db } from 'mongodb';
import { startEmbeddedMongo } from '../runtime/mongo';

const CONVERSATIONS = 1_000;
const ITEMS_PER_CONVERSATION = 100;
const INSERT_SECONDS = 4;
/** Unmeasured writes first, so that both threads run optimised code when the clock starts. */
const WARM_UP_SECONDS = 1;
const PAGE_QUERIES = 3_000;

interface Counter {
  _id: string;
  lastSeq: number;
}

interface Item {
  id: string;
  conversationId: string;
  seq: number;
  [field: string]: unknown;
}

const TEXT = 'a message of a typical length, with a few words of text in it. '.repeat(2);

/** A ~300-byte timeline item. */
function item(conversationId: string, seq: number): Item {
  return {
    id: `item_${conversationId}_${seq}_${Math.random().toString(36).slice(2, 10)}`,
    conversationId,
    seq,
    type: 'message',
    visibility: 'public',
    author: { kind: 'visitor', id: 'vis_bench' },
    text: TEXT,
    createdAt: new Date(),
  };
}

const conversationId = (n: number): string => `conv_${String(n).padStart(5, '0')}`;

async function prepare(db: Db): Promise<{ counters: Collection<Counter>; items: Collection<Item> }> {
  const counters = db.collection<Counter>('counters');
  const items = db.collection<Item>('items');
  await items.createIndex({ id: 1 }, { unique: true });
  await items.createIndex({ conversationId: 1, seq: 1 }, { unique: true });
  await counters.insertMany(Array.from({ length: CONVERSATIONS }, (_, n) => ({ _id: conversationId(n), lastSeq: 0 })));
  return { counters, items };
}

/** Inserts/s with `writers` loops of (increment the conversation's counter, insert the item) for a fixed time. */
async function insertRate(counters: Collection<Counter>, items: Collection<Item>, writers: number, seconds = INSERT_SECONDS): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const conv = conversationId((writer * 37 + i) % CONVERSATIONS);
        const counter = await counters.findOneAndUpdate({ _id: conv }, { $inc: { lastSeq: 1 } }, { returnDocument: 'after' });
        await items.insertOne(item(conv, counter!.lastSeq));
        done++;
      }
    }),
  );
  return Math.round(done / ((performance.now() - started) / 1000));
}

async function seed(items: Collection<Item>): Promise<void> {
  for (let n = 0; n < CONVERSATIONS; n += 10) {
    const batch: Item[] = [];
    for (let c = n; c < n + 10; c++) for (let seq = 1; seq <= ITEMS_PER_CONVERSATION; seq++) batch.push(item(conversationId(c), seq));
    await items.insertMany(batch);
  }
}

function percentile(sorted: number[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(3));
}

async function pageLatency(items: Collection<Item>): Promise<{ p50: number; p99: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < PAGE_QUERIES; i++) {
    const conv = conversationId(Math.floor(Math.random() * CONVERSATIONS));
    const after = Math.floor(Math.random() * (ITEMS_PER_CONVERSATION - 50));
    const started = performance.now();
    const page = await items.find({ conversationId: conv, seq: { $gt: after } }).sort({ seq: 1 }).limit(50).toArray();
    times.push(performance.now() - started);
    if (page.length !== 50 || page[0]!.seq !== after + 1) throw new Error(`bench: wrong page for ${conv} after ${after}`);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: percentile(times, 100) };
}

const rssMiB = (): number => Math.round(process.memoryUsage().rss / 2 ** 20);

export async function benchMongo(): Promise<object> {
  const writeDir = await mkdtemp(path.join(os.tmpdir(), 'bench-mongo-writes-'));
  const readDir = await mkdtemp(path.join(os.tmpdir(), 'bench-mongo-reads-'));
  try {
    let server = await startEmbeddedMongo({ dataDir: writeDir });
    let client = await new MongoClient(server.uri, { maxPoolSize: 20 }).connect();
    const writes = await prepare(client.db('bench'));
    await insertRate(writes.counters, writes.items, 20, WARM_UP_SECONDS);
    const oneWriter = await insertRate(writes.counters, writes.items, 1);
    const cpuBefore = process.cpuUsage();
    const twentyWriters = await insertRate(writes.counters, writes.items, 20);
    const cpu = process.cpuUsage(cpuBefore);
    // CPU of the whole process (driver and server threads) per insert: steadier than rates on a busy machine.
    const cpuMsPerInsert = Number(((cpu.user + cpu.system) / 1000 / (twentyWriters * INSERT_SECONDS)).toFixed(3));
    const insertsPerSecond = { oneWriter, twentyWriters, cpuMsPerInsert };
    await client.close();
    await server.close();

    server = await startEmbeddedMongo({ dataDir: readDir });
    client = await new MongoClient(server.uri).connect();
    const reads = await prepare(client.db('bench'));
    let started = performance.now();
    await seed(reads.items);
    const seedMs = Math.round(performance.now() - started);
    const page = await pageLatency(reads.items);
    const rssAfterSeed = rssMiB();
    await client.close();
    await server.close();

    started = performance.now();
    server = await startEmbeddedMongo({ dataDir: readDir });
    client = await new MongoClient(server.uri).connect();
    const first = await client.db('bench').collection<Item>('items').find({ conversationId: conversationId(0) }).sort({ seq: 1 }).limit(50).toArray();
    const restartMs = Math.round(performance.now() - started);
    if (first.length !== 50) throw new Error('bench: data missing after restart');
    const pageAfterRestart = await pageLatency(client.db('bench').collection<Item>('items'));
    await client.close();
    await server.close();

    return {
      insertsPerSecond,
      seed: { items: CONVERSATIONS * ITEMS_PER_CONVERSATION, ms: seedMs },
      nextPageMs: { afterSeeding: page, afterRestart: pageAfterRestart },
      restartMs,
      rssMiB: rssAfterSeed,
    };
  } finally {
    await rm(writeDir, { recursive: true, force: true });
    await rm(readDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchMongo(), null, 2));
}
