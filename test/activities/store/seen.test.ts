import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { openStore, type ItemToAppend, type Store } from '../../../activities/store';
import { newId } from '../../../activities/store/ids';
import { seenId } from '../../../activities/store/unread';
import type { Viewer } from '../../../domain/people';
import { UNREAD_EXEMPT_TYPES, type Author, type TimelineItem } from '../../../domain/timeline';
import { agentAuthor, message, note, useStore, visitorAuthor } from './fixtures';

const ctx = useStore('seen');

async function visitorWithConversation() {
  const store = ctx.get();
  const websiteId = newId('web');
  const visitor = await store.upsertVisitor(websiteId);
  const { conversation } = await store.createConversation({ websiteId, visitorId: visitor.id });
  const viewer: Viewer = { kind: 'visitor', id: visitor.id };
  return { store, websiteId, visitor, viewer, conversationId: conversation.id };
}

/** Sets where a stored mark of seen stands, as an instance of an earlier version may have left it. */
async function markStoredAt(id: string, lastSeenSeq: number): Promise<void> {
  const client = await MongoClient.connect(ctx.mongo().uri);
  try {
    await client.db(ctx.dbName).collection<{ _id: string }>('seen').updateOne({ _id: id }, { $set: { lastSeenSeq } });
  } finally {
    await client.close();
  }
}

describe('Store', () => {
  describe('#markSeen', () => {
    it('marks the conversation seen up to its newest item the viewer may see', async () => {
      const { store, viewer, conversationId } = await visitorWithConversation();
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      await store.appendItem(note(conversationId));
      const at = new Date().toISOString();
      // The visitor is not told the seq of the private note.
      expect(await store.markSeen(conversationId, viewer, { at })).toEqual({ lastSeenAt: at, lastSeenSeq: 1 });
      expect(await store.markSeen(conversationId, { kind: 'human', id: 'usr_2' }, { at })).toEqual({ lastSeenAt: at, lastSeenSeq: 2 });
    });

    it('never moves backwards', async () => {
      const { store, viewer, conversationId } = await visitorWithConversation();
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      const later = new Date(Date.now() + 1000).toISOString();
      await store.markSeen(conversationId, viewer, { at: later });
      expect(await store.markSeen(conversationId, viewer, { at: new Date(0).toISOString() })).toEqual({ lastSeenAt: later, lastSeenSeq: 1 });
    });

    it('marks up to a given seq, leaving what came after it unread', async () => {
      const { store, websiteId, viewer, conversationId } = await visitorWithConversation();
      for (let i = 0; i < 3; i++) await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      expect((await store.markSeen(conversationId, viewer, { upToSeq: 2 })).lastSeenSeq).toBe(2);
      expect(await store.getUnreadCount(conversationId, viewer)).toBe(1);
      expect(await store.countUnreadConversations(websiteId, viewer)).toBe(1);
    });

    it('clamps a seq to the newest item the viewer may see, and never moves an earlier mark back', async () => {
      const { store, viewer, conversationId } = await visitorWithConversation();
      const agent: Viewer = { kind: 'human', id: 'usr_2' };
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      await store.appendItem(note(conversationId));
      expect((await store.markSeen(conversationId, viewer, { upToSeq: 99_999 })).lastSeenSeq).toBe(1);
      expect((await store.markSeen(conversationId, agent, { upToSeq: 99_999 })).lastSeenSeq).toBe(2);
      expect(await store.getUnreadCount(conversationId, agent)).toBe(0);
      expect((await store.markSeen(conversationId, agent, { upToSeq: 1 })).lastSeenSeq).toBe(2);
      expect(await store.getUnreadCount(conversationId, agent)).toBe(0);
    });

    it('never tells a visitor or its contact the seq of a private item an earlier version marked', async () => {
      const { store, websiteId, visitor, viewer, conversationId } = await visitorWithConversation();
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      await store.appendItem(note(conversationId));
      await store.markSeen(conversationId, viewer);
      // The earlier version marked the conversation's newest item of all: the private note.
      await markStoredAt(seenId(conversationId, viewer), 2);
      expect((await store.markSeen(conversationId, viewer, { upToSeq: 1 })).lastSeenSeq).toBe(1);
      expect((await store.markSeen(conversationId, viewer)).lastSeenSeq).toBe(1);
      expect(await store.getUnreadCount(conversationId, viewer)).toBe(0);

      // Identify copies the mark to the contact, whose devices are not told it either.
      const { contact } = await store.identifyContact(websiteId, visitor.id, { externalId: 'user-private-mark' });
      const onDevice: Viewer = { kind: 'contact', id: contact.id, visitorId: visitor.id };
      expect((await store.markSeen(conversationId, onDevice, { upToSeq: 1 })).lastSeenSeq).toBe(1);
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      expect(await store.getUnreadCount(conversationId, onDevice)).toBe(1);
      expect((await store.markSeen(conversationId, onDevice)).lastSeenSeq).toBe(3);
      expect(await store.getUnreadCount(conversationId, onDevice)).toBe(0);
    });

    it('answers ERR_NOT_FOUND for an unknown conversation', async () => {
      await expect(ctx.get().markSeen('conv_none', { kind: 'human', id: 'usr_1' })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
      await expect(ctx.get().markSeen('conv_none', { kind: 'human', id: 'usr_1' }, { upToSeq: 3 })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    });
  });

  describe('#getUnreadCount', () => {
    it('counts items others wrote that the viewer may see, before and after markSeen', async () => {
      const { store, viewer, conversationId } = await visitorWithConversation();
      const agent: Viewer = { kind: 'human', id: 'usr_1' };
      await store.appendItem(message(conversationId, { author: visitorAuthor(viewer.id) }));
      await store.appendItem(message(conversationId, { author: agentAuthor(agent.id) }));
      await store.appendItem(note(conversationId, { author: agentAuthor(agent.id) }));
      expect(await store.getUnreadCount(conversationId, viewer)).toBe(1); // the note is private, the first item its own
      expect(await store.getUnreadCount(conversationId, agent)).toBe(1); // the visitor's message
      expect(await store.getUnreadCount(conversationId, { kind: 'human', id: 'usr_2' })).toBe(3);
      await store.markSeen(conversationId, viewer);
      expect(await store.getUnreadCount(conversationId, viewer)).toBe(0);
      await store.appendItem(message(conversationId, { author: agentAuthor(agent.id) }));
      expect(await store.getUnreadCount(conversationId, viewer)).toBe(1);
    });
  });

  describe('#getUnreadCount for a contact', () => {
    it('reads the contact’s devices as one reader, what a device saw before it was linked included', async () => {
      const { store, websiteId, visitor: phone, conversationId } = await visitorWithConversation();
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      await store.markSeen(conversationId, { kind: 'visitor', id: phone.id }); // still anonymous
      const laptop = await store.upsertVisitor(websiteId);
      const { contact } = await store.identifyContact(websiteId, phone.id, { externalId: 'user-42' });
      await store.identifyContact(websiteId, laptop.id, { externalId: 'user-42' });
      const onPhone: Viewer = { kind: 'contact', id: contact.id, visitorId: phone.id };
      const onLaptop: Viewer = { kind: 'contact', id: contact.id, visitorId: laptop.id };
      // Seen on the phone before it was linked: seen on the laptop too, one badge for the contact.
      expect(await store.getUnreadCount(conversationId, onPhone)).toBe(0);
      expect(await store.getUnreadCount(conversationId, onLaptop)).toBe(0);
      expect(await store.countUnreadConversations(websiteId, onLaptop)).toBe(0);

      // Written on the laptop: the contact's own words on the phone too.
      await store.appendItem(message(conversationId, { author: visitorAuthor(laptop.id) }));
      expect(await store.getUnreadCount(conversationId, onPhone)).toBe(0);
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      expect(await store.getUnreadCount(conversationId, onPhone)).toBe(1);
      await store.markSeen(conversationId, onLaptop);
      expect(await store.getUnreadCount(conversationId, onPhone)).toBe(0);
      expect(await store.countUnreadConversations(websiteId, onPhone)).toBe(0);
    });

    it('counts no events or AI tool-call records, for visitors and team alike', async () => {
      const { store, viewer, conversationId } = await visitorWithConversation();
      const agent: Viewer = { kind: 'human', id: 'usr_2' };
      const system = { kind: 'system', id: 'system' } as const;
      await store.appendItem(message(conversationId, { type: 'event', author: system, event: { kind: 'resolved' } } as never));
      await store.appendItem(message(conversationId, { type: 'ai_tool_call', visibility: 'private', author: { kind: 'ai', id: 'ai_1' }, toolName: 'tag' } as never));
      expect(await store.getUnreadCount(conversationId, viewer)).toBe(0);
      expect(await store.getUnreadCount(conversationId, agent)).toBe(0);
      await store.appendItem(message(conversationId, { author: { kind: 'ai', id: 'ai_1' } }));
      expect(await store.getUnreadCount(conversationId, viewer)).toBe(1);
      expect(await store.getUnreadCount(conversationId, agent)).toBe(1);
    });
  });

  describe('#countUnreadConversations', () => {
    it('counts the visitor’s conversations with unread items (the widget badge)', async () => {
      const { store, websiteId, visitor, viewer, conversationId } = await visitorWithConversation();
      const { conversation: other } = await store.createConversation({ websiteId, visitorId: visitor.id });
      const { conversation: quiet } = await store.createConversation({ websiteId, visitorId: visitor.id });
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      await store.appendItem(message(other.id, { author: agentAuthor('usr_1') }));
      await store.appendItem(note(quiet.id));
      expect(await store.countUnreadConversations(websiteId, viewer)).toBe(2);
      await store.markSeen(other.id, viewer);
      expect(await store.countUnreadConversations(websiteId, viewer)).toBe(1);
    });
  });

  describe('unread counts over a long timeline', () => {
    /** What reading the items says the viewer has not seen: the counting rule stated plainly. */
    function unreadByReading(items: TimelineItem[], viewer: Viewer, lastSeenSeq: number): number {
      const own = (author: Author) => (viewer.kind === 'visitor' ? author.kind === 'visitor' : author.kind === viewer.kind && author.id === viewer.id);
      return items.filter(
        (item) =>
          item.seq > lastSeenSeq &&
          (viewer.kind !== 'visitor' || item.visibility === 'public') &&
          !UNREAD_EXEMPT_TYPES.includes(item.type) &&
          !own(item.author),
      ).length;
    }

    /** A deterministic sequence of numbers in [0, 1), so a failure can be replayed. */
    function seeded(seed: number): () => number {
      let state = seed;
      return () => {
        state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
        return state / 2 ** 31;
      };
    }

    it('agrees with reading the items, written by two store instances racing for seqs, with marks (to the end or to a seq) in between', async () => {
      const { store, viewer: visitor, conversationId } = await visitorWithConversation();
      const other: Store = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
      // One instance learns of the other's items from its change stream, the other by losing races for seqs.
      const watch = await other.watchChanges(() => undefined);
      try {
        const viewers: Viewer[] = [visitor, { kind: 'human', id: 'usr_1' }, { kind: 'human', id: 'usr_2' }, { kind: 'ai', id: 'ai_1' }];
        const authors: Author[] = [visitorAuthor(visitor.id), ...viewers.slice(1).map(({ kind, id }) => ({ kind, id }) as Author), { kind: 'system', id: 'system' }];
        const random = seeded(7);
        const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)]!;
        const itemBy = (author: Author): ItemToAppend => {
          const type = author.kind === 'visitor' ? 'message' : pick(['message', 'message', 'note', 'event', 'ai_tool_call']);
          return message(conversationId, { type, author, visibility: type === 'message' || type === 'event' ? 'public' : 'private' } as Partial<ItemToAppend>);
        };
        const written: TimelineItem[] = [];
        const lastSeen = new Map<Viewer, number>();
        for (let round = 0; round < 40; round++) {
          // Up to three appends at once through either instance: they race for the same seqs.
          const batch = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick([store, other]).appendItem(itemBy(pick(authors))));
          for (const { item } of await Promise.all(batch)) written.push(item);
          if (random() < 0.3) {
            const reader = pick(viewers);
            // Up to the newest item, or to one a page showed last (maybe behind a mark made before).
            const mark = random() < 0.5 ? {} : { upToSeq: pick(written).seq };
            lastSeen.set(reader, (await pick([store, other]).markSeen(conversationId, reader, mark)).lastSeenSeq);
          }
          for (const viewer of viewers) {
            expect(await pick([store, other]).getUnreadCount(conversationId, viewer), `round ${round}, ${viewer.kind} ${viewer.id}`).toBe(
              unreadByReading(written, viewer, lastSeen.get(viewer) ?? 0),
            );
          }
        }
        expect(written.map((item) => item.seq).sort((a, b) => a - b)).toEqual(written.map((_, i) => i + 1));
      } finally {
        await watch.close();
        await other.close();
      }
    });

    it('tallies a conversation an earlier version wrote to without tallies when it is next written, failing no other append', async () => {
      const { store, websiteId, viewer: visitor, conversationId } = await visitorWithConversation();
      const { conversation: other } = await store.createConversation({ websiteId, visitorId: visitor.id });
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      await store.markSeen(conversationId, visitor);
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      // As an instance of the earlier version leaves them: items and marks without tallies.
      const strip = async (collection: string, field: string, conversation: string) => {
        const client = await MongoClient.connect(ctx.mongo().uri);
        try {
          await client.db(ctx.dbName).collection(collection).updateMany({ conversationId: conversation }, { $unset: { [field]: '' } });
        } finally {
          await client.close();
        }
      };
      const stripBases = (conversation: string) => strip('seen', 'base', conversation);
      await strip('items', 'tally', conversationId);
      await stripBases(conversationId);
      const restarted: Store = await openStore({ uri: ctx.mongo().uri, dbName: ctx.dbName });
      try {
        const both = await Promise.allSettled([restarted.appendItem(message(conversationId, { author: agentAuthor('usr_1') })), restarted.appendItem(message(other.id, { author: agentAuthor('usr_1') }))]);
        expect(both.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled']);
        expect(await restarted.getUnreadCount(conversationId, visitor)).toBe(2); // the repair gave the mark its base too
        expect(await restarted.getUnreadCount(other.id, visitor)).toBe(1);
        await stripBases(conversationId); // a mark the earlier version makes later
        expect(await restarted.getUnreadCount(conversationId, visitor)).toBe(3); // counts as none, not NaN
        await restarted.markSeen(conversationId, visitor);
        await restarted.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
        expect(await restarted.getUnreadCount(conversationId, visitor)).toBe(1);
      } finally {
        await restarted.close();
      }
    });
  });
});
