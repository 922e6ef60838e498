import { describe, expect, it } from 'vitest';
import type { ConversationReader } from '../../../activities/store';
import type { Conversation } from '../../../domain/conversation';
import type { Website } from '../../../domain/people';
import { CONTACT_CONVERSATIONS_TOLD, contactConversationFrames, type ContactStore } from '../../../server/realtime/contact-conversations';

const website = { id: 'web_1' } as Website;
const conversation = (id: string, visitorId: string) => ({ id, websiteId: 'web_1', visitorId, contactId: 'ct_1', tags: [] }) as unknown as Conversation;

describe('contactConversationFrames', () => {
  it('tells of the most recently active conversations of the contact from other devices, in one read of at most 50', async () => {
    const asked: Array<{ limit?: number; cursor?: string }> = [];
    const store = {
      listConversations: async (_filter: unknown, _reader: ConversationReader, page: { limit?: number; cursor?: string }) => {
        asked.push(page);
        return { conversations: [conversation('mine', 'vis_here'), conversation('other-device', 'vis_phone')], nextCursor: 'more' };
      },
      newestItemPicked: async () => null,
    } as unknown as ContactStore;
    const frames = await contactConversationFrames(store, { isVisibleTo: () => true }, { kind: 'visitor', website, visitorId: 'vis_here', contactId: 'ct_1' });
    expect(asked).toEqual([{ limit: CONTACT_CONVERSATIONS_TOLD }]);
    expect(CONTACT_CONVERSATIONS_TOLD).toBe(50);
    expect(frames.map((text) => JSON.parse(text))).toEqual([{ type: 'conversationCreated', payload: { conversationId: 'other-device', conversation: expect.objectContaining({ id: 'other-device' }) } }]);
  });
});
