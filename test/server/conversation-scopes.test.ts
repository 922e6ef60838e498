import { describe, expect, it } from 'vitest';
import type { Store } from '../../activities/store';
import type { Conversation } from '../../domain/conversation';
import type { Website } from '../../domain/people';
import { ConversationScopes } from '../../server/access';
import type { Caller } from '../../server/caller';

const website = { id: 'web_1' } as Website;
const otherWebsite = { id: 'web_2' } as Website;

/** A store holding one conversation; counts reads so the cache can be seen working. */
function storeWith(conversation: Pick<Conversation, 'id' | 'websiteId' | 'visitorId' | 'contactId'>) {
  const stored = { ...conversation };
  const fake = {
    reads: 0,
    stored,
    getConversation: async (id: string) => {
      fake.reads++;
      return id === stored.id ? ({ ...stored } as Conversation) : null;
    },
  };
  return fake;
}

const visitor = (visitorId: string, contactId?: string): Caller => ({ kind: 'visitor', website, visitorId, ...(contactId ? { contactId } : {}) });

describe('ConversationScopes', () => {
  it('reads a conversation once for repeated access by allowed callers', async () => {
    const store = storeWith({ id: 'conv_1', websiteId: 'web_1', visitorId: 'vis_1' });
    const scopes = new ConversationScopes(store as unknown as Store);
    for (let i = 0; i < 5; i++) expect(await scopes.visible(visitor('vis_1'), 'conv_1')).toMatchObject({ id: 'conv_1', visitorId: 'vis_1' });
    await scopes.visible({ kind: 'agent', website, userId: 'agent_1' }, 'conv_1');
    expect(store.reads).toBe(1);
  });

  it('answers 404 to callers who may not see it, even once it is remembered', async () => {
    const store = storeWith({ id: 'conv_1', websiteId: 'web_1', visitorId: 'vis_1' });
    const scopes = new ConversationScopes(store as unknown as Store);
    await scopes.visible(visitor('vis_1'), 'conv_1');
    await expect(scopes.visible(visitor('vis_2'), 'conv_1')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(scopes.visible({ kind: 'agent', website: otherWebsite, userId: 'agent_9' }, 'conv_1')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(scopes.visible(visitor('vis_1'), 'conv_missing')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('lets another device of the contact in once the conversation is linked, though it was remembered unlinked', async () => {
    const store = storeWith({ id: 'conv_1', websiteId: 'web_1', visitorId: 'vis_1' });
    const scopes = new ConversationScopes(store as unknown as Store);
    await scopes.visible(visitor('vis_1'), 'conv_1');
    await expect(scopes.visible(visitor('vis_phone', 'contact_1'), 'conv_1')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    store.stored.contactId = 'contact_1'; // the first device identified as contact_1
    expect(await scopes.visible(visitor('vis_phone', 'contact_1'), 'conv_1')).toMatchObject({ contactId: 'contact_1' });
    expect(await scopes.visible(visitor('vis_1', 'contact_1'), 'conv_1')).toMatchObject({ contactId: 'contact_1' });
  });

  it('keeps at most its capacity, reading evicted conversations again', async () => {
    const store = storeWith({ id: 'conv_1', websiteId: 'web_1', visitorId: 'vis_1' });
    const other = storeWith({ id: 'conv_2', websiteId: 'web_1', visitorId: 'vis_1' });
    const both = { getConversation: async (id: string) => (id === 'conv_1' ? store.getConversation(id) : other.getConversation(id)) };
    const bounded = new ConversationScopes(both as unknown as Store, 1);
    await bounded.visible(visitor('vis_1'), 'conv_1');
    await bounded.visible(visitor('vis_1'), 'conv_2');
    await bounded.visible(visitor('vis_1'), 'conv_1');
    expect(store.reads).toBe(2);
  });
});
