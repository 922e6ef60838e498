import { MongoClient, type Collection } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookDeliveryDoc } from '../../activities/store/documents';
import { startApp, type RunningApp } from '../../runtime/app';
import { AGENT, Api } from './support/clients';
import { testConfig } from './support/app';
import { aboutItem, endpointFor, verifies, visitorWrites as writes } from './support/webhook-clients';
import { WebhookReceiver } from './support/webhook-receiver';

let app: RunningApp;
let api: Api;
let client: MongoClient;
let deliveries: Collection<WebhookDeliveryDoc>;
const receivers: WebhookReceiver[] = [];

beforeAll(async () => {
  // Receivers on 127.0.0.1 over http:; retries fast, and given up after 1.5 s, so a test sees an event fail.
  const config = testConfig({}, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true' });
  app = await startApp({ ...config, webhooks: { ...config.webhooks, firstRetryMs: 200, maxRetryMs: 400, giveUpAfterMs: 1_500, pollMs: 100 } });
  api = new Api(app);
  client = new MongoClient(app.mongoUri);
  deliveries = client.db(config.store.dbName).collection<WebhookDeliveryDoc>('webhook_deliveries');
});
afterAll(async () => {
  await client?.close();
  await Promise.all(receivers.map((r) => r.down()));
  await app?.close();
});

async function receiverUp(): Promise<WebhookReceiver> {
  const receiver = new WebhookReceiver();
  await receiver.up();
  receivers.push(receiver);
  return receiver;
}

const endpoint = (receiver: WebhookReceiver) => endpointFor(api, receiver, ['message.created']);
const visitorWrites = (conversationId: string) => writes(api, conversationId);

interface Attempt {
  eventId: string;
  attempt: number;
  statusCode?: number;
  outcome?: string;
  retryAt?: string;
}
const attemptsAt = async (id: string): Promise<Attempt[]> => (await api.call('GET', `/v1/webhooks/${id}/deliveries`, AGENT)).body.deliveries;

describe('Webhook redelivery', () => {
  it('sends again the events an endpoint missed while it failed, once asked, and retries them as new ones', async () => {
    const receiver = await receiverUp();
    receiver.answers.push(...Array<number>(40).fill(500));
    const since = new Date().toISOString();
    const { id } = await endpoint(receiver);
    const itemId = await visitorWrites('redeliver-outage');
    await expect.poll(async () => (await attemptsAt(id)).map((a) => a.outcome), { timeout: 10_000 }).toContain('failed');
    const [givenUp] = await attemptsAt(id);
    expect(givenUp).toMatchObject({ statusCode: 500, outcome: 'failed' });
    const triedBefore = receiver.events('message.created', aboutItem(itemId)).length;

    // Mended, but it fails once more: the redelivery is retried, though the event is older than the give-up time.
    receiver.answers.splice(0, receiver.answers.length, 500);
    const asked = await api.call('POST', `/v1/webhooks/${id}/redeliver`, AGENT, { since });
    expect(asked).toMatchObject({ status: 202, body: { redelivered: 1 } });
    await expect.poll(() => receiver.events('message.created', aboutItem(itemId)).length, { timeout: 10_000 }).toBe(triedBefore + 2);
    await expect.poll(async () => (await attemptsAt(id)).slice(0, 2).map(({ attempt, statusCode, outcome }) => ({ attempt, statusCode, outcome }))).toEqual([
      { attempt: 2, statusCode: 200, outcome: 'delivered' },
      { attempt: 1, statusCode: 500, outcome: 'retrying' },
    ]);
    // Delivered now: nothing more to send since then.
    expect((await api.call('POST', `/v1/webhooks/${id}/redeliver`, AGENT, { since })).body).toEqual({ redelivered: 0 });
  });

  it('sends one event again, delivered or not, with the same id, signed with the secret the endpoint has now', async () => {
    const receiver = await receiverUp();
    const { id } = await endpoint(receiver);
    const itemId = await visitorWrites('redeliver-one');
    await expect.poll(() => receiver.events('message.created', aboutItem(itemId)).length, { timeout: 10_000 }).toBe(1);
    const [first] = receiver.events('message.created', aboutItem(itemId));
    const rotated = await api.call('POST', `/v1/webhooks/${id}/rotate-secret`, AGENT);

    const asked = await api.call('POST', `/v1/webhooks/${id}/deliveries/${first!.event.id}/redeliver`, AGENT);
    expect(asked).toMatchObject({ status: 202, body: { redelivered: 1 } });
    await expect.poll(() => receiver.events('message.created', aboutItem(itemId)).length, { timeout: 10_000 }).toBe(2);
    const again = receiver.events('message.created', aboutItem(itemId))[1]!;
    expect(again.body).toBe(first!.body);
    expect(again.headers['webhook-id']).toBe(first!.event.id);
    expect(verifies(rotated.body.secret, again.headers['webhook-signature'] as string, again.body)).toBe(true);
  });

  it('leaves an event an instance is sending now to that instance: 409', async () => {
    const { id } = await endpoint(await receiverUp());
    const eventId = `evt_${'1'.repeat(32)}`;
    await app.store.enqueueWebhookDeliveries([{ websiteId: app.websiteId, endpointId: id, eventId, type: 'message.created', body: '{}' }]);
    // As an instance holds it while it sends (this one's deliverer may have taken it first: the lease written here is the one that holds).
    const lease = new Date(Date.now() + 60_000);
    await deliveries.updateOne({ _id: `${eventId}:${id}` }, { $set: { leasedUntil: lease, dueAt: lease } });
    const refused = await api.call('POST', `/v1/webhooks/${id}/deliveries/${eventId}/redeliver`, AGENT);
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'ERR_CONFLICT' } } });
    expect((await api.call('POST', `/v1/webhooks/${id}/redeliver`, AGENT, { since: new Date(0).toISOString() })).body).toEqual({ redelivered: 0 });
  });

  it('says which event, endpoint or time it could not take', async () => {
    const { id } = await endpoint(await receiverUp());
    const unknownEvent = await api.call('POST', `/v1/webhooks/${id}/deliveries/evt_${'0'.repeat(32)}/redeliver`, AGENT);
    expect(unknownEvent).toMatchObject({ status: 404, body: { error: { code: 'ERR_NOT_FOUND' } } });
    const malformed = await api.call('POST', `/v1/webhooks/${id}/deliveries/not-an-event/redeliver`, AGENT);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['params.eventId']);
    expect((await api.call('POST', '/v1/webhooks/wh_nobody/redeliver', AGENT, { since: new Date().toISOString() })).status).toBe(404);
    for (const body of [{}, { since: 'yesterday' }, { since: new Date().toISOString(), status: 'failed' }]) {
      const refused = await api.call('POST', `/v1/webhooks/${id}/redeliver`, AGENT, body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details.fields[0].path).toMatch(/^body\b/);
    }
  });
});
