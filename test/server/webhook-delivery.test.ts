import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startApp, type RunningApp } from '../../runtime/app';
import { WebhookEventOutbox } from '../../server/webhooks/event-outbox';
import { AGENT, Api } from './support/clients';
import { testConfig } from './support/app';
import { aboutItem, endpointFor, verifies, visitorWrites as writes } from './support/webhook-clients';
import { WebhookReceiver } from './support/webhook-receiver';

let app: RunningApp;
let api: Api;

beforeAll(async () => {
  // Receivers on 127.0.0.1 over http:, and retries fast enough for a test.
  const config = testConfig({}, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
  app = await startApp({ ...config, webhooks: { ...config.webhooks, firstRetryMs: 200, pollMs: 100 } });
  api = new Api(app);
});
afterAll(() => app?.close());

const receivers: WebhookReceiver[] = [];
afterAll(() => Promise.all(receivers.map((r) => r.down())));

async function receiverUp(): Promise<WebhookReceiver> {
  const receiver = new WebhookReceiver();
  await receiver.up();
  receivers.push(receiver);
  return receiver;
}

const endpoint = (receiver: WebhookReceiver, events: string[]) => endpointFor(api, receiver, events);
const visitorWrites = (conversationId: string) => writes(api, conversationId);

describe('Webhook delivery', () => {
  it('posts a signed event for a message, and the same event id again after a 500', async () => {
    const receiver = await receiverUp();
    receiver.answers.push(500);
    const { id, secret } = await endpoint(receiver, ['message.created']);
    const itemId = await visitorWrites('hook-signed');
    await expect.poll(() => receiver.events('message.created', aboutItem(itemId)).length, { timeout: 10_000 }).toBe(2);
    const [first, retry] = receiver.events('message.created', aboutItem(itemId));
    expect(retry!.event.id).toBe(first!.event.id);
    expect(retry!.headers['webhook-id']).toBe(first!.event.id);
    expect(retry!.event).toMatchObject({ type: 'message.created', websiteId: app.websiteId, data: { conversationId: 'hook-signed', item: { id: itemId, type: 'message', text: 'hello' } } });
    expect(verifies(secret, retry!.headers['webhook-signature'] as string, retry!.body)).toBe(true);
    expect(verifies('whsec_another', retry!.headers['webhook-signature'] as string, retry!.body)).toBe(false);
    const attempts = (await api.call('GET', `/v1/webhooks/${id}/deliveries`, AGENT)).body.deliveries;
    expect(attempts.filter((a: { eventId: string }) => a.eventId === first!.event.id)).toEqual([
      expect.objectContaining({ type: 'message.created', attempt: 2, statusCode: 200 }),
      expect.objectContaining({ type: 'message.created', attempt: 1, statusCode: 500 }),
    ]);
  });

  it('tells a new conversation, with the conversation as the REST API shows it, and its resolve', async () => {
    const receiver = await receiverUp();
    await endpoint(receiver, ['conversation.created', 'conversation.resolved']);
    await visitorWrites('hook-lifecycle');
    await expect.poll(() => receiver.events('conversation.created', (d) => d.conversation.id === 'hook-lifecycle').length, { timeout: 10_000 }).toBe(1);
    const shown = (await api.call('GET', '/v1/conversations/hook-lifecycle', AGENT)).body.conversation;
    expect(receiver.events('conversation.created')[0]!.event.data.conversation).toMatchObject({ id: shown.id, visitorId: shown.visitorId, status: 'open', createdAt: shown.createdAt });
    expect((await api.call('POST', '/v1/conversations/hook-lifecycle/resolve', AGENT, {})).status).toBe(200);
    await expect.poll(() => receiver.events('conversation.resolved', (d) => d.conversationId === 'hook-lifecycle').length, { timeout: 10_000 }).toBe(1);
    const [resolved] = receiver.events('conversation.resolved');
    expect(resolved!.event.data).toMatchObject({ conversationId: 'hook-lifecycle', item: { type: 'event', event: { kind: 'resolved' } } });
    expect(receiver.events('message.created')).toEqual([]);
  });

  it('sends an endpoint only the types it asked for, and nothing once deleted', async () => {
    const notes = await receiverUp();
    const messages = await receiverUp();
    const gone = await receiverUp();
    await endpoint(notes, ['note.created']);
    await endpoint(messages, ['message.created']);
    const deleted = await endpoint(gone, ['message.created']);
    const firstItem = await visitorWrites('hook-types');
    await expect.poll(() => gone.events('message.created', aboutItem(firstItem)).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => messages.events('message.created', aboutItem(firstItem)).length, { timeout: 10_000 }).toBe(1);
    expect((await api.call('DELETE', `/v1/webhooks/${deleted.id}`, AGENT)).status).toBe(204);
    const noteId = 'hook-types-note';
    expect((await api.call('POST', '/v1/messages', AGENT, { conversationId: 'hook-types', item: { id: noteId, type: 'note', text: 'for the team' } })).status).toBe(201);
    const secondItem = 'hook-types-m2';
    expect((await api.call('POST', '/v1/messages', AGENT, { conversationId: 'hook-types', item: { id: secondItem, type: 'message', text: 'hi there' } })).status).toBe(201);
    await expect.poll(() => notes.events('note.created', aboutItem(noteId)).length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => messages.events('message.created', aboutItem(secondItem)).length, { timeout: 10_000 }).toBe(1);
    // Written after the deleted endpoint's last event and heard by the others: the deleted one got none of them.
    expect(notes.received.map((r) => r.event.type)).toEqual(['note.created']);
    expect(gone.received.map((r) => r.event.data.item.id)).toEqual([firstItem]);
  });

  it('drops a delivery owed to an endpoint deleted before it was sent, rather than trying it again', async () => {
    await endpoint(await receiverUp(), ['message.created']); // an endpoint: the deliverer looks for what is owed
    const dropped = vi.spyOn(app.store, 'dropWebhookDelivery');
    try {
      // What an instance that had not heard of the deletion yet wrote for it.
      await app.store.enqueueWebhookDeliveries([{ websiteId: app.websiteId, endpointId: 'wh_deleted_meanwhile', eventId: 'evt_owed_to_nobody', type: 'message.created', body: '{}' }]);
      await expect.poll(() => dropped.mock.calls, { timeout: 10_000 }).toEqual([['evt_owed_to_nobody:wh_deleted_meanwhile']]);
    } finally {
      dropped.mockRestore();
    }
  });

  it('delivers what happened while the endpoint was down once it is up again', async () => {
    const receiver = await receiverUp();
    const { id } = await endpoint(receiver, ['message.created']);
    await receiver.down();
    const itemId = await visitorWrites('hook-down');
    const refused = async () => (await api.call('GET', `/v1/webhooks/${id}/deliveries`, AGENT)).body.deliveries.filter((a: { error?: string }) => a.error).length;
    await expect.poll(refused, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(receiver.received).toEqual([]);
    await receiver.up();
    await expect.poll(() => receiver.events('message.created', aboutItem(itemId)).length, { timeout: 15_000 }).toBe(1);
  });

  it('catches up from the store on what no outbox wrote (as a start does from its cursor)', async () => {
    const since = new Date(Date.now() - 1_000).toISOString();
    const itemId = await visitorWrites('hook-catch-up');
    // Made after the message: the change stream's outbox owed it nothing.
    const receiver = await receiverUp();
    await endpoint(receiver, ['message.created']);
    const outbox = new WebhookEventOutbox(app.store, { isVisibleTo: () => true }, app.log, () => undefined);
    await outbox.reload();
    await outbox.catchUp(since);
    await expect.poll(() => receiver.events('message.created', aboutItem(itemId)).length, { timeout: 10_000 }).toBe(1);
  });
});
