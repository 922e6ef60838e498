/**
 * When the store's change stream ends for good (here: its history lost, as when a lagging stream
 * falls off the oplog; made to happen with MongoDB's `failCommand` fail point), the server watches
 * again and asks every socket to reconnect; their resume then sends what they missed, and live
 * delivery carries on.
 */
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../runtime/app';
import { AGENT, Api, SocketClient, sleep, waitUntil } from './support/clients';
import { testConfig } from './support/app';
import { recordingTeams } from './support/teams';

const config = testConfig();
const told: string[] = [];
let app: RunningApp;
let api: Api;

beforeAll(async () => {
  app = await startApp(config, { teams: recordingTeams(told) });
  api = new Api(app);
});
afterAll(async () => {
  await app?.close();
});

/** Sets MongoDB's failCommand fail point on getMore (true when this MongoDB has test commands). */
async function failGetMore(mode: 'off' | 'alwaysOn' | { times: number }): Promise<boolean> {
  const client = await MongoClient.connect(app.mongoUri);
  try {
    const command = { configureFailPoint: 'failCommand', mode, data: { failCommands: ['getMore'], errorCode: 286 } };
    const answer = await client.db('admin').command(command).catch((error: { codeName?: string }) => error);
    // A real MongoDB has fail points only when started with enableTestCommands.
    return !('codeName' in answer && answer.codeName === 'CommandNotFound');
  } finally {
    await client.close();
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
    if (!(await failGetMore('alwaysOn'))) skip('this MongoDB has no test commands (enableTestCommands)');
    await sleep(500); // the stream has failed by now: its getMores answer within maxAwaitTimeMS
    await agent.close();
    await sleep(300);
    expect(told.at(-1)).toBe(`online:${AGENT.agent}`);
    await failGetMore('off');
    // Told once the stream is back (the watch is retried within a second), not a silence window later.
    expect(await waitUntil(async () => told.at(-1), (word) => word === `offline:${AGENT.agent}`, 3_000)).toBe(`offline:${AGENT.agent}`);
  });
});
