import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import type { WebhookOutcome } from '../../../activities/store';
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

describe('Store: webhook redelivery', () => {
  /** Owed, taken and tried once, ending as told. */
  async function triedOnce(eventId: string, endpointId: string, outcome: WebhookOutcome): Promise<void> {
    const store = ctx.get();
    await store.enqueueWebhookDeliveries([owed(eventId, endpointId)]);
    const claimed = await store.claimWebhookDelivery([], 40_000);
    expect(claimed!.eventId).toBe(eventId);
    await store.finishWebhookAttempt(claimed!, { statusCode: outcome.status === 'delivered' ? 200 : 500 }, outcome);
  }

  it('sends one event again, whatever became of it, as a new one: due now, attempts from 1, kept until done', async () => {
    const store = ctx.get();
    await triedOnce('evt_r1', 'wh_r', { status: 'delivered' });
    const asked = Date.now();
    expect(await store.redeliverWebhookEvent('wh_r', 'evt_r1')).toBe('due');
    const stored = (await storedDeliveries(['evt_r1:wh_r'])).get('evt_r1:wh_r')!;
    expect(stored).toMatchObject({ status: 'pending', attempts: 0 });
    expect(stored.expireAt).toBeUndefined();
    expect(stored.dueAt.getTime()).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(stored.redeliveredAt!)).toBeGreaterThanOrEqual(asked - 1);
    const again = await store.claimWebhookDelivery([], 40_000);
    expect(again).toMatchObject({ eventId: 'evt_r1', attempts: 1 });
    // Being sent: another redelivery is refused, not sent twice at once.
    expect(await store.redeliverWebhookEvent('wh_r', 'evt_r1')).toBe('sending');
    await store.finishWebhookAttempt(again!, { statusCode: 200 }, { status: 'delivered' });
    expect(await store.redeliverWebhookEvent('wh_r', 'evt_r1')).toBe('due');
    const third = await store.claimWebhookDelivery([], 40_000);
    await store.finishWebhookAttempt(third!, { statusCode: 200 }, { status: 'delivered' });
    expect(await store.redeliverWebhookEvent('wh_other', 'evt_r1')).toBe('unknown');
    expect(await store.redeliverWebhookEvent('wh_r', 'evt_never')).toBe('unknown');
  });

  it("sends again an endpoint's events not delivered since a time: given up or waiting for a retry, not delivered ones, older ones or another endpoint's", async () => {
    const store = ctx.get();
    await triedOnce('evt_old', 'wh_s', { status: 'failed' });
    const since = new Date(Date.now() + 1).toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await triedOnce('evt_failed', 'wh_s', { status: 'failed' });
    await triedOnce('evt_waiting', 'wh_s', { status: 'pending', retryAt: new Date(Date.now() + 3_600_000) });
    await triedOnce('evt_delivered', 'wh_s', { status: 'delivered' });
    await triedOnce('evt_elsewhere', 'wh_t', { status: 'failed' });
    expect(await store.redeliverWebhookEvents('wh_s', since)).toBe(2);
    const stored = await storedDeliveries(['evt_old:wh_s', 'evt_failed:wh_s', 'evt_waiting:wh_s', 'evt_delivered:wh_s', 'evt_elsewhere:wh_t']);
    expect(Object.fromEntries([...stored].map(([id, doc]) => [id, doc.status]))).toEqual({
      'evt_old:wh_s': 'failed',
      'evt_failed:wh_s': 'pending',
      'evt_waiting:wh_s': 'pending',
      'evt_delivered:wh_s': 'delivered',
      'evt_elsewhere:wh_t': 'failed',
    });
    for (const id of ['evt_failed:wh_s', 'evt_waiting:wh_s']) {
      expect(stored.get(id)!.dueAt.getTime()).toBeLessThanOrEqual(Date.now());
      await store.dropWebhookDelivery(id); // not to be taken by the next test
    }
  });

  it('keeps the word of the instance that holds the lease: a finish after its lease ran out records the attempt but not its outcome', async () => {
    const store = ctx.get();
    await store.enqueueWebhookDeliveries([owed('evt_slow', 'wh_l')]);
    // The first instance's lease ends at once (as if its send outlived it); a second takes it.
    const slow = await store.claimWebhookDelivery([], 0);
    await new Promise((resolve) => setTimeout(resolve, 2));
    const second = await store.claimWebhookDelivery([], 40_000);
    expect(second).toMatchObject({ eventId: 'evt_slow', attempts: 2 });
    await store.finishWebhookAttempt(slow!, { statusCode: 200 }, { status: 'delivered' });
    expect((await storedDeliveries(['evt_slow:wh_l'])).get('evt_slow:wh_l')).toMatchObject({ status: 'pending', leasedUntil: second!.leasedUntil });
    // Still being sent by the second: no redelivery meanwhile.
    expect(await store.redeliverWebhookEvent('wh_l', 'evt_slow')).toBe('sending');
    await store.finishWebhookAttempt(second!, { statusCode: 200 }, { status: 'delivered' });
    expect((await storedDeliveries(['evt_slow:wh_l'])).get('evt_slow:wh_l')!.status).toBe('delivered');
    // Both attempts are listed; only the one that decided says what became of the event.
    expect((await store.listWebhookAttempts('wh_l', 10)).map(({ attempt, outcome }) => ({ attempt, outcome }))).toEqual([
      { attempt: 2, outcome: 'delivered' },
      { attempt: 1, outcome: undefined },
    ]);
  });

  it('does not bring back a delivery past its week that the TTL index has not swept yet', async () => {
    const store = ctx.get();
    await triedOnce('evt_expired', 'wh_x', { status: 'failed' });
    const client = await MongoClient.connect(ctx.mongo().uri);
    try {
      await client.db(ctx.dbName).collection<WebhookDeliveryDoc>('webhook_deliveries').updateOne({ _id: 'evt_expired:wh_x' }, { $set: { expireAt: new Date(Date.now() - 1_000) } });
    } finally {
      await client.close();
    }
    expect(await store.redeliverWebhookEvent('wh_x', 'evt_expired')).toBe('unknown');
    expect(await store.redeliverWebhookEvents('wh_x', new Date(0).toISOString())).toBe(0);
  });

  it('records with each attempt what became of the delivery', async () => {
    const store = ctx.get();
    const retryAt = new Date(Date.now() + 10_000);
    await triedOnce('evt_o1', 'wh_o', { status: 'pending', retryAt });
    await triedOnce('evt_o2', 'wh_o', { status: 'failed' });
    await triedOnce('evt_o3', 'wh_o', { status: 'delivered' });
    const attempts = await store.listWebhookAttempts('wh_o', 10);
    expect(attempts.map(({ eventId, outcome, retryAt }) => ({ eventId, outcome, retryAt }))).toEqual([
      { eventId: 'evt_o3', outcome: 'delivered', retryAt: undefined },
      { eventId: 'evt_o2', outcome: 'failed', retryAt: undefined },
      { eventId: 'evt_o1', outcome: 'retrying', retryAt: retryAt.toISOString() },
    ]);
  });
});
