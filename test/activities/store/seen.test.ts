import { describe, expect, it } from 'vitest';
import { newId } from '../../../activities/store/ids';
import type { Viewer } from '../../../domain/people';
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

describe('Store', () => {
  describe('#markSeen', () => {
    it('marks the conversation seen up to its newest item', async () => {
      const { store, viewer, conversationId } = await visitorWithConversation();
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      await store.appendItem(note(conversationId));
      const at = new Date().toISOString();
      expect(await store.markSeen(conversationId, viewer, at)).toEqual({ lastSeenAt: at, lastSeenSeq: 2 });
    });

    it('never moves backwards', async () => {
      const { store, viewer, conversationId } = await visitorWithConversation();
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      const later = new Date(Date.now() + 1000).toISOString();
      await store.markSeen(conversationId, viewer, later);
      expect(await store.markSeen(conversationId, viewer, new Date(0).toISOString())).toEqual({ lastSeenAt: later, lastSeenSeq: 1 });
    });

    it('answers ERR_NOT_FOUND for an unknown conversation', async () => {
      await expect(ctx.get().markSeen('conv_none', { kind: 'human', id: 'usr_1' })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
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
    it('reads the contact’s devices as one reader, keeping what a device saw before it was linked', async () => {
      const { store, websiteId, visitor: phone, conversationId } = await visitorWithConversation();
      await store.appendItem(message(conversationId, { author: agentAuthor('usr_1') }));
      await store.markSeen(conversationId, { kind: 'visitor', id: phone.id }); // still anonymous
      const laptop = await store.upsertVisitor(websiteId);
      const { contact } = await store.identifyContact(websiteId, phone.id, { externalId: 'user-42' });
      await store.identifyContact(websiteId, laptop.id, { externalId: 'user-42' });
      const onPhone: Viewer = { kind: 'contact', id: contact.id, visitorId: phone.id };
      const onLaptop: Viewer = { kind: 'contact', id: contact.id, visitorId: laptop.id };
      expect(await store.getUnreadCount(conversationId, onPhone)).toBe(0);
      expect(await store.getUnreadCount(conversationId, onLaptop)).toBe(1);

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
});
