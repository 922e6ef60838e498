/**
 * When the store's change stream ends for good (here: its history lost, as when a lagging stream
 * falls off the oplog; made to happen with MongoDB's `failCommand` fail point), the server watches
 * again and asks every socket to reconnect; their resume then sends what they missed, and live
 * delivery carries on.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../runtime/app';
import { AGENT, Api, SocketClient } from './support/clients';
import { testConfig } from './support/app';

const config = testConfig();
let app: RunningApp;
let api: Api;

beforeAll(async () => {
  app = await startApp(config);
  api = new Api(app);
});
afterAll(async () => {
  await app?.close();
});

describe('a change stream that ends for good', () => {
  it('is watched again; sockets are told to reconnect, and resume gets what they missed', async ({ skip }) => {
    const visitorId = await api.newVisitor();
    await api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'stream-1' });
    const agent = await SocketClient.open(app, AGENT);
    const closed = new Promise<number>((resolve) => agent.ws.once('close', (code) => resolve(code)));

    const client = await MongoClient.connect(app.mongoUri);
    try {
      const failNextGetMore = { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['getMore'], errorCode: 286 } };
      const configured = await client.db('admin').command(failNextGetMore).catch((error: { codeName?: string }) => error);
      // A real MongoDB has fail points only when started with enableTestCommands.
      if ('codeName' in configured && configured.codeName === 'CommandNotFound') skip('this MongoDB has no test commands (enableTestCommands)');
    } finally {
      await client.close();
    }
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
});
