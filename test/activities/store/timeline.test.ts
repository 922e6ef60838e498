import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { openStore, type ItemToAppend, type Store } from '../../../activities/store';
import { AppError } from '../../../domain/errors';
import type { TimelineItem } from '../../../domain/timeline';
import { agentAuthor, message, newConversation, note, useStore } from './fixtures';

const ctx = useStore('timeline');

describe('Store', () => {
  describe('#appendItem', () => {
    it('gives 20 concurrent writers × 100 items the seqs 1..2000 exactly once each', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const writer = async () => {
        const seqs: number[] = [];
        for (let i = 0; i < 100; i++) seqs.push((await store.appendItem(message(conversationId))).item.seq);
        return seqs;
      };
      const seqs = (await Promise.all(Array.from({ length: 20 }, writer))).flat().sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
      const stored = [];
      let cursor: string | undefined;
      do {
        const page = await store.listItems(conversationId, { audience: 'all', limit: 100, cursor });
        stored.push(...page.items.map((item) => item.seq));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(stored).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
      const conversation = await store.getConversation(conversationId);
      expect(conversation?.lastTimelineItem?.seq).toBe(2000);
    });

    it('returns the stored item for a retry with the same content (created false)', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const item = message(conversationId, { parts: [{ type: 'text', text: 'hello' }] });
      const first = await store.appendItem(item);
      // A retry arrives later (other createdAt) with its keys in another order.
      const retry = { ...Object.fromEntries(Object.entries(item).reverse()), createdAt: new Date(Date.now() + 5000).toISOString() } as typeof item;
      const second = await store.appendItem(retry);
      expect(first.created).toBe(true);
      expect(second).toEqual({ item: first.item, created: false });
      expect((await store.listItems(conversationId, { audience: 'all' })).items).toHaveLength(1);
    });

    it('answers ERR_CONFLICT to the same id with other content', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const item = message(conversationId);
      await store.appendItem(item);
      await expect(store.appendItem({ ...item, text: 'changed' })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
      await expect(store.appendItem({ ...item, visibility: 'private' })).rejects.toBeInstanceOf(AppError);
    });

    it('spends no seq on a retry written together with new items: the seqs stay 1, 2, 3 … for every writer', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const first = message(conversationId);
      await store.appendItem(first);
      const [retry, ...fresh] = await Promise.all([first, message(conversationId), message(conversationId)].map((item) => store.appendItem(item)));
      expect(retry!.created).toBe(false);
      expect(fresh.map(({ item }) => item.seq)).toEqual([2, 3]);
      const other = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
      try {
        expect((await other.appendItem(message(conversationId))).item.seq).toBe(4);
      } finally {
        await other.close();
      }
      expect((await store.listItems(conversationId, { audience: 'all' })).items.map((item) => item.seq)).toEqual([1, 2, 3, 4]);
    });

    it('gives an item that lost its seq to another writer the next free one', async () => {
      const [mine, theirs] = [ctx.get(), await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName })];
      try {
        const conversationId = await newConversation(mine);
        expect((await mine.appendItem(message(conversationId))).item.seq).toBe(1);
        expect((await theirs.appendItem(message(conversationId))).item.seq).toBe(2);
        // `mine` last saw seq 1 and watches nothing: it tries 2, loses it, reads the end and takes 3.
        expect((await mine.appendItem(message(conversationId))).item.seq).toBe(3);
        expect((await theirs.listItems(conversationId, { audience: 'all' })).items.map((item) => item.seq)).toEqual([1, 2, 3]);
      } finally {
        await theirs.close();
      }
    });

    describe('with `unless`', () => {
      /** An `unless` that refuses once a team member's public message is stored, asking the store as the AI's reply does; counts its looks. */
      const unlessTeamAnswered = (store: Store, conversationId: string) => {
        const looks = { count: 0 };
        const unless = async () => {
          looks.count++;
          return (await store.hasTeamMessageAfter(conversationId, 0)) ? 'a person answered' : undefined;
        };
        return { unless, looks };
      };

      it('asks once the items appended before it in the same moment are stored, and stores nothing when refused', async () => {
        const store = ctx.get();
        const conversationId = await newConversation(store);
        const { unless } = unlessTeamAnswered(store, conversationId);
        const [answer, reply, after] = await Promise.allSettled([
          store.appendItem(message(conversationId, { author: agentAuthor('usr_ann') })),
          store.appendItem(message(conversationId, { author: { kind: 'ai', id: 'ai_1' } }), { unless }),
          store.appendItem(message(conversationId)),
        ]);
        expect(answer).toMatchObject({ status: 'fulfilled' });
        expect(reply).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CONFLICT', message: 'a person answered' } });
        expect(after).toMatchObject({ status: 'fulfilled', value: { item: { seq: 2 } } });
        expect((await store.listItems(conversationId, { audience: 'all' })).items.map((item) => item.author.kind)).toEqual(['human', 'visitor']);
      });

      it('asks again when another writer stored an item between its look and its write, and so sees that item', async () => {
        const [mine, theirs] = [ctx.get(), await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName })];
        try {
          const conversationId = await newConversation(mine);
          await mine.appendItem(message(conversationId));
          const { unless, looks } = unlessTeamAnswered(mine, conversationId);
          // Another instance stores a person's answer just after the first look, before the write: the write loses its seq.
          const lookingWhileTheyWrite = async () => {
            const refusal = await unless();
            if (looks.count === 1) await theirs.appendItem(message(conversationId, { author: agentAuthor('usr_ann') }));
            return refusal;
          };
          await expect(mine.appendItem(message(conversationId, { author: { kind: 'ai', id: 'ai_1' } }), { unless: lookingWhileTheyWrite })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
          expect(looks.count).toBe(2);
          expect((await mine.listItems(conversationId, { audience: 'all' })).items.map((item) => item.author.kind)).toEqual(['visitor', 'human']);
        } finally {
          await theirs.close();
        }
      });

      it("holds up no other conversation's items while it looks", async () => {
        const store = ctx.get();
        const [looking, other] = [await newConversation(store), await newConversation(store)];
        let answer!: (reason: string | undefined) => void;
        let asked!: () => void;
        const wasAsked = new Promise<void>((resolve) => (asked = resolve));
        const unless = () => new Promise<string | undefined>((resolve) => ((answer = resolve), asked()));
        const held = store.appendItem(message(looking, { author: { kind: 'ai', id: 'ai_1' } }), { unless });
        expect((await store.appendItem(message(other))).item.seq).toBe(1);
        await wasAsked;
        answer(undefined);
        expect((await held).item.seq).toBe(1);
      });

      it('stores the item when the answer is no reason, and a failing look fails only that append', async () => {
        const store = ctx.get();
        const conversationId = await newConversation(store);
        const other = await newConversation(store);
        const { unless } = unlessTeamAnswered(store, conversationId);
        const failing = async () => {
          throw new Error('the look failed');
        };
        const [reply, failed, elsewhere] = await Promise.allSettled([
          store.appendItem(message(conversationId, { author: { kind: 'ai', id: 'ai_1' } }), { unless }),
          store.appendItem(message(other), { unless: failing }),
          store.appendItem(message(other)),
        ]);
        expect(reply).toMatchObject({ status: 'fulfilled', value: { item: { seq: 1 } } });
        expect(failed).toMatchObject({ status: 'rejected', reason: { message: 'the look failed' } });
        expect(elsewhere).toMatchObject({ status: 'fulfilled', value: { item: { seq: 1 } } });
      });
    });

    it('answers ERR_NOT_FOUND for an unknown conversation', async () => {
      await expect(ctx.get().appendItem(message('conv_missing'))).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    });

    it('keeps plugin fields on the item', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const { item } = await store.appendItem(message(conversationId, { type: 'acme.rating', score: 4, text: undefined } as never));
      expect(await store.getItem(item.id)).toMatchObject({ type: 'acme.rating', score: 4, seq: 1 });
    });

    it('keeps the last item per audience: a private item is last for agents only', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const visible = (await store.appendItem(message(conversationId))).item;
      const hidden = (await store.appendItem(note(conversationId))).item;
      expect((await store.getConversation(conversationId, 'all'))?.lastTimelineItem).toEqual(hidden);
      expect((await store.getConversation(conversationId, 'public'))?.lastTimelineItem).toEqual(visible);
    });

    it('never moves the last item back to an older seq when writers race', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const old = new Date(Date.now() - 60_000).toISOString();
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.appendItem(message(conversationId, { createdAt: i % 2 ? old : new Date().toISOString() }))));
      const conversation = await store.getConversation(conversationId);
      expect(conversation?.lastTimelineItem?.seq).toBe(50);
    });
    it('records a public item as the visitors\' last item when a newer private item was recorded first', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      // Another writer's newer note (seq 2) got its conversation update in between this writer's insert
      // of seq 1 and its update, as can happen on a replica set: the update for both audiences matches nothing.
      const newer = { ...note(conversationId), id: 'item_newer_note', seq: 2, createdAt: new Date().toISOString() };
      const client = await MongoClient.connect(ctx.mongo().uri);
      try {
        await client.db(ctx.dbName).collection('conversations').updateOne({ _id: conversationId } as object, { $set: { lastItemAll: newer, lastSeqAll: 2 } });
      } finally {
        await client.close();
      }
      const visible = (await store.appendItem(message(conversationId))).item;
      expect(visible.seq).toBe(1);
      expect((await store.getConversation(conversationId, 'public'))?.lastTimelineItem).toEqual(visible);
      expect((await store.getConversation(conversationId, 'all'))?.lastTimelineItem?.id).toBe('item_newer_note');
    });

    it('keeps the right last item per audience when public and private writers race on two clients', async () => {
      const store = ctx.get();
      const other = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
      try {
        const conversationId = await newConversation(store);
        const writer = async (s: Store, i: number) => {
          for (let n = 0; n < 40; n++) await s.appendItem((n + i) % 3 === 0 ? note(conversationId) : message(conversationId));
        };
        await Promise.all(Array.from({ length: 10 }, (_, i) => writer(i % 2 ? store : other, i)));
        const all = (await store.listItems(conversationId, { audience: 'all', limit: 100, afterSeq: 300 })).items;
        const pub = (await store.listItems(conversationId, { audience: 'public', limit: 100, afterSeq: 300 })).items;
        expect(all.at(-1)?.seq).toBe(400);
        expect((await store.getConversation(conversationId, 'all'))?.lastTimelineItem).toEqual(all.at(-1));
        expect((await store.getConversation(conversationId, 'public'))?.lastTimelineItem).toEqual(pub.at(-1));
      } finally {
        await other.close();
      }
    });
  });

  describe('#listItems', () => {
    it('pages forwards in seq order with an opaque cursor', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      for (let i = 0; i < 7; i++) await store.appendItem(message(conversationId, { text: `m${i}` }));
      const first = await store.listItems(conversationId, { audience: 'all', limit: 3 });
      expect(first.items.map((i) => i.seq)).toEqual([1, 2, 3]);
      expect(first.hasNextPage).toBe(true);
      const second = await store.listItems(conversationId, { audience: 'all', limit: 3, cursor: first.nextCursor! });
      const third = await store.listItems(conversationId, { audience: 'all', limit: 3, cursor: second.nextCursor! });
      expect(second.items.map((i) => i.seq)).toEqual([4, 5, 6]);
      expect(third).toMatchObject({ hasNextPage: false, nextCursor: null });
      expect(third.items.map((i) => i.seq)).toEqual([7]);
    });

    it('returns the items after a seq (resume)', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      for (let i = 0; i < 5; i++) await store.appendItem(message(conversationId));
      const page = await store.listItems(conversationId, { audience: 'all', afterSeq: 3 });
      expect(page.items.map((i) => i.seq)).toEqual([4, 5]);
      expect(page.hasNextPage).toBe(false);
    });

    it('reads backwards from a seq: the last items before it, in timeline order, and whether older ones are left', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      for (let i = 0; i < 7; i++) await store.appendItem(i === 5 ? note(conversationId) : message(conversationId));
      const newest = await store.listItems(conversationId, { audience: 'all', limit: 3, beforeSeq: 8 });
      expect(newest.items.map((i) => i.seq)).toEqual([5, 6, 7]);
      expect(newest.hasPreviousPage).toBe(true);
      expect(newest).toMatchObject({ hasNextPage: false, nextCursor: null });
      const older = await store.listItems(conversationId, { audience: 'all', limit: 3, beforeSeq: 5 });
      expect(older.items.map((i) => i.seq)).toEqual([2, 3, 4]);
      // Newer items are left after it: its cursor reads them forwards.
      expect(older.hasNextPage).toBe(true);
      const forwards = await store.listItems(conversationId, { audience: 'all', limit: 10, cursor: older.nextCursor! });
      expect(forwards.items.map((i) => i.seq)).toEqual([5, 6, 7]);
      const oldest = await store.listItems(conversationId, { audience: 'all', limit: 3, beforeSeq: 2 });
      expect(oldest).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
      expect(oldest.items.map((i) => i.seq)).toEqual([1]);
      // The public audience skips the note (seq 6) and still fills its page.
      const pub = await store.listItems(conversationId, { audience: 'public', limit: 3, beforeSeq: 8 });
      expect(pub.items.map((i) => i.seq)).toEqual([4, 5, 7]);
    });

    it('never returns a private item to the public audience', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      await store.appendItem(message(conversationId));
      await store.appendItem(note(conversationId));
      await store.appendItem(message(conversationId, { visibility: 'private', author: agentAuthor('usr_1') }));
      await store.appendItem(message(conversationId));
      const pub = await store.listItems(conversationId, { audience: 'public', limit: 1 });
      const rest = await store.listItems(conversationId, { audience: 'public', limit: 100, cursor: pub.nextCursor! });
      const resumed = await store.listItems(conversationId, { audience: 'public', afterSeq: 0 });
      expect([...pub.items, ...rest.items].map((i) => i.seq)).toEqual([1, 4]);
      expect(resumed.items.every((i) => i.visibility === 'public')).toBe(true);
      expect((await store.listItems(conversationId, { audience: 'all' })).items).toHaveLength(4);
    });

    it('rejects a limit above 100 and a cursor it did not make', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      await expect(store.listItems(conversationId, { audience: 'all', limit: 101 })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
      await expect(store.listItems(conversationId, { audience: 'all', cursor: 'bm9wZQ' })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    });
  });

  describe('#hasVisitorMessageAfter', () => {
    it('counts only public visitor messages after the seq (what starts a newer AI turn)', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const other = await newConversation(store);
      const { item: asked } = await store.appendItem(message(conversationId));
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_agent') }));
      await store.appendItem(message(conversationId, { visibility: 'private' }));
      await store.appendItem(message(conversationId, { type: 'rating', text: undefined, score: 5 } as Partial<ItemToAppend>));
      await store.appendItem(note(conversationId));
      await store.appendItem(message(other));
      expect(await store.hasVisitorMessageAfter(conversationId, asked.seq)).toBe(false);
      const { item: again } = await store.appendItem(message(conversationId));
      expect(await store.hasVisitorMessageAfter(conversationId, asked.seq)).toBe(true);
      expect(await store.hasVisitorMessageAfter(conversationId, again.seq)).toBe(false);
    });
  });

  describe('#teamAnsweredLast', () => {
    it("says whether the newest public message of the visitor's and the team's people is the team's (what makes the AI's hand-off moot)", async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      expect(await store.teamAnsweredLast(conversationId)).toBe(false);
      await store.appendItem(message(conversationId));
      expect(await store.teamAnsweredLast(conversationId)).toBe(false);
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_agent') }));
      expect(await store.teamAnsweredLast(conversationId)).toBe(true);
      // The AI's words, a private message and a note after it change nothing.
      await store.appendItem(message(conversationId, { author: { kind: 'ai', id: 'ai_default' } }));
      await store.appendItem(message(conversationId, { visibility: 'private' }));
      await store.appendItem(note(conversationId));
      expect(await store.teamAnsweredLast(conversationId)).toBe(true);
      await store.appendItem(message(conversationId));
      expect(await store.teamAnsweredLast(conversationId)).toBe(false);
      // Only this conversation's.
      const other = await newConversation(store);
      await store.appendItem(message(other, { author: agentAuthor('usr_agent') }));
      expect(await store.teamAnsweredLast(conversationId)).toBe(false);
    });
  });

  describe('#newestItemPicked', () => {
    it('gives the newest item of the audience before the seq that the pick takes, as the pick gives it, or null', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const { item: wanted } = await store.appendItem(message(conversationId, { text: 'wanted' }));
      for (let i = 0; i < 25; i++) await store.appendItem(message(conversationId, { text: 'passed over' }));
      await store.appendItem(message(conversationId, { text: 'private', visibility: 'private' }));
      const { item: last } = await store.appendItem(message(conversationId, { text: 'passed over' }));
      const seen: number[] = [];
      const pick = (item: TimelineItem) => (seen.push(item.seq), 'text' in item && item.text !== 'passed over' ? { ...item, text: 'as seen' } : undefined);
      const picked = await store.newestItemPicked(conversationId, { audience: 'public', beforeSeq: last.seq }, pick);
      expect(picked).toMatchObject({ id: wanted.id, text: 'as seen' });
      expect(seen).not.toContain(last.seq - 1);
      expect(await store.newestItemPicked(conversationId, { audience: 'all', beforeSeq: last.seq }, pick)).toMatchObject({ text: 'as seen', visibility: 'private' });
      expect(await store.newestItemPicked(conversationId, { audience: 'public', beforeSeq: wanted.seq }, pick)).toBeNull();
    });

    it('looks no further back than 200 items', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      await store.appendItem(message(conversationId, { text: 'too far back' }));
      for (let i = 0; i < 200; i++) await store.appendItem(message(conversationId, { text: 'passed over' }));
      const { item: last } = await store.appendItem(message(conversationId, { text: 'passed over' }));
      let read = 0;
      const pick = (item: TimelineItem) => (read++, 'text' in item && item.text === 'too far back' ? item : undefined);
      expect(await store.newestItemPicked(conversationId, { audience: 'public', beforeSeq: last.seq }, pick)).toBeNull();
      expect(read).toBe(200);
    });
  });

  describe('#answerItem', () => {
    it('changes the item only while the fields it changes are as read, and keeps the reply out of sight', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const { item: read } = await store.appendItem(message(conversationId, { type: 'acme.poll', votes: 0 } as never));
      const first = await store.answerItem(read, { votes: 1, answeredBy: 'a' }, { id: 'reply_a', item: { text: 'A' } });
      expect(first).toMatchObject({ votes: 1, answeredBy: 'a' });
      expect(first).not.toHaveProperty('answerReply');
      // Worked out from the same reading: the item has changed since.
      expect(await store.answerItem(read, { votes: 1, answeredBy: 'b' }, { id: 'reply_b', item: { text: 'B' } })).toBeNull();
      expect(await store.recordedReply(read.id)).toEqual({ id: 'reply_a', item: { text: 'A' } });
      expect(await store.getItem(read.id)).toEqual(first);
      expect((await store.getConversation(conversationId, 'public'))?.lastTimelineItem).toEqual(first);
    });

    it('takes a field that became an array holding the value read as changed', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const { item: read } = await store.appendItem(message(conversationId, { type: 'acme.poll', choice: 'a' } as never));
      const later = await store.answerItem(read, { choice: ['a', 'b'] }, { id: 'reply_1', item: {} });
      expect(later).toMatchObject({ choice: ['a', 'b'] });
      expect(await store.answerItem(read, { choice: 'c' }, { id: 'reply_2', item: {} })).toBeNull();
      expect(await store.answerItem(later!, { choice: 'c' }, { id: 'reply_3', item: {} })).toMatchObject({ choice: 'c' });
      // An array read, now held inside another array: changed too.
      const { item: pair } = await store.appendItem(message(conversationId, { type: 'acme.poll', choice: ['a', 'b'] } as never));
      await store.answerItem(pair, { choice: [['a', 'b'], 'c'] }, { id: 'reply_4', item: {} });
      expect(await store.answerItem(pair, { choice: 'd' }, { id: 'reply_5', item: {} })).toBeNull();
    });

    it('refuses to change identity, position, author, visibility or what the store keeps', async () => {
      const store = ctx.get();
      const conversationId = await newConversation(store);
      const { item } = await store.appendItem(message(conversationId));
      for (const patch of [{ visibility: 'private' }, { seq: 9 }, { answerReply: null }]) {
        await expect(store.answerItem(item, patch, { id: 'reply_x', item: {} })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
      }
      expect(await store.answerItem({ ...item, id: 'item_missing' }, { votes: 1 }, { id: 'reply_y', item: {} })).toBeNull();
    });
  });
});
