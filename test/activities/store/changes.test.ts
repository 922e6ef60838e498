import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { openStore, type StoreChange, type Store } from '../../../activities/store';
import { namedFailPoint, type FailPointMode } from '../../support/fail-point';
import { QUICK_TTL, TTL_TEST, TTL_WAIT_MS } from '../../support/mongo';
import { message, newConversation, note, useStore } from './fixtures';

const ctx = useStore('changes', QUICK_TTL);

/** Collects changes and waits for one matching a predicate. */
function collector() {
  const changes: StoreChange[] = [];
  const waiters: Array<() => void> = [];
  return {
    changes,
    onChange(change: StoreChange) {
      changes.push(change);
      for (const wake of waiters.splice(0)) wake();
    },
    async waitFor(match: (change: StoreChange) => boolean, timeoutMs = 5000): Promise<StoreChange> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = changes.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no matching change among ${changes.map((c) => c.type).join(', ')}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

/** Runs `check` with a second store watching the changes (its own MongoClient, as on another server instance). */
async function withWatchingInstance(check: (seen: ReturnType<typeof collector>) => Promise<void>): Promise<void> {
  const reader: Store = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
  const seen = collector();
  const watch = await reader.watchChanges(seen.onChange);
  try {
    await check(seen);
  } finally {
    await watch.close();
    await reader.close();
  }
}

describe('Store', () => {
  describe('#watchChanges', () => {
    it('delivers another instance’s writes with what routing needs', async () => {
      const writer = ctx.get();
      await withWatchingInstance(async (seen) => {
        const conversationId = await newConversation(writer, { websiteId: 'web_routes' });
        const { item } = await writer.appendItem(message(conversationId));
        const { item: secret } = await writer.appendItem(note(conversationId));
        await writer.answerItem(item, { reactions: ['+1'] }, { id: 'reply_1', item: {} });
        await writer.projectLifecycle(conversationId, { status: 'resolved', priority: 'high', handler: 'human', participants: [], tags: [] }, 1);
        await writer.publishEphemeral({ websiteId: 'web_routes', conversationId, visibility: 'public', type: 'typing', payload: { isTyping: true } });

        expect(await seen.waitFor((c) => c.type === 'conversationCreated' && c.conversationId === conversationId)).toMatchObject({ websiteId: 'web_routes' });
        expect(await seen.waitFor((c) => c.type === 'itemCreated' && c.item.id === item.id)).toEqual({
          type: 'itemCreated',
          websiteId: 'web_routes',
          conversationId,
          visibility: 'public',
          item,
        });
        expect(await seen.waitFor((c) => c.type === 'itemCreated' && c.item.id === secret.id)).toMatchObject({ visibility: 'private' });
        expect(await seen.waitFor((c) => c.type === 'itemUpdated' && c.item.id === item.id)).toMatchObject({ item: { reactions: ['+1'] } });
        const updated = await seen.waitFor((c) => c.type === 'conversationUpdated' && c.views.all.status === 'resolved');
        expect(updated).toMatchObject({ websiteId: 'web_routes', conversationId, views: { all: { priority: 'high', lastTimelineItem: { id: secret.id } }, public: { lastTimelineItem: { id: item.id } } } });
        expect(updated.type === 'conversationUpdated' && updated.changedFields).toEqual(expect.arrayContaining(['status', 'priority', 'handler']));
        expect(await seen.waitFor((c) => c.type === 'ephemeral')).toMatchObject({
          websiteId: 'web_routes',
          conversationId,
          visibility: 'public',
          origin: writer.instanceId,
          event: { type: 'typing', payload: { isTyping: true } },
        });
        // An append only moves the conversation's last item, which the item's own event tells: no conversation change for
        // it, but for the wait a visitor's message starts (the note moves nothing the team's list sorts by).
        // (Within the conversations stream, the appends' updates came before the resolve that was awaited above.)
        const conversationUpdates = seen.changes.flatMap((c) => (c.type === 'conversationUpdated' && c.conversationId === conversationId ? [c.changedFields] : []));
        expect(conversationUpdates).toEqual([expect.arrayContaining(['waitingSince']), expect.arrayContaining(['status', 'priority', 'handler'])]);
      });
    });

    it('keeps delivering after onChange throws, reporting the error', async () => {
      const store = ctx.get();
      const seen = collector();
      const errors: unknown[] = [];
      const watch = await store.watchChanges(
        (change) => {
          seen.onChange(change);
          if (change.type === 'itemCreated' && change.item.text === 'boom') throw new Error('consumer failed');
        },
        { onError: (error) => errors.push(error) },
      );
      try {
        const conversationId = await newConversation(store);
        await store.appendItem(message(conversationId, { text: 'boom' }));
        const { item } = await store.appendItem(message(conversationId, { text: 'after' }));
        await seen.waitFor((c) => c.type === 'itemCreated' && c.item.id === item.id);
        expect(errors).toEqual([new Error('consumer failed')]);
      } finally {
        await watch.close();
      }
    });

    it('carries a conversation written by two instances at once to every watcher in seq order, each item once', async () => {
      const [first, second] = [ctx.get(), await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName })];
      const watchers = [collector(), collector()];
      const watches = [await first.watchChanges(watchers[0]!.onChange), await second.watchChanges(watchers[1]!.onChange)];
      try {
        const conversationId = await newConversation(first);
        const writer = async (store: Store) => {
          for (let i = 0; i < 40; i++) await store.appendItem(message(conversationId));
        };
        await Promise.all([first, second].flatMap((store) => Array.from({ length: 4 }, () => writer(store))));
        for (const seen of watchers) {
          await seen.waitFor((c) => c.type === 'itemCreated' && c.conversationId === conversationId && c.item.seq === 320);
          const seqs = seen.changes.flatMap((c) => (c.type === 'itemCreated' && c.conversationId === conversationId ? [c.item.seq] : []));
          expect(seqs).toEqual(Array.from({ length: 320 }, (_, i) => i + 1));
        }
      } finally {
        await Promise.all(watches.map((watch) => watch.close()));
        await second.close();
      }
    });

    it('stops delivering after close()', async () => {
      const store = ctx.get();
      const seen = collector();
      const watch = await store.watchChanges(seen.onChange);
      await watch.close();
      await store.appendItem(message(await newConversation(store)));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen.changes).toEqual([]);
    });

    it('reports a stream that ends for good once, after which nothing is delivered; failing while opening rejects instead', async ({ skip }) => {
      const getMores = namedFailPoint('changes', { commands: ['getMore'], errorCode: 286 });
      const { uri } = ctx.mongo();
      const store = await openStore({ uri: getMores.clientUri(uri), dbName: ctx.dbName });
      const failGetMore = (mode: FailPointMode) => getMores.set(uri, mode);
      try {
        if (!(await failGetMore({ times: 1 }))) skip('this MongoDB has no test commands (enableTestCommands)');
        const failures: unknown[] = [];
        await expect(store.watchChanges(() => {}, { onFailed: (error) => failures.push(error) })).rejects.toMatchObject({ code: 286 });

        const seen = collector();
        await store.watchChanges(seen.onChange, { onFailed: (error) => failures.push(error) });
        await failGetMore({ times: 1 });
        await expect.poll(() => failures.length).toBe(1);
        expect(failures[0]).toMatchObject({ code: 286 });
        await store.appendItem(message(await newConversation(store)));
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(seen.changes).toEqual([]);
        expect(failures).toHaveLength(1);
      } finally {
        await failGetMore('off');
        await store.close();
      }
    });
  });

  describe('#publishEphemeral', () => {
    it('delivers every event published in one turn, in the order published', async () => {
      const writer = ctx.get();
      await withWatchingInstance(async (seen) => {
        const published = Array.from({ length: 200 }, (_, n) => writer.publishEphemeral({ websiteId: 'web_burst', visibility: 'private', type: 'typing', payload: { n } }));
        await Promise.all(published);
        await seen.waitFor((c) => c.type === 'ephemeral' && c.event.payload.n === 199);
        const order = seen.changes.flatMap((c) => (c.type === 'ephemeral' && c.websiteId === 'web_burst' ? [c.event.payload.n] : []));
        expect(order).toEqual(Array.from({ length: 200 }, (_, n) => n));
      });
    });

    it('leaves expired events to the TTL index, which deletes them and keeps the others', TTL_TEST, async () => {
      const client = await MongoClient.connect(ctx.mongo().uri);
      try {
        const ephemeral = client.db(ctx.dbName).collection('ephemeral');
        await ctx.get().publishEphemeral({ websiteId: 'web_ttl', visibility: 'private', type: 'presence', payload: { online: true } });
        // Written after the publish, so that nothing the publish does can be what deletes it.
        await ephemeral.insertOne({ _id: 'evt_old' as never, websiteId: 'web_ttl', visibility: 'private', type: 'typing', payload: {}, expireAt: new Date(Date.now() - 1000) });
        await expect.poll(() => ephemeral.countDocuments({ _id: 'evt_old' as never }), { timeout: TTL_WAIT_MS }).toBe(0);
        expect(await ephemeral.countDocuments({ websiteId: 'web_ttl', type: 'presence' })).toBe(1);
      } finally {
        await client.close();
      }
    });
  });
});
