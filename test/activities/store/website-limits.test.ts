/** What a website keeps at most of what its team adds freely: saved replies and webhook endpoints. */
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { SavedReplyDoc } from '../../../activities/store/documents';
import { MAX_SAVED_REPLIES, type SavedReply } from '../../../domain/saved-reply';
import { MAX_WEBHOOK_ENDPOINTS } from '../../../domain/webhooks';
import { useStore } from './fixtures';

const ctx = useStore('website-limits');

const reply = (websiteId: string, n: number): SavedReply => {
  const now = new Date().toISOString();
  return { id: `sr_${websiteId}_${n}`, websiteId, shortcut: `r${n}`, title: `Reply ${n}`, text: 'Text.', createdBy: 'usr_1', createdAt: now, updatedAt: now };
};
const endpoint = (websiteId: string, n: number) => ({ websiteId, url: `https://example.com/hook/${n}`, events: ['message.created' as const], secret: `whsec_${n}` });

describe('Store: what a website keeps at most', () => {
  it(`keeps ${MAX_SAVED_REPLIES} saved replies, refuses the next with a 409 saying so, and takes one again once one is deleted`, async () => {
    const store = ctx.get();
    // All but the last written at once, beneath the store (a thousand requests would test nothing more).
    const client = await MongoClient.connect(ctx.mongo().uri);
    try {
      const docs = Array.from({ length: MAX_SAVED_REPLIES - 1 }, (_, n) => ({ _id: `sr_lim_${n}`, ...reply('web_lim', n), shortcutKey: `r${n}` }));
      await client.db(ctx.dbName).collection<SavedReplyDoc>('saved_replies').insertMany(docs);
    } finally {
      await client.close();
    }
    await store.addSavedReply(reply('web_lim', MAX_SAVED_REPLIES - 1));
    await expect(store.addSavedReply(reply('web_lim', MAX_SAVED_REPLIES))).rejects.toMatchObject({ code: 'ERR_CONFLICT', message: expect.stringContaining('1,000 saved replies, the most it keeps'), details: { limit: MAX_SAVED_REPLIES } });
    // Another website's count is its own.
    await expect(store.addSavedReply(reply('web_other', 1))).resolves.toMatchObject({ shortcut: 'r1' });

    expect(await store.removeSavedReply('web_lim', 'sr_lim_0')).toBe(true);
    await expect(store.addSavedReply(reply('web_lim', MAX_SAVED_REPLIES))).resolves.toMatchObject({ shortcut: `r${MAX_SAVED_REPLIES}` });
    expect(await store.listSavedReplies('web_lim')).toHaveLength(MAX_SAVED_REPLIES);
  });

  it(`keeps ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints, refuses the next, but still answers a keyed retry of one it made`, async () => {
    const store = ctx.get();
    for (let n = 0; n < MAX_WEBHOOK_ENDPOINTS - 1; n++) await store.createWebhook(endpoint('web_hooks', n));
    const keyed = await store.createWebhook(endpoint('web_hooks', 99), 'wh_keyed');
    expect(keyed).toMatchObject({ id: 'wh_keyed' });
    await expect(store.createWebhook(endpoint('web_hooks', 100))).rejects.toMatchObject({ code: 'ERR_CONFLICT', message: expect.stringContaining(`${MAX_WEBHOOK_ENDPOINTS} webhook endpoints, the most it keeps`) });
    // The retry of the keyed one: taken, as before the limit (the route answers with what it made).
    expect(await store.createWebhook(endpoint('web_hooks', 99), 'wh_keyed')).toBeUndefined();
    await expect(store.createWebhook(endpoint('web_hooks', 101), 'wh_other_key')).rejects.toMatchObject({ code: 'ERR_CONFLICT' });
    await store.deleteWebhook('web_hooks', 'wh_keyed');
    await expect(store.createWebhook(endpoint('web_hooks', 102))).resolves.toMatchObject({ url: 'https://example.com/hook/102' });
    expect(await store.listWebhooks('web_hooks')).toHaveLength(MAX_WEBHOOK_ENDPOINTS);
  });
});
