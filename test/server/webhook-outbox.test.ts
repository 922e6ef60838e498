import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NewWebhookDelivery, Store, WebhookEndpoint } from '../../activities/store';
import { WebhookEventOutbox } from '../../server/webhooks/event-outbox';
import { Webhooks } from '../../server/webhooks/webhooks';
import { message, VISITOR } from '../browser/logic/items';

const endpoint = (id: string): WebhookEndpoint => ({
  id,
  websiteId: 'w',
  url: `https://hooks.example.com/${id}`,
  events: ['message.created'],
  secret: 'whsec_test',
  createdAt: '2026-12-07T08:00:00.000Z',
  updatedAt: '2026-12-07T08:00:00.000Z',
});

/** A store whose endpoint lists answer when the test says, holding one message stored at 08:00:10. */
function fakeStore() {
  const lists: Array<(endpoints: WebhookEndpoint[]) => void> = [];
  const enqueued: NewWebhookDelivery[] = [];
  const covered: string[] = [];
  const stored = { ...message(1, VISITOR, 'while the stream was down', 'c1'), createdAt: '2026-12-07T08:00:10.000Z' };
  const store = {
    listWebhooks: () => new Promise<WebhookEndpoint[]>((resolve) => lists.push(resolve)),
    enqueueWebhookDeliveries: async (deliveries: NewWebhookDelivery[]) => void enqueued.push(...deliveries),
    changedSince: async (_websiteId: string, since: string) => ({ created: [], items: stored.createdAt >= since ? [{ conversationId: 'c1', item: stored }] : [] }),
    coverWebhooksUntil: async (until: string) => void covered.push(until),
  };
  return { store, lists, enqueued, covered };
}

const outboxOn = (store: ReturnType<typeof fakeStore>['store']) => new WebhookEventOutbox(store, { isVisibleTo: () => true }, pino({ level: 'silent' }), () => undefined);

describe('WebhookEventOutbox', () => {
  it('keeps the endpoints of the read asked last when an earlier read answers after it', async () => {
    const { store, lists } = fakeStore();
    const outbox = outboxOn(store);
    const [earlier, later] = [outbox.reload(), outbox.reload()];
    lists[1]!([endpoint('made-since')]);
    await later;
    lists[0]!([]); // read before the endpoint was made
    await earlier;
    expect(outbox.configured).toBe(true);
  });

  it('moves its cursor no further than where the change stream went down, and once it is back writes what the stream did not show', async () => {
    const { store, lists, enqueued, covered } = fakeStore();
    const outbox = outboxOn(store);
    const loaded = outbox.reload();
    lists[0]!([endpoint('crm')]);
    await loaded;

    outbox.unseenFrom('2026-12-07T08:00:05.000Z');
    await outbox.cover('2026-12-07T08:01:00.000Z');
    expect(covered).toEqual(['2026-12-07T08:00:05.000Z']);
    expect(enqueued).toEqual([]);

    outbox.seeingAgain();
    await outbox.drain();
    expect(enqueued.map(({ endpointId, type }) => ({ endpointId, type }))).toEqual([{ endpointId: 'crm', type: 'message.created' }]);
    await outbox.cover('2026-12-07T08:01:10.000Z');
    expect(covered.at(-1)).toBe('2026-12-07T08:01:10.000Z');
  });
});

describe('Webhooks', () => {
  afterEach(() => vi.useRealTimers());

  it("holds the cursor, when the change stream fails, before the newest change it had shown, not before the failure: a stream fails for falling behind too", async () => {
    vi.useFakeTimers({ now: Date.parse('2026-12-07T08:00:00.000Z'), toFake: ['Date'] });
    const { store, lists, enqueued, covered } = fakeStore();
    const settings = { allowPrivateUrls: false, timeoutMs: 10_000, firstRetryMs: 10_000, maxRetryMs: 60_000, giveUpAfterMs: 3_600_000, pollMs: 5_000 };
    const webhooks = new Webhooks(store as unknown as Store, { isVisibleTo: () => true } as never, settings, pino({ level: 'silent' }));
    const loaded = webhooks.outbox.reload();
    lists[0]!([endpoint('crm')]);
    await loaded;
    // The stream showed a change stored at 08:00:02, then nothing while it fell behind; it fails ten minutes on.
    webhooks.changes.observe({ type: 'itemCreated', websiteId: 'w', conversationId: 'c0', item: { ...message(1, VISITOR, 'seen', 'c0'), createdAt: '2026-12-07T08:00:02.000Z' } } as never);
    await webhooks.outbox.drain();
    vi.setSystemTime(Date.parse('2026-12-07T08:10:00.000Z'));
    webhooks.changes.streamFailed(Date.now());
    await webhooks.outbox.cover('2026-12-07T08:09:30.000Z');
    expect(covered).toEqual(['2026-12-07T07:59:32.000Z']);

    // Back: what the store holds since then (the message stored at 08:00:10) is written.
    webhooks.changes.streamReopened();
    await webhooks.outbox.drain();
    expect(enqueued.map(({ body }) => JSON.parse(body).data.item.text)).toEqual(['seen', 'while the stream was down']);
  });
});
