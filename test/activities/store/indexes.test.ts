import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../../activities/store';
import { message, newConversation, useStore } from './fixtures';

const ctx = useStore('indexes');

describe('Store', () => {
  describe('indexes', () => {
    let client: MongoClient;
    beforeAll(async () => {
      client = await MongoClient.connect(ctx.mongo().uri);
    });
    afterAll(async () => {
      await client.close();
    });
    const insertRaw = (collection: string, doc: object) => client.db(ctx.dbName).collection(collection).insertOne(doc);

    it('refuses a second item at the same (conversationId, seq)', async () => {
      const conversationId = await newConversation(ctx.get());
      const { item } = await ctx.get().appendItem(message(conversationId));
      const error = await insertRaw('items', { ...message(conversationId), _id: 'item_raw', seq: item.seq }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect((error as MongoServerError).code).toBe(11000);
    });

    it('refuses a second contact with the same (websiteId, externalId)', async () => {
      await insertRaw('contacts', { _id: 'ct_1', id: 'ct_1', websiteId: 'web_1', externalId: 'u1' });
      await expect(insertRaw('contacts', { _id: 'ct_2', id: 'ct_2', websiteId: 'web_1', externalId: 'u1' })).rejects.toMatchObject({ code: 11000 });
      await expect(insertRaw('contacts', { _id: 'ct_3', id: 'ct_3', websiteId: 'web_2', externalId: 'u1' })).resolves.toBeTruthy();
    });

    it('refuses a second seen state for the same conversation and viewer', async () => {
      const seen = { conversationId: 'conv_1', viewer: { kind: 'visitor', id: 'vis_1' }, lastSeenSeq: 0, lastSeenAt: '' };
      await insertRaw('seen', { _id: 'a', ...seen });
      await expect(insertRaw('seen', { _id: 'b', ...seen })).rejects.toMatchObject({ code: 11000 });
    });

    it('is created idempotently by every store that opens the database', async () => {
      const again: Store = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
      await again.close();
      const names = (await client.db(ctx.dbName).collection('conversations').listIndexes().toArray()).map((i) => i.name);
      expect(names).toEqual(expect.arrayContaining(['_id_', 'inbox', 'widget_visitor', 'widget_contact', 'inbox_status', 'inbox_priority', 'inbox_tag', 'inbox_assignee']));
      // The visitor and contact indexes of earlier versions sorted on all activity: gone.
      expect(names).not.toContain('inbox_visitor');
    });
  });

  describe('#appendItem across instances', () => {
    it('hands out distinct, gap-free seqs to writers on two MongoClients', async () => {
      const other: Store = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
      try {
        const conversationId = await newConversation(ctx.get());
        const write50 = async (store: Store) => {
          const seqs: number[] = [];
          for (let i = 0; i < 50; i++) seqs.push((await store.appendItem(message(conversationId))).item.seq);
          return seqs;
        };
        const runs = [ctx.get(), other].flatMap((store) => Array.from({ length: 5 }, () => write50(store)));
        const seqs = (await Promise.all(runs)).flat().sort((a, b) => a - b);
        expect(seqs).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
      } finally {
        await other.close();
      }
    });
  });
});
