import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { WebhookDeliveryDoc } from '../../../activities/store/documents';
import { useStore } from './fixtures';

const ctx = useStore('webhook-deliveries');

/** The deliveries as stored, by id. */
async function storedDeliveries(ids: string[]): Promise<Map<string, WebhookDeliveryDoc>> {
  const client = await MongoClient.connect(ctx.mongo().uri);
  try {
    const docs = await client.db(ctx.dbName).collection<WebhookDeliveryDoc>('webhook_deliveries').find({ _id: { $in: ids } }).toArray();
    return new Map(docs.map((doc) => [doc._id, doc]));
  } finally {
    await client.close();
  }
}

const owed = (eventId: string, endpointId: string) => ({ websiteId: 'web_hooks', endpointId, eventId, type: 'message.created', body: '{}' });

describe('Store: webhook deliveries', () => {
  it('keeps a finished delivery only as long as its attempts (a TTL deletes it), a pending one until it is done', async () => {
    const store = ctx.get();
    await store.enqueueWebhookDeliveries([owed('evt_a', 'wh_1'), owed('evt_b', 'wh_2'), owed('evt_c', 'wh_3')]);
    const claimed = [await store.claimWebhookDelivery([], 40_000), await store.claimWebhookDelivery([], 40_000), await store.claimWebhookDelivery([], 40_000)];
    const byEvent = new Map(claimed.map((delivery) => [delivery!.eventId, delivery!]));
    await store.finishWebhookAttempt(byEvent.get('evt_a')!, { statusCode: 200 }, { status: 'delivered' });
    await store.finishWebhookAttempt(byEvent.get('evt_b')!, { statusCode: 500 }, { status: 'failed' });
    await store.finishWebhookAttempt(byEvent.get('evt_c')!, { statusCode: 500 }, { status: 'pending', retryAt: new Date(Date.now() + 10_000) });
    const stored = await storedDeliveries(['evt_a:wh_1', 'evt_b:wh_2', 'evt_c:wh_3']);
    const week = 7 * 24 * 3_600_000;
    for (const id of ['evt_a:wh_1', 'evt_b:wh_2']) expect(stored.get(id)!.expireAt!.getTime() - Date.now()).toBeGreaterThan(week - 60_000);
    expect(stored.get('evt_c:wh_3')!.expireAt).toBeUndefined();
  });

  it('forgets a delivery owed to an endpoint that is gone', async () => {
    const store = ctx.get();
    await store.enqueueWebhookDeliveries([owed('evt_d', 'wh_gone')]);
    await store.dropWebhookDelivery('evt_d:wh_gone');
    expect((await storedDeliveries(['evt_d:wh_gone'])).size).toBe(0);
  });
});
