/**
 * When the store's change stream ends for good (here: its history lost, as when a lagging stream
 * falls off the oplog; made to happen with MongoDB's `failCommand` fail point), the server watches
 * again and asks every socket to reconnect; their resume then sends what they missed, and live
 * delivery carries on; what the webhooks were not shown meanwhile is read from the store.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { startApp, type RunningApp } from '../../runtime/app';
import { userHashOf } from '../../server/services/identity';
import { AGENT, Api, SocketClient, sleep, waitUntil } from './support/clients';
import { testConfig } from './support/app';
import { recordingTeams } from './support/teams';
import { namedFailPoint, type FailPointMode } from '../support/fail-point';
import { recordingLog, type LogLine } from '../support/log-lines';
import { WebhookReceiver } from './support/webhook-receiver';

const getMores = namedFailPoint('store-stream', { commands: ['getMore'], errorCode: 286 });
// On a real MongoDB the app's clients carry the fail point's name (an embedded server is this app's alone).
const realMongo = process.env.MONGODB_URI;
// Webhook receivers on 127.0.0.1.
const config = testConfig(undefined, { WEBHOOK_ALLOW_PRIVATE_URLS: 'true', ...(realMongo ? { MONGODB_URI: getMores.clientUri(realMongo) } : {}) });
const told: string[] = [];
/** The app's error lines: a failed stream is logged as it is watched again. */
const { log, lines } = recordingLog('error');
let app: RunningApp;
let api: Api;

beforeAll(async () => {
  app = await startApp(config, { log, teams: recordingTeams(told) });
  api = new Api(app);
});
afterAll(async () => {
  await app?.close();
});

/** Sets the fail point on the app's getMores (true when this MongoDB has test commands). */
const failGetMore = (mode: FailPointMode) => getMores.set(app.mongoUri, mode);

/** How many times an instance logging to `logged` has seen its change stream fail (store-watch.ts). */
const streamFailures = (logged: LogLine[]) => logged.filter((line) => line.msg === 'store change stream failed; watching again').length;

/** Resolves once each instance has seen its stream fail again since `before` (its getMores fail within maxAwaitTimeMS, but a loaded machine may take longer). */
async function streamsFailed(...instances: Array<{ logged: LogLine[]; before: number }>): Promise<void> {
  for (const { logged, before } of instances) {
    expect(await waitUntil(async () => streamFailures(logged), (count) => count > before)).toBeGreaterThan(before);
  }
}

describe('a change stream that ends for good', () => {
  it('is watched again; sockets are told to reconnect, and resume gets what they missed', async ({ skip }) => {
    const visitorId = await api.newVisitor();
    await api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'stream-1' });
    const agent = await SocketClient.open(app, AGENT);
    const closed = new Promise<number>((resolve) => agent.ws.once('close', (code) => resolve(code)));

    if (!(await failGetMore({ times: 1 }))) skip('this MongoDB has no test commands (enableTestCommands)');
    expect(await closed).toBe(1012);
    // Posted after the socket was told to go: the reconnecting client asks for it by resume.
    const missed = await api.call('POST', '/v1/messages', { visitorId }, { conversationId: 'stream-1', item: { id: 'stream-1-a', type: 'message', text: 'while away' } });
    expect(missed.status).toBe(201);

    const again = await SocketClient.open(app, AGENT);
    again.send({ type: 'resume', payload: { conversationId: 'stream-1', afterSeq: 0 } });
    await again.itemFrame('stream-1-a');
    await api.call('POST', '/v1/messages', { visitorId }, { conversationId: 'stream-1', item: { id: 'stream-1-b', type: 'message', text: 'live again' } });
    await again.itemFrame('stream-1-b');
    // Ephemeral events flow again too.
    await api.call('POST', '/v1/conversations/stream-1/typing', { visitorId }, { isTyping: true });
    await again.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorId === visitorId);
    await again.close();
  });

  it('tells the team queues of an agent who left while the stream was down, once it is back', async ({ skip }) => {
    expect(await waitUntil(async () => told.at(-1), (word) => word === `offline:${AGENT.agent}`)).toBe(`offline:${AGENT.agent}`);
    const agent = await SocketClient.open(app, AGENT);
    expect(await waitUntil(async () => told.at(-1), (word) => word === `online:${AGENT.agent}`)).toBe(`online:${AGENT.agent}`);
    const failedBefore = streamFailures(lines);
    if (!(await failGetMore('alwaysOn'))) skip('this MongoDB has no test commands (enableTestCommands)');
    await streamsFailed({ logged: lines, before: failedBefore });
    await agent.close();
    await sleep(300);
    expect(told.at(-1)).toBe(`online:${AGENT.agent}`);
    await failGetMore('off');
    // Told once the stream is back, not a silence window (three 30 s heartbeats) later. The watch is
    // retried with a backoff that doubles while the fail point holds (500 ms, 1 s, 2 s, 4 s…), so a
    // slow run may wait a few seconds for the next try.
    expect(await waitUntil(async () => told.at(-1), (word) => word === `offline:${AGENT.agent}`, 15_000)).toBe(`offline:${AGENT.agent}`);
  });

  it("sends a webhook endpoint, once the stream is back, what was stored while it was down, which the stream never shows", async ({ skip }) => {
    const receiver = new WebhookReceiver();
    await receiver.up();
    onTestFinished(() => receiver.down());
    const made = await api.call('POST', '/v1/webhooks', AGENT, { url: receiver.url, events: ['message.created'] });
    expect(made.status).toBe(201);
    onTestFinished(async () => void (await api.call('DELETE', `/v1/webhooks/${made.body.webhook.id}`, AGENT)));
    const visitorId = await api.newVisitor();
    await api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'stream-hook' });
    const sent = (itemId: string) => receiver.events('message.created', (data: { item?: { id?: string } }) => data.item?.id === itemId).length;

    const failedBefore = streamFailures(lines);
    if (!(await failGetMore('alwaysOn'))) skip('this MongoDB has no test commands (enableTestCommands)');
    await streamsFailed({ logged: lines, before: failedBefore });
    const stored = await api.call('POST', '/v1/messages', { visitorId }, { conversationId: 'stream-hook', item: { id: 'stream-hook-a', type: 'message', text: 'while down' } });
    expect(stored.status).toBe(201);
    await failGetMore('off');
    // Watched again within the backoff (500 ms, 1 s, 2 s… while the fail point held), then caught up on.
    await expect.poll(() => sent('stream-hook-a'), { timeout: 20_000 }).toBe(1);
    await api.call('POST', '/v1/messages', { visitorId }, { conversationId: 'stream-hook', item: { id: 'stream-hook-b', type: 'message', text: 'live again' } });
    await expect.poll(() => sent('stream-hook-b')).toBe(1);
    expect(sent('stream-hook-a')).toBe(1);
  });

  it('carries on routing by contact after a link the stream did not deliver, on either instance', async ({ skip }) => {
    // A second instance on the same store, which hears of the link only through the stream.
    const secondLog = recordingLog('error');
    const second = await startApp(testConfig(undefined, { MONGODB_URI: app.mongoUri, MONGODB_DB: config.store.dbName }), { engine: app.engine, log: secondLog.log });
    try {
      const api2 = new Api(second);
      const phone = { visitorId: await api.newVisitor() };
      const laptop = { visitorId: await api.newVisitor() };
      const identify = (who: { visitorId: string }) =>
        api.call('POST', '/v1/contacts/identify', who, { externalId: 'while-down', userHash: userHashOf(app.keys.identitySecret, 'while-down') });
      expect((await identify(phone)).status).toBe(200);
      await api.call('POST', '/v1/conversations', phone, { conversationId: 'stream-phone' });
      await api.call('POST', '/v1/conversations', laptop, { conversationId: 'stream-laptop' });
      // Each instance now knows the laptop as anonymous, and who owns its conversation.
      expect((await api2.call('GET', '/v1/conversations', laptop)).body.conversations.map((c: { id: string }) => c.id)).toEqual(['stream-laptop']);
      const watchers = [await SocketClient.open(app, laptop), await SocketClient.open(second, laptop)];
      await api.call('POST', '/v1/messages', laptop, { conversationId: 'stream-laptop', item: { id: 'stream-laptop-a', type: 'message', text: 'anonymous still' } });
      for (const watcher of watchers) await watcher.itemFrame('stream-laptop-a');
      // Joined now, the agent's message below changes nothing of the conversation that could refresh its owners.
      expect((await api.call('POST', '/v1/conversations/stream-laptop/participants', AGENT, { userId: AGENT.agent })).status).toBe(200);
      const closed = watchers.map((watcher) => new Promise<number>((resolve) => watcher.ws.once('close', (code) => resolve(code))));

      const failedBefore = [streamFailures(lines), streamFailures(secondLog.lines)];
      if (!(await failGetMore('alwaysOn'))) skip('this MongoDB has no test commands (enableTestCommands)');
      await streamsFailed({ logged: lines, before: failedBefore[0]! }, { logged: secondLog.lines, before: failedBefore[1]! });
      expect((await identify(laptop)).status).toBe(200); // its conversation joins the contact, unheard
      await failGetMore('off');
      expect(await Promise.all(closed)).toEqual([1012, 1012]);

      // The phone hears the laptop's conversation on either instance; the laptop, on the second, the phone's.
      const phoneSockets = [await SocketClient.open(app, phone), await SocketClient.open(second, phone)];
      const laptopOnSecond = await SocketClient.open(second, laptop);
      await api.call('POST', '/v1/messages', AGENT, { conversationId: 'stream-laptop', item: { id: 'stream-laptop-b', type: 'message', text: 'hello both' } });
      for (const socket of phoneSockets) await socket.itemFrame('stream-laptop-b');
      await api.call('POST', '/v1/messages', phone, { conversationId: 'stream-phone', item: { id: 'stream-phone-a', type: 'message', text: 'from the phone' } });
      await laptopOnSecond.itemFrame('stream-phone-a');
      await Promise.all([...phoneSockets, laptopOnSecond].map((socket) => socket.close()));
    } finally {
      await second.close();
    }
  });
});
