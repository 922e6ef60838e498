import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { ConversationLifecycle } from '../../../domain/conversation';
import { conversationMethods, type NewConversation } from '../../../activities/store/conversations';
import { collectionsOf } from '../../../activities/store/documents';
import { newId } from '../../../activities/store/ids';
import { agentAuthor, message, newConversation, note, useStore, visitorAuthor } from './fixtures';

const ctx = useStore('conversations');

const lifecycle = (overrides: Partial<ConversationLifecycle> = {}): ConversationLifecycle => ({
  status: 'open',
  priority: 'medium',
  handler: 'ai',
  participants: [],
  tags: [],
  ...overrides,
});

describe('Store', () => {
  describe('#createConversation', () => {
    it('keeps a client-chosen id and fills the defaults', async () => {
      const { conversation, created } = await ctx.get().createConversation({ id: 'conv_client_1', websiteId: 'web_1', visitorId: 'vis_1', tags: ['billing'] });
      expect(created).toBe(true);
      expect(conversation).toMatchObject({ id: 'conv_client_1', status: 'open', priority: 'medium', handler: 'unassigned', tags: ['billing'], participants: [] });
      expect(await ctx.get().getConversation('conv_client_1')).toEqual(conversation);
    });

    it('has the assistant it is given hold the conversation from its creation', async () => {
      const { conversation } = await ctx.get().createConversation({ websiteId: 'web_1', visitorId: 'vis_1', aiAssistantId: 'ai_1' });
      expect(conversation).toMatchObject({ handler: 'ai', participants: [{ id: 'ai_1', kind: 'ai', joinedAt: conversation.createdAt }] });
    });

    it('returns the stored conversation for the same id and content (created false)', async () => {
      const input = { id: newId('conv'), websiteId: 'web_1', visitorId: 'vis_1', priority: 'high' as const, metadata: { a: 1, b: 2 } };
      const first = await ctx.get().createConversation(input);
      const again = await ctx.get().createConversation({ ...input, metadata: { b: 2, a: 1 } });
      expect(again).toEqual({ conversation: first.conversation, created: false });
    });

    it('answers ERR_CONFLICT for the same id with other content', async () => {
      const input = { id: newId('conv'), websiteId: 'web_1', visitorId: 'vis_1' };
      await ctx.get().createConversation(input);
      await expect(ctx.get().createConversation({ ...input, priority: 'urgent' })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
      await expect(ctx.get().createConversation({ ...input, visitorId: 'vis_2' })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
    });

    it('counts the initial items as content, and matches a conversation created under an earlier key by what that key counted', async () => {
      const input = { id: newId('conv'), websiteId: 'web_1', visitorId: 'vis_1', initialItems: [{ type: 'message', text: 'hello' }] };
      await ctx.get().createConversation(input);
      expect((await ctx.get().createConversation({ ...input, initialItems: [{ type: 'message', text: 'hello' }] })).created).toBe(false);
      await expect(ctx.get().createConversation({ ...input, initialItems: [{ type: 'message', text: 'other' }] })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
      await expect(ctx.get().createConversation({ ...input, initialItems: undefined })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });

      /** A conversation whose stored key an earlier version wrote: `rewrite` turns this version's key into that one. */
      async function storedByEarlierVersion(created: NewConversation & { id: string }, rewrite: (key: string) => string): Promise<void> {
        await ctx.get().createConversation(created);
        const client = new MongoClient(ctx.mongo().uri);
        try {
          const conversations = client.db(ctx.dbName).collection<{ _id: string; creationKey: string }>('conversations');
          const stored = await conversations.findOne({ _id: created.id });
          await conversations.updateOne({ _id: created.id }, { $set: { creationKey: rewrite(stored!.creationKey) } });
        } finally {
          await client.close();
        }
      }
      // v2 counted the items as the request sent them.
      const sent = [{ type: 'message', text: 'hello', extra: 1 }];
      const v2 = { ...input, id: newId('conv'), initialItems: sent };
      await storedByEarlierVersion(v2, (key) => key.replace(/^v3:/, 'v2:'));
      expect((await ctx.get().createConversation({ ...v2, initialItems: [{ type: 'message', text: 'hello' }], requestedItems: sent })).created).toBe(false);
      await expect(ctx.get().createConversation({ ...v2, requestedItems: [{ type: 'message', text: 'hello' }] })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
      // The bare JSON of the fields, without the items.
      const legacy = { ...input, id: newId('conv'), initialItems: undefined };
      await storedByEarlierVersion(legacy, (key) => key.replace(/^v3:/, ''));
      expect((await ctx.get().createConversation({ ...legacy, initialItems: [{ type: 'message', text: 'hello' }] })).created).toBe(false);
      await expect(ctx.get().createConversation({ ...legacy, priority: 'urgent' })).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
    });

    it('gives the conversation its visitor’s contact', async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const visitor = await store.upsertVisitor(websiteId);
      const { contact } = await store.identifyContact(websiteId, visitor.id, { externalId: 'user-1' });
      const { conversation } = await store.createConversation({ websiteId, visitorId: visitor.id });
      expect(conversation.contactId).toBe(contact.id);
    });
  });

  describe('#projectLifecycle', () => {
    it('applies newer state versions and ignores stale ones', async () => {
      const store = ctx.get();
      const id = await newConversation(store);
      expect(await store.projectLifecycle(id, lifecycle({ status: 'resolved', resolvedAt: '2025-01-01T00:00:00.000Z', assigneeId: 'usr_1' }), 2)).toBe(true);
      expect(await store.projectLifecycle(id, lifecycle({ priority: 'low' }), 1)).toBe(false);
      expect(await store.projectLifecycle(id, lifecycle({ priority: 'low' }), 2)).toBe(false);
      expect(await store.getConversation(id)).toMatchObject({ status: 'resolved', priority: 'medium', assigneeId: 'usr_1' });
      expect(await store.projectLifecycle(id, lifecycle({ priority: 'urgent', tags: ['vip'] }), 3)).toBe(true);
      const conversation = await store.getConversation(id);
      expect(conversation).toMatchObject({ status: 'open', priority: 'urgent', tags: ['vip'], handler: 'ai' });
      // Fields absent from the projection are absent from the conversation.
      expect(conversation).not.toHaveProperty('assigneeId');
      expect(conversation).not.toHaveProperty('resolvedAt');
    });

    it('gives each audience a version that counts the changes it is shown: a visitor\'s moves by one with a change of the fields visitors see only', async () => {
      const store = ctx.get();
      const id = await newConversation(store);
      const versions = async () => [(await store.getConversation(id, 'all'))?.stateVersion, (await store.getConversation(id, 'public'))?.stateVersion];
      expect(await versions()).toEqual([0, 0]);
      const joined = lifecycle({ handler: 'human', participants: [{ id: 'usr_1', kind: 'human', joinedAt: '2026-01-01T00:00:00.000Z' }], assigneeId: 'usr_1' });
      await store.projectLifecycle(id, joined, 1);
      expect(await versions()).toEqual([1, 1]);
      // Triage is the team's: priority, tags.
      await store.projectLifecycle(id, { ...joined, priority: 'urgent', tags: ['vip'] }, 2);
      expect(await versions()).toEqual([2, 1]);
      // An assignee taken off (a field gone) is seen.
      const { assigneeId: _gone, ...unassigned } = joined;
      await store.projectLifecycle(id, { ...unassigned, priority: 'urgent', tags: ['vip'] }, 3);
      expect(await versions()).toEqual([3, 2]);
      // A stale projection moves neither.
      expect(await store.projectLifecycle(id, lifecycle({ status: 'resolved' }), 2)).toBe(false);
      expect(await versions()).toEqual([3, 2]);
      // Team-only changes between two a visitor sees leave no gap in the visitor's count.
      await store.projectLifecycle(id, { ...unassigned, priority: 'low', tags: ['vip', 'late'] }, 4);
      await store.projectLifecycle(id, { ...unassigned, status: 'resolved', priority: 'low', tags: ['vip', 'late'] }, 5);
      expect(await versions()).toEqual([5, 3]);
    });

    it('keeps the newest version when projections race', async () => {
      const store = ctx.get();
      const id = await newConversation(store);
      const versions = Array.from({ length: 30 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
      await Promise.all(versions.map((v) => store.projectLifecycle(id, lifecycle({ title: `v${v}` }), v)));
      expect((await store.getConversation(id))?.title).toBe('v30');
    });
  });

  describe('#updatedAt', () => {
    it("moves with every item for the team, a note too, with public ones only for a visitor, and never back", async () => {
      const store = ctx.get();
      const id = await newConversation(store);
      const created = (await store.getConversation(id))!.updatedAt;
      const messageAt = new Date(Date.parse(created) + 60_000).toISOString();
      await store.appendItem(message(id, { createdAt: messageAt }));
      expect((await store.getConversation(id, 'all'))?.updatedAt).toBe(messageAt);
      const noteAt = new Date(Date.parse(created) + 120_000).toISOString();
      await store.appendItem(note(id, { createdAt: noteAt }));
      expect((await store.getConversation(id, 'all'))?.updatedAt).toBe(noteAt);
      // A visitor is not told a note was written.
      expect((await store.getConversation(id, 'public'))?.updatedAt).toBe(messageAt);
      // An item stamped before the newest one (its request came first), and a lifecycle write made
      // at an earlier time than the newest item's, leave it where it is.
      await store.appendItem(message(id, { createdAt: new Date(Date.parse(noteAt) - 200).toISOString() }));
      expect(await store.projectLifecycle(id, lifecycle({ status: 'resolved' }), 1)).toBe(true);
      expect(await store.getConversation(id, 'all')).toMatchObject({ status: 'resolved', updatedAt: noteAt });
    });

    it('moves with a lifecycle change made after the last item', async () => {
      const store = ctx.get();
      const id = await newConversation(store);
      const itemAt = new Date(Date.now() - 60_000).toISOString();
      await store.appendItem(message(id, { createdAt: itemAt }));
      await store.projectLifecycle(id, lifecycle({ priority: 'urgent' }), 1);
      expect((await store.getConversation(id, 'all'))!.updatedAt > itemAt).toBe(true);
    });
  });

  describe('#listConversations', () => {
    it('lists newest activity first and pages with a cursor, ties broken by id', async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) ids.push(await newConversation(store, { websiteId }));
      // Activity on the first conversation moves it to the top.
      await store.appendItem(message(ids[0]!, { createdAt: new Date(Date.now() + 60_000).toISOString() }));
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listConversations({ scope: { websiteId } }, { audience: 'all' }, { limit: 3, cursor });
        seen.push(...page.conversations.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toHaveLength(7);
      expect(new Set(seen).size).toBe(7);
      expect(seen[0]).toBe(ids[0]);
    });

    it('pages past a conversation that gets activity meanwhile, and repeats none read already (README: paging a list that moves)', async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const [oldest, middle, newest] = [await newConversation(store, { websiteId }), await newConversation(store, { websiteId }), await newConversation(store, { websiteId })];
      const later = (seconds: number) => new Date(Date.now() + seconds * 1_000).toISOString();
      await store.appendItem(message(middle, { createdAt: later(10) }));
      await store.appendItem(message(newest, { createdAt: later(20) }));
      const list = (cursor?: string) => store.listConversations({ scope: { websiteId } }, { audience: 'all' }, { limit: 1, cursor });
      const first = await list();
      expect(first.conversations.map((c) => c.id)).toEqual([newest]);
      // While the client holds the first page, the one already read and one not read yet both get activity.
      await store.appendItem(message(newest, { createdAt: later(60) }));
      await store.appendItem(message(oldest, { createdAt: later(120) }));
      const rest: string[] = [];
      for (let cursor = first.nextCursor; cursor; ) {
        const page = await list(cursor);
        rest.push(...page.conversations.map((c) => c.id));
        cursor = page.nextCursor;
      }
      expect(rest).toEqual([middle]);
      expect((await list()).conversations.map((c) => c.id)).toEqual([oldest]);
    });

    it('filters by status, priority, tag, assignee and handler', async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const [a, b, c] = [await newConversation(store, { websiteId }), await newConversation(store, { websiteId }), await newConversation(store, { websiteId })];
      await store.projectLifecycle(a!, lifecycle({ status: 'resolved', priority: 'high', tags: ['billing', 'vip'], handler: 'human', assigneeId: 'usr_1' }), 1);
      await store.projectLifecycle(b!, lifecycle({ priority: 'high', tags: ['billing'] }), 1);
      const list = async (filter: object) =>
        (await store.listConversations({ scope: { websiteId }, ...filter }, { audience: 'all' }, { limit: 10 })).conversations.map((x) => x.id).sort();
      expect(await list({ status: 'resolved' })).toEqual([a]);
      expect(await list({ status: 'open' })).toEqual([b, c].sort());
      expect(await list({ priority: 'high' })).toEqual([a, b].sort());
      expect(await list({ tag: 'billing' })).toEqual([a, b].sort());
      expect(await list({ tag: 'vip' })).toEqual([a]);
      expect(await list({ assigneeId: 'usr_1' })).toEqual([a]);
      expect(await list({ handler: 'ai' })).toEqual([b]);
      expect(await list({ handler: 'waiting' })).toEqual([c]);
    });

    it("lists by handler 'waiting' the open conversations not the AI's that nobody has taken, paging through them", async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const person = (id: string, leftAt?: string) => ({ id, kind: 'human' as const, joinedAt: new Date().toISOString(), ...(leftAt && { leftAt }) });
      const shapes: Array<[Partial<ConversationLifecycle>, boolean]> = [
        [{ handler: 'human' }, true],
        [{ handler: 'human', participants: [person('usr_1', new Date().toISOString())] }, true],
        [{ handler: 'human', participants: [{ id: 'ai_1', kind: 'ai', joinedAt: new Date().toISOString() }] }, true],
        [{ handler: 'unassigned' }, true],
        [{ handler: 'human', participants: [person('usr_1')] }, false],
        [{ handler: 'human', participants: [person('usr_1', new Date().toISOString()), person('usr_2')] }, false],
        [{ handler: 'human', assigneeId: 'usr_1' }, false],
        [{ handler: 'human', status: 'resolved' }, false],
        [{ handler: 'ai' }, false],
      ];
      const waiting: string[] = [];
      for (const [shape, waits] of shapes) {
        const id = await newConversation(store, { websiteId });
        await store.projectLifecycle(id, lifecycle(shape), 1);
        if (waits) waiting.push(id);
      }
      const listed: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listConversations({ scope: { websiteId }, handler: 'waiting' }, { audience: 'all' }, { limit: 2, cursor });
        listed.push(...page.conversations.map((c) => c.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(listed.sort()).toEqual(waiting.sort());
      expect(listed).toHaveLength(new Set(listed).size);
    });

    it("answers resolved conversations 'waiting' (none, waiting being open) without reading the open ones", async () => {
      const websiteId = newId('web');
      const open = await newConversation(ctx.get(), { websiteId });
      await ctx.get().projectLifecycle(open, lifecycle({ handler: 'unassigned' }), 1);
      const client = await MongoClient.connect(ctx.mongo().uri, { monitorCommands: true });
      try {
        const commands: string[] = [];
        client.on('commandStarted', (event) => commands.push(event.commandName));
        const monitored = conversationMethods(collectionsOf(client.db(ctx.dbName)));
        const page = await monitored.listConversations({ scope: { websiteId }, status: 'resolved', handler: 'waiting' }, { audience: 'all' }, { limit: 10 });
        expect(page).toEqual({ conversations: [], nextCursor: null });
        expect(commands).toEqual([]);
        expect((await monitored.listConversations({ scope: { websiteId }, handler: 'waiting' }, { audience: 'all' }, { limit: 10 })).conversations.map((c) => c.id)).toEqual([open]);
      } finally {
        await client.close();
      }
    });

    it('shows each audience its own last item and the viewer its unread count', async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const visitorId = (await store.upsertVisitor(websiteId)).id;
      const id = await newConversation(store, { websiteId, visitorId });
      const visible = (await store.appendItem(message(id, { author: agentAuthor('usr_1') }))).item;
      const hidden = (await store.appendItem(note(id))).item;
      const visitorScope = await store.visitorScope(websiteId, visitorId);
      const forVisitor = await store.listConversations({ scope: visitorScope }, { audience: 'public', viewer: { kind: 'visitor', id: visitorId } }, { limit: 10 });
      const forAgent = await store.listConversations({ scope: { websiteId } }, { audience: 'all', viewer: { kind: 'human', id: 'usr_2' } }, { limit: 10 });
      expect(forVisitor.conversations[0]).toMatchObject({ id, lastTimelineItem: visible, unreadCount: 1 });
      expect(forAgent.conversations[0]).toMatchObject({ id, lastTimelineItem: hidden, unreadCount: 2 });
    });

    it("sorts and pages a visitor's list by what the visitor can see: a private note moves it for the team only", async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const visitorId = (await store.upsertVisitor(websiteId)).id;
      const older = await newConversation(store, { websiteId, visitorId });
      const newer = await newConversation(store, { websiteId, visitorId });
      const publicAt = new Date(Date.now() + 60_000).toISOString();
      const noteAt = new Date(Date.now() + 120_000).toISOString();
      await store.appendItem(message(newer, { author: agentAuthor('usr_1'), createdAt: publicAt }));
      await store.appendItem(note(older, { createdAt: noteAt }));
      const scope = await store.visitorScope(websiteId, visitorId);
      const forVisitor = await store.listConversations({ scope }, { audience: 'public' }, { limit: 1 });
      expect(forVisitor.conversations.map((c) => c.id)).toEqual([newer]);
      expect(forVisitor.conversations[0]?.updatedAt).toBe(publicAt);
      expect(Buffer.from(forVisitor.nextCursor ?? '', 'base64url').toString()).not.toContain(noteAt);
      const rest = await store.listConversations({ scope }, { audience: 'public' }, { limit: 1, cursor: forVisitor.nextCursor ?? undefined });
      expect(rest.conversations.map((c) => c.id)).toEqual([older]);
      expect(rest.conversations[0]?.updatedAt).not.toBe(noteAt);
      const forAgent = await store.listConversations({ scope: { websiteId } }, { audience: 'all' }, { limit: 2 });
      expect(forAgent.conversations.map((c) => c.id)).toEqual([older, newer]);
    });

    it('limits a visitor to its own conversations', async () => {
      const store = ctx.get();
      const websiteId = newId('web');
      const mine = await newConversation(store, { websiteId, visitorId: 'vis_me' });
      await newConversation(store, { websiteId, visitorId: 'vis_other' });
      await store.appendItem(message(mine, { author: visitorAuthor('vis_me') }));
      const page = await store.listConversations({ scope: { websiteId, visitor: { id: 'vis_me' } } }, { audience: 'public' }, { limit: 10 });
      expect(page.conversations.map((c) => c.id)).toEqual([mine]);
      expect(page.nextCursor).toBeNull();
    });
  });
});
