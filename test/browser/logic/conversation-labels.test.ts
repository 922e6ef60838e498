import { describe, expect, it } from 'vitest';
import { conversationTitle, visitorDetails } from '../../../web/inbox/labels';
import type { Conversation } from '../../../web/shared/wire';

const conversation = (fields: Partial<Conversation>): Conversation =>
  ({ id: 'c1', websiteId: 'w1', visitorId: 'vis_0123456789', status: 'open', priority: 'medium', tags: [], participants: [], lastTimelineItem: null, ...fields }) as unknown as Conversation;

describe('how the inbox names a conversation', () => {
  it("names an identified contact's conversation after the contact, by name, else email", () => {
    const jane = { id: 'ct1', externalId: 'u-42', name: 'Jane Doe', email: 'jane@example.com' };
    expect(conversationTitle(conversation({ contactId: 'ct1', contact: jane }))).toBe('Jane Doe');
    // The name and email as the contact gave them, set apart to be shown in their own direction.
    expect(visitorDetails(conversation({ contactId: 'ct1', contact: jane }))).toEqual([{ written: 'Jane Doe' }, ' · ', { written: 'jane@example.com' }]);
    const noName = { id: 'ct1', externalId: 'u-42', email: 'jane@example.com' };
    expect(conversationTitle(conversation({ contactId: 'ct1', contact: noName }))).toBe('jane@example.com');
    expect(visitorDetails(conversation({ contactId: 'ct1', contact: { id: 'ct1', externalId: 'u-42' } }))).toEqual(['Contact u-42']);
  });

  it('names an anonymous visitor by its shortened id, and a title set by the team wins', () => {
    expect(conversationTitle(conversation({}))).toBe('Visitor 456789');
    expect(visitorDetails(conversation({}))).toEqual(['Anonymous visitor vis_0123456789']);
    expect(conversationTitle(conversation({ title: 'Refund for order 7', contact: { id: 'ct1', externalId: 'u', name: 'Jane' } }))).toBe('Refund for order 7');
    // Linked to a contact the server could not read this time: not called anonymous.
    expect(visitorDetails(conversation({ contactId: 'ct1' }))).toEqual(['Identified visitor vis_0123456789']);
  });
});
