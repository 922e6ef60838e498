/**
 * Store benchmark on the embedded server with a temp data directory, all through the store:
 * appends per second (one writer; 20 concurrent writers into one conversation and into 20),
 * latency of "the next 50 items" with 1,000 conversations × 100 items stored, restart time with
 * that data on disk, and RSS. Run directly: `npx tsx bench/store.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStore, type Store } from '../activities/store';
import { newId } from '../activities/store/ids';
import { startEmbeddedMongo } from '../runtime/mongo';

const WEBSITE = 'web_bench';

function message(conversationId: string, n: number) {
  return {
    id: newId('item'),
    conversationId,
    type: 'message',
    visibility: n % 10 === 0 ? ('private' as const) : ('public' as const),
    author: { kind: 'visitor' as const, id: 'vis_bench' },
    text: `message number ${n} with a few words of text in it`,
    createdAt: new Date().toISOString(),
  };
}

async function conversation(store: Store): Promise<string> {
  return (await store.createConversation({ websiteId: WEBSITE, visitorId: newId('vis') })).conversation.id;
}

/** Appends per second with `writers` concurrent loops of `perWriter` appends, each into `target(writer)`. */
async function appendRate(store: Store, writers: number, perWriter: number, target: (writer: number) => string): Promise<number> {
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let i = 0; i < perWriter; i++) await store.appendItem(message(target(writer), i));
    }),
  );
  return Math.round((writers * perWriter) / ((performance.now() - started) / 1000));
}

function percentile(sorted: number[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(3));
}

export async function benchStore(): Promise<object> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-store-'));
  try {
    let server = await startEmbeddedMongo({ dataDir });
    let store = await openStore({ uri: server.uri, dbName: 'bench' });

    // Warm-up (JIT, connection pool), not measured.
    const warm = await conversation(store);
    await appendRate(store, 20, 50, () => warm);

    const single = await conversation(store);
    const singleWriter = await appendRate(store, 1, 2000, () => single);
    const shared = await conversation(store);
    const twentyWritersOneConversation = await appendRate(store, 20, 250, () => shared);
    const own = await Promise.all(Array.from({ length: 20 }, () => conversation(store)));
    const twentyWritersOwnConversations = await appendRate(store, 20, 250, (writer) => own[writer]!);

    // 1,000 conversations × 100 items: ten conversations at a time, each one's 100 appends concurrent.
    const seedStarted = performance.now();
    const seeded: string[] = [];
    for (let i = 0; i < 1000; i++) seeded.push(await conversation(store));
    for (let i = 0; i < seeded.length; i += 10) {
      await Promise.all(seeded.slice(i, i + 10).flatMap((id) => Array.from({ length: 100 }, (_, n) => store.appendItem(message(id, n + 1)))));
    }
    const seedSeconds = Number(((performance.now() - seedStarted) / 1000).toFixed(1));

    // One reader, random conversation, random position: "the next 50 items".
    const latencies: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const id = seeded[Math.floor(Math.random() * seeded.length)]!;
      const afterSeq = Math.floor(Math.random() * 50);
      const started = performance.now();
      const page = await store.listItems(id, { audience: 'all', limit: 50, afterSeq });
      latencies.push(performance.now() - started);
      if (page.items.length !== 50) throw new Error(`expected 50 items, got ${page.items.length}`);
    }
    latencies.sort((a, b) => a - b);
    const rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);

    await store.close();
    await server.close();
    const restartStarted = performance.now();
    server = await startEmbeddedMongo({ dataDir });
    const restartMs = Math.round(performance.now() - restartStarted);
    store = await openStore({ uri: server.uri, dbName: 'bench' });
    const firstPageAfterRestart = await store.listItems(seeded[0]!, { audience: 'all', limit: 50 });
    const restartToFirstPageMs = Math.round(performance.now() - restartStarted);
    await store.close();
    await server.close();

    return {
      appendsPerSecond: { singleWriter, twentyWritersOneConversation, twentyWritersOwnConversations },
      seed: { conversations: 1000, itemsEach: 100, seconds: seedSeconds, appendsPerSecond: Math.round(100_000 / seedSeconds) },
      nextFiftyItemsMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), samples: latencies.length },
      restartMs,
      restartToFirstPageMs,
      firstPageItems: firstPageAfterRestart.items.length,
      rssMiB,
      targets: { appendsPerSecondTwentyWriters: 5000, pageP99Ms: 5, restartMs: 2000 },
    };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchStore(), null, 2));
  process.exit(0);
}
