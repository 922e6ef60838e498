import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../../activities/store';
import type { Viewer } from '../../../domain/people';
import { namedFailPoint } from '../../support/fail-point';
import { freshDbName, QUICK_TTL, testMongo, TTL_TEST, TTL_WAIT_MS, type TestMongo } from '../../support/mongo';
import { agentAuthor, message, note, visitorAuthor } from './builders';

describe('openStore', () => {
  let mongo: TestMongo;
  beforeAll(async () => {
    mongo = await testMongo(QUICK_TTL);
  });
  afterAll(() => mongo.close());

  it('moves the owed signals an earlier version kept on its seq counters to the outbox, and drops the counters', async () => {
    const dbName = freshDbName('migrations');
    const client = await MongoClient.connect(mongo.uri);
    try {
      const counters = client.db(dbName).collection<{ _id: string; websiteId: string; seq: number; pendingSignals?: string[] }>('counters');
      await counters.insertMany([
        { _id: 'conv_a', websiteId: 'web_1', seq: 3, pendingSignals: ['item_a2', 'item_a3', 'item_a3'] },
        { _id: 'conv_b', websiteId: 'web_1', seq: 1, pendingSignals: [] },
        { _id: 'conv_c', websiteId: 'web_1', seq: 9 },
      ]);
      for (let start = 0; start < 2; start++) {
        const store = await openStore({ uri: mongo.uri, dbName });
        try {
          expect((await store.listPendingSignals()).sort((a, b) => a.itemId.localeCompare(b.itemId))).toEqual([
            { itemId: 'item_a2', conversationId: 'conv_a', recordedAt: expect.any(String) },
            { itemId: 'item_a3', conversationId: 'conv_a', recordedAt: expect.any(String) },
          ]);
        } finally {
          await store.close();
        }
      }
      expect(await client.db(dbName).listCollections({ name: 'counters' }).toArray()).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('gives items, conversations and seen states stored before unread tallies theirs, so counts stay as they were', async () => {
    const dbName = freshDbName('tallies');
    const websiteId = 'web_tallies';
    const agent: Viewer = { kind: 'human', id: 'usr_1' };
    let store = await openStore({ uri: mongo.uri, dbName });
    const visitor: Viewer = { kind: 'visitor', id: (await store.upsertVisitor(websiteId)).id };
    const { conversation } = await store.createConversation({ websiteId, visitorId: visitor.id });
    const { conversation: empty } = await store.createConversation({ websiteId, visitorId: visitor.id });
    await store.markSeen(empty.id, visitor);
    const id = conversation.id;
    await store.appendItem(message(id, { author: agentAuthor(agent.id) }));
    await store.appendItem(message(id, { author: visitorAuthor(visitor.id) }));
    await store.markSeen(id, agent);
    await store.appendItem(note(id, { author: agentAuthor('usr_2') }));
    await store.markSeen(id, visitor);
    await store.appendItem(message(id, { author: agentAuthor(agent.id) }));
    const viewers: Viewer[] = [visitor, agent, { kind: 'human', id: 'usr_2' }];
    const counts = async () => Promise.all([...viewers.map((viewer) => store.getUnreadCount(id, viewer)), store.countUnreadConversations(websiteId, visitor)]);
    const before = await counts();
    expect(before).toEqual([1, 1, 3, 1]);
    await store.close();

    const client = await MongoClient.connect(mongo.uri);
    try {
      // As the earlier version kept them.
      const db = client.db(dbName);
      await db.collection('items').updateMany({}, { $unset: { tally: '' } });
      await db.collection('conversations').updateMany({}, { $unset: { tally: '' } });
      await db.collection('seen').updateMany({}, { $unset: { base: '' } });
      await db.collection('migrations').deleteMany({});
      for (let start = 0; start < 2; start++) {
        store = await openStore({ uri: mongo.uri, dbName });
        try {
          expect(await counts()).toEqual(before);
        } finally {
          await store.close();
        }
      }
      store = await openStore({ uri: mongo.uri, dbName });
      try {
        await store.appendItem(message(id, { author: agentAuthor('usr_2') }));
        expect(await counts()).toEqual([2, 2, 3, 1]);
      } finally {
        await store.close();
      }
    } finally {
      await client.close();
    }
  });

  it('raises the updatedAt of conversations stored before items moved it to their newest item, never lowering one', async () => {
    const dbName = freshDbName('updated_at');
    const store = await openStore({ uri: mongo.uri, dbName });
    const { conversation: talked } = await store.createConversation({ websiteId: 'web_updated', visitorId: 'vis_1' });
    const { conversation: changed } = await store.createConversation({ websiteId: 'web_updated', visitorId: 'vis_1' });
    const noteAt = new Date(Date.now() + 60_000).toISOString();
    await store.appendItem(note(talked.id, { createdAt: noteAt }));
    await store.close();

    const client = await MongoClient.connect(mongo.uri);
    try {
      // As the earlier version left them: updatedAt at the creation, behind the note; one changed after its last item.
      const conversations = client.db(dbName).collection<{ _id: string; updatedAt: string }>('conversations');
      const laterChange = new Date(Date.now() + 120_000).toISOString();
      await conversations.updateOne({ _id: talked.id }, { $set: { updatedAt: talked.createdAt } });
      await conversations.updateOne({ _id: changed.id }, { $set: { updatedAt: laterChange } });
      await client.db(dbName).collection('migrations').deleteMany({});
      const reopened = await openStore({ uri: mongo.uri, dbName });
      await reopened.close();
      expect((await conversations.findOne({ _id: talked.id }))?.updatedAt).toBe(noteAt);
      expect((await conversations.findOne({ _id: changed.id }))?.updatedAt).toBe(laterChange);
    } finally {
      await client.close();
    }
  });

  it("gives conversations stored before visitors' lists sorted on public activity that time, and drops the indexes it replaced", async () => {
    const dbName = freshDbName('public_activity');
    const websiteId = 'web_activity';
    const store = await openStore({ uri: mongo.uri, dbName });
    const visitorId = (await store.upsertVisitor(websiteId)).id;
    const { conversation: talked } = await store.createConversation({ websiteId, visitorId });
    const { conversation: silent } = await store.createConversation({ websiteId, visitorId });
    const publicAt = new Date(Date.now() + 60_000).toISOString();
    await store.appendItem(message(talked.id, { author: agentAuthor('usr_1'), createdAt: publicAt }));
    await store.appendItem(note(talked.id, { createdAt: new Date(Date.now() + 120_000).toISOString() }));
    await store.close();

    const client = await MongoClient.connect(mongo.uri);
    try {
      // As the earlier version kept them.
      const conversations = client.db(dbName).collection('conversations');
      await conversations.updateMany({}, { $unset: { lastPublicActivityAt: '' } });
      await client.db(dbName).collection('migrations').deleteMany({});
      await conversations.createIndex({ websiteId: 1, visitorId: 1, lastActivityAt: -1, _id: -1 }, { name: 'inbox_visitor' });
      const reopened = await openStore({ uri: mongo.uri, dbName });
      await reopened.close();
      const byId = new Map((await conversations.find({}).toArray()).map((doc) => [doc._id as unknown as string, doc.lastPublicActivityAt]));
      expect(byId.get(talked.id)).toBe(publicAt);
      expect(byId.get(silent.id)).toBe(silent.createdAt);
      expect((await conversations.listIndexes().toArray()).map((index) => index.name)).not.toContain('inbox_visitor');
    } finally {
      await client.close();
    }
  });

  it(
    "replaces the earlier version's plain indexes on expiry fields by TTL indexes, with stores opening at once and beside an earlier instance that starts again",
    TTL_TEST,
    async () => {
      const dbName = freshDbName('ttl_upgrade');
      const client = await MongoClient.connect(mongo.uri);
      try {
        const db = client.db(dbName);
        type Raw = { _id: string; [field: string]: unknown };
        const [ephemeral, rateLimits] = [db.collection<Raw>('ephemeral'), db.collection<Raw>('rate_limits')];
        // What an instance of the earlier version makes at its start.
        const earlierStart = () =>
          Promise.all([ephemeral.createIndexes([{ key: { expireAt: 1 }, name: 'expireAt' }]), rateLimits.createIndexes([{ key: { fullAt: 1 }, name: 'fullAt' }])]);
        await earlierStart();
        const past = new Date(Date.now() - 1_000);
        await ephemeral.insertOne({ _id: 'evt_expired', websiteId: 'web_1', visibility: 'private', type: 'typing', payload: {}, expireAt: past });
        await rateLimits.insertOne({ _id: 'bucket_full', fullAt: past });
        const indexesOf = async () =>
          Promise.all([ephemeral, rateLimits].map(async (collection) => (await collection.listIndexes().toArray()).map(({ name, key, expireAfterSeconds }) => ({ name, key, expireAfterSeconds }))));
        const upgraded = [
          [{ name: '_id_', key: { _id: 1 } }, { name: 'expireAt_ttl', key: { expireAt: -1 }, expireAfterSeconds: 0 }],
          [{ name: '_id_', key: { _id: 1 } }, { name: 'fullAt_ttl', key: { fullAt: -1 }, expireAfterSeconds: 0 }],
        ];

        const stores = await Promise.all([openStore({ uri: mongo.uri, dbName }), openStore({ uri: mongo.uri, dbName })]);
        await Promise.all(stores.map((store) => store.close()));
        expect(await indexesOf()).toEqual(upgraded);
        const left = async () => [...(await ephemeral.find().toArray()), ...(await rateLimits.find().toArray())].map((doc) => doc._id);
        await expect.poll(left, { timeout: TTL_WAIT_MS }).toEqual([]);

        // An earlier instance starting now is not refused; the next start of this version drops its indexes again.
        await earlierStart();
        const store = await openStore({ uri: mongo.uri, dbName });
        await store.close();
        expect(await indexesOf()).toEqual(upgraded);
      } finally {
        await client.close();
      }
    },
  );

  it('starts when MongoDB before 5.2 will not drop an old index while another store builds its indexes, and leaves it to a later start', async ({ skip }) => {
    const dbName = freshDbName('busy_drop');
    const client = await MongoClient.connect(mongo.uri);
    // What such a MongoDB answers dropIndexes meanwhile (BackgroundOperationInProgressForNamespace).
    const busy = namedFailPoint('busy-drop', { commands: ['dropIndexes'], errorCode: 12587 });
    try {
      const ephemeral = client.db(dbName).collection('ephemeral');
      await ephemeral.createIndexes([{ key: { expireAt: 1 }, name: 'expireAt' }]);
      const names = async () => (await ephemeral.listIndexes().toArray()).map(({ name }) => name as string).sort();
      if (!(await busy.set(mongo.uri, 'alwaysOn'))) skip('this MongoDB has no test commands (enableTestCommands)');
      try {
        const store = await openStore({ uri: busy.clientUri(mongo.uri), dbName });
        await store.close();
      } finally {
        await busy.set(mongo.uri, 'off');
      }
      expect(await names()).toEqual(['_id_', 'expireAt', 'expireAt_ttl']);
      const store = await openStore({ uri: mongo.uri, dbName });
      await store.close();
      expect(await names()).toEqual(['_id_', 'expireAt_ttl']);
    } finally {
      await client.close();
    }
  });
});
