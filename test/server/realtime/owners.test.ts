import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../../domain/conversation';
import { OwnersCache } from '../../../server/realtime/owners';

/** A store whose reads answer when the test says so. */
function slowStore() {
  const reads: Array<(conversation: Pick<Conversation, 'websiteId' | 'visitorId' | 'contactId'>) => void> = [];
  const store = {
    getConversation: () => new Promise<Conversation>((resolve) => reads.push((found) => resolve(found as Conversation))),
  };
  return { store, answer: (found: Pick<Conversation, 'websiteId' | 'visitorId' | 'contactId'>) => reads.shift()!(found) };
}

describe('OwnersCache', () => {
  it('keeps what a change event told during a read rather than the read', async () => {
    const { store, answer } = slowStore();
    const cache = new OwnersCache(store);
    const read = cache.get('c1');
    cache.set('c1', { websiteId: 'w', visitorId: 'v', contactId: 'k' });
    answer({ websiteId: 'w', visitorId: 'v' }); // read before the link
    expect(await read).toEqual({ websiteId: 'w', visitorId: 'v', contactId: 'k' });
    expect(await cache.get('c1')).toEqual({ websiteId: 'w', visitorId: 'v', contactId: 'k' });
  });

  it('does not keep what a read that began before a forget found', async () => {
    const { store, answer } = slowStore();
    const cache = new OwnersCache(store);
    const stale = cache.get('c1');
    cache.forgetAll();
    answer({ websiteId: 'w', visitorId: 'v' });
    await stale;
    const fresh = cache.get('c1');
    answer({ websiteId: 'w', visitorId: 'v', contactId: 'k' });
    expect(await fresh).toEqual({ websiteId: 'w', visitorId: 'v', contactId: 'k' });
  });

  it('reads the store again for everything once told to forget', async () => {
    const { store, answer } = slowStore();
    const cache = new OwnersCache(store);
    cache.set('c1', { websiteId: 'w', visitorId: 'v' });
    cache.forgetAll();
    const read = cache.get('c1');
    answer({ websiteId: 'w', visitorId: 'v', contactId: 'k' });
    expect(await read).toEqual({ websiteId: 'w', visitorId: 'v', contactId: 'k' });
  });
});
