/**
 * Inbox search benchmark on the embedded server: 2,000 conversations × 10 items, then the first
 * page (100) of `listConversations` with a search that one conversation matches, one that every
 * item matches (the page is found in the newest conversations), one that nothing matches, and
 * the rare one with the status filter; then how long an append to another conversation takes, alone
 * and while searches that match one conversation run one after another (what a search costs the
 * store's other users: the embedded server answers one command at a time). Run directly:
 * `npx tsx bench/search.ts`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openStore, type Store } from '../activities/store';
import { newId } from '../activities/store/ids';
import type { ConversationFilter } from '../activities/store/conversations';
import { startEmbeddedMongo } from '../runtime/mongo';

const WEBSITE = 'web_bench';
const CONVERSATIONS = 2000;
const ITEMS_EACH = 10;
const SAMPLES = 20;
const APPENDS = 200;

const item = (conversationId: string, n: number, text: string) => ({
  id: newId('item'),
  conversationId,
  type: n % 5 === 0 ? 'note' : 'message',
  visibility: n % 5 === 0 ? ('private' as const) : ('public' as const),
  author: { kind: 'visitor' as const, id: 'vis_bench' },
  text,
  createdAt: new Date().toISOString(),
});

/** Milliseconds of `SAMPLES` first pages of the search, p50 and the slowest, and how many it listed. */
async function timeSearch(store: Store, filter: Omit<ConversationFilter, 'scope'>): Promise<{ p50: number; max: number; listed: number }> {
  const times: number[] = [];
  let listed = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    const page = await store.listConversations({ scope: { websiteId: WEBSITE }, ...filter }, { audience: 'all' }, { limit: 100 });
    times.push(performance.now() - started);
    listed = page.conversations.length;
  }
  times.sort((a, b) => a - b);
  return { p50: Number(times[Math.floor(SAMPLES / 2)]!.toFixed(1)), max: Number(times.at(-1)!.toFixed(1)), listed };
}

/** Milliseconds of `APPENDS` appends one after another, p50 and the slowest, with `searching` running meanwhile (until the appends end). */
async function timeAppends(store: Store, conversationId: string, searching?: (done: () => boolean) => Promise<void>): Promise<{ p50: number; max: number }> {
  const times: number[] = [];
  let finished = false;
  const running = searching?.(() => finished);
  for (let n = 0; n < APPENDS; n++) {
    const started = performance.now();
    await store.appendItem(item(conversationId, 1, `append ${n}`));
    times.push(performance.now() - started);
    // A pause between appends, as messages arrive, so a search has the store to itself at times.
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  finished = true;
  await running;
  times.sort((a, b) => a - b);
  return { p50: Number(times[Math.floor(APPENDS / 2)]!.toFixed(1)), max: Number(times.at(-1)!.toFixed(1)) };
}

export async function benchSearch(): Promise<object> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-search-'));
  try {
    const server = await startEmbeddedMongo({ dataDir });
    const store = await openStore({ uri: server.uri, dbName: 'bench' });
    const seedStarted = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < CONVERSATIONS; i++) ids.push((await store.createConversation({ websiteId: WEBSITE, visitorId: newId('vis') })).conversation.id);
    for (let i = 0; i < ids.length; i += 20) {
      await Promise.all(
        ids.slice(i, i + 20).flatMap((id, j) =>
          Array.from({ length: ITEMS_EACH }, (_, n) => store.appendItem(item(id, n + 1, `message ${n + 1} about order ${i + j}: my parcel has not arrived${i + j === 1234 && n === 7 ? ' zorblax' : ''}`))),
        ),
      );
    }
    const seedSeconds = Number(((performance.now() - seedStarted) / 1000).toFixed(1));
    await timeSearch(store, { search: 'warm-up' }); // JIT, not measured.
    const result = {
      stored: { conversations: CONVERSATIONS, itemsEach: ITEMS_EACH, seedSeconds },
      firstPageMs: {
        oneMatches: await timeSearch(store, { search: 'zorblax' }),
        everyItemMatches: await timeSearch(store, { search: 'parcel' }),
        noneMatches: await timeSearch(store, { search: 'nothing like it' }),
        oneMatchesWithStatus: await timeSearch(store, { search: 'zorblax', status: 'open' }),
        noSearch: await timeSearch(store, {}),
      },
      appendMs: {
        alone: await timeAppends(store, ids[0]!),
        whileSearching: await timeAppends(store, ids[0]!, async (done) => {
          while (!done()) await store.listConversations({ scope: { websiteId: WEBSITE }, search: 'zorblax' }, { audience: 'all' }, { limit: 100 });
        }),
      },
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
    await store.close();
    await server.close();
    return result;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchSearch(), null, 2));
  process.exit(0);
}
