import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { NewWebhookDelivery, WebhookEndpoint } from '../../activities/store';
import { WebhookEventOutbox } from '../../server/webhooks/event-outbox';
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
