import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../activities/store';
import { startEmbeddedMongo } from '../../../runtime/mongo';
import { message, newConversation } from './fixtures';

const usesRealMongo = !!process.env.MONGODB_URI;
if (usesRealMongo) console.info('Store durability tests skipped: they restart and kill the embedded server, and MONGODB_URI is set.');

/** Runs `use` against an embedded server on `dataDir`, then closes both. */
async function withStore<T>(dataDir: string, use: (store: Store) => Promise<T>): Promise<T> {
  const server = await startEmbeddedMongo({ dataDir });
  const store = await openStore({ uri: server.uri, dbName: 'durability' });
  try {
    return await use(store);
  } finally {
    await store.close();
    await server.close();
  }
}

describe.skipIf(usesRealMongo)('Store (embedded server on disk)', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'store-durability-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('#appendItem', () => {
    it('keeps every item across a restart, and the seqs go on after the last', async () => {
      const { conversationId, written } = await withStore(dataDir, async (store) => {
        const id = await newConversation(store);
        const items = [];
        for (let i = 0; i < 200; i++) items.push((await store.appendItem(message(id))).item);
        return { conversationId: id, written: items };
      });
      await withStore(dataDir, async (store) => {
        const first = await store.listItems(conversationId, { audience: 'all', limit: 100 });
        const second = await store.listItems(conversationId, { audience: 'all', limit: 100, cursor: first.nextCursor! });
        expect([...first.items, ...second.items]).toEqual(written);
        expect((await store.getConversation(conversationId))?.lastTimelineItem).toEqual(written.at(-1));
        expect((await store.appendItem(message(conversationId))).item.seq).toBe(201);
      });
    });

    it('keeps every acknowledged item when the writing process is killed mid-burst', async () => {
      const script = fileURLToPath(new URL('./burst-writer.ts', import.meta.url));
      // Own process group, so SIGKILL reaches npx, tsx and the node process running the script.
      const child = spawn('npx', ['tsx', script, dataDir], { detached: true, stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      const acked = new Map<string, number>();
      let conversationId = '';
      for await (const line of createInterface({ input: child.stdout! })) {
        const [kind, id, seq] = line.split(' ');
        if (kind === 'conversation') conversationId = id!;
        if (kind === 'ack') acked.set(id!, Number(seq));
        if (acked.size >= 500) {
          process.kill(-child.pid!, 'SIGKILL');
          break;
        }
      }
      await exited;
      expect(conversationId).not.toBe('');

      await withStore(dataDir, async (store) => {
        const stored = new Map<number, string>();
        let page = await store.listItems(conversationId, { audience: 'all', limit: 100 });
        for (;;) {
          for (const item of page.items) stored.set(item.seq, item.id);
          if (!page.nextCursor) break;
          page = await store.listItems(conversationId, { audience: 'all', limit: 100, cursor: page.nextCursor });
        }
        for (const [id, seq] of acked) expect(stored.get(seq)).toBe(id);
        // Seqs handed out before the crash are never handed out again.
        const next = (await store.appendItem(message(conversationId))).item.seq;
        expect(next).toBeGreaterThan(Math.max(...stored.keys()));
      });
    });
  });
});
