/**
 * What one caller may cost through sockets: a visitor's frames share one budget however many
 * sockets it opens, it and its IP may hold only so many open, and upgrades and frames take from
 * the same per-IP limit as REST calls.
 */
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RunningApp } from '../../runtime/app';
import { AGENT, Api, SocketClient, sleep, upgrade } from './support/clients';
import { startTestApp, type LimitOverrides } from './support/app';

let app: RunningApp | undefined;
const sockets: SocketClient[] = [];

afterEach(async () => {
  await Promise.all(sockets.splice(0).map((socket) => socket.close()));
  await app?.close();
  app = undefined;
});

async function started(limits: LimitOverrides): Promise<RunningApp> {
  app = await startTestApp(limits);
  return app;
}

async function open(running: RunningApp, who: Parameters<typeof SocketClient.open>[1]): Promise<SocketClient> {
  const socket = await SocketClient.open(running, who);
  sockets.push(socket);
  return socket;
}

/** The upgrade path of a visitor's socket. */
const visitorPath = (running: RunningApp, visitorId: string): string => `/ws?publicKey=${encodeURIComponent(running.keys.publicKey)}&visitorId=${visitorId}`;

/** Opens a socket the server refuses as it opens: how it was closed, and the frames it was sent first. */
async function refusal(running: RunningApp, path: string): Promise<{ code: number; reason: string; frames: unknown[] }> {
  const ws = new WebSocket(`${running.url.replace(/^http/, 'ws')}${path}`);
  const frames: unknown[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  const [code, reason] = await new Promise<[number, string]>((resolve) => ws.on('close', (closeCode, why) => resolve([closeCode, String(why)])));
  return { code, reason, frames };
}

/** Sends `count` pings on each socket, then counts the pongs and the refusals they got. */
async function pingAll(clients: SocketClient[], count: number): Promise<{ pongs: number; limited: number }> {
  for (const client of clients) for (let i = 0; i < count; i++) client.send('ping');
  const answered = () => clients.reduce((sum, c) => sum + c.texts.filter((t) => t === 'pong').length + c.of('error').length, 0);
  for (let waited = 0; answered() < clients.length * count && waited < 5_000; waited += 20) await sleep(20);
  const pongs = clients.reduce((sum, c) => sum + c.texts.filter((t) => t === 'pong').length, 0);
  const limited = clients.reduce((sum, c) => sum + c.of('error', (p) => p.code === 'ERR_RATE_LIMITED').length, 0);
  return { pongs, limited };
}

describe('socket limits', () => {
  it("gives all of a visitor's sockets one frame budget, and each team member's socket its own", async () => {
    const running = await started({ ws: { frameRate: { perSecond: 0.01, burst: 6 } } });
    const visitorTabs = [await open(running, { visitorId: 'many-tabs' }), await open(running, { visitorId: 'many-tabs' }), await open(running, { visitorId: 'many-tabs' })];
    expect(await pingAll(visitorTabs, 6)).toEqual({ pongs: 6, limited: 12 });
    // Another visitor is not held back by the first.
    expect(await pingAll([await open(running, { visitorId: 'one-tab' })], 6)).toEqual({ pongs: 6, limited: 0 });
    const agentTabs = [await open(running, AGENT), await open(running, AGENT)];
    expect(await pingAll(agentTabs, 6)).toEqual({ pongs: 12, limited: 0 });
  });

  it('refuses a visitor one socket more than WS_MAX_SOCKETS_PER_VISITOR over the socket (ERR_TOO_MANY_SOCKETS naming the cap, 4429), and takes it again once one closes', async () => {
    const running = await started({ ws: { maxSocketsPerVisitor: 3 } });
    const tabs = [];
    for (let i = 0; i < 3; i++) tabs.push(await open(running, { visitorId: 'capped' }));
    const capped = visitorPath(running, 'capped');
    const { code, reason, frames } = await refusal(running, capped);
    expect(code).toBe(4429);
    expect(reason).toBe('Too many sockets open for this visitor (at most 3): close one, or try again later');
    expect(frames).toEqual([{ type: 'error', payload: { code: 'ERR_TOO_MANY_SOCKETS', message: reason, details: { maxSockets: 3 } } }]);
    // Other visitors and the team are not held back by it.
    await open(running, { visitorId: 'not-capped' });
    for (let i = 0; i < 4; i++) await open(running, AGENT);
    expect((await upgrade(running, capped)).status).toBe(429);
    await tabs[0]!.close();
    await expect.poll(async () => (await upgrade(running, capped)).status).toBe(101);
  });

  it('refuses an IP one socket more than WS_MAX_SOCKETS_PER_IP, whatever the visitor ids and the team’s included, before looking its credentials up', async () => {
    const running = await started({ ws: { maxSocketsPerIp: 4 } });
    const tabs = [await open(running, { visitorId: 'ip-cap-1' }), await open(running, { visitorId: 'ip-cap-2' }), await open(running, AGENT)];
    await open(running, { visitorId: 'ip-cap-3' });
    const fresh = visitorPath(running, 'ip-cap-fresh');
    const { code, reason, frames } = await refusal(running, fresh);
    expect(code).toBe(4429);
    expect(reason).toBe('Too many sockets open from this address (at most 4): close one, or try again later');
    expect(frames).toEqual([{ type: 'error', payload: { code: 'ERR_TOO_MANY_SOCKETS', message: reason, details: { maxSockets: 4 } } }]);
    // Refused before its credentials were looked up: the made-up visitor was not recorded.
    expect(await running.store.getVisitor(running.websiteId, 'ip-cap-fresh')).toBeNull();
    expect((await upgrade(running, `/ws?token=${encodeURIComponent(running.keys.secretKey)}`)).status).toBe(429);
    await tabs[2]!.close();
    await expect.poll(async () => (await upgrade(running, fresh)).status).toBe(101);
  });

  it('cuts a refused socket off when its client does not answer the close, so refusals hold no file descriptors for long', async () => {
    const running = await started({ ws: { maxSocketsPerIp: 1 } });
    await open(running, { visitorId: 'holds-the-only-one' });
    // A client that completes the handshake and then reads nothing and answers nothing (ws waits 30 s for an answer).
    const raw = connect(running.port, '127.0.0.1', () =>
      raw.write(`GET ${visitorPath(running, 'silent')} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`),
    );
    raw.on('error', () => {});
    const startedAt = Date.now();
    let received = '';
    raw.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    await new Promise((resolve) => raw.once('close', resolve));
    expect(received).toMatch(/^HTTP\/1\.1 101 /);
    expect(received).toContain('ERR_TOO_MANY_SOCKETS');
    expect(Date.now() - startedAt).toBeLessThan(5_000);
  });

  it('charges upgrades and frames to the caller’s IP, as REST calls are, and says when to retry', async () => {
    const running = await started({ ipRate: { perSecond: 0.01, burst: 10 } });
    const socket = await open(running, { visitorId: 'ip-1' }); // 1 token
    expect(await pingAll([socket], 10)).toEqual({ pongs: 9, limited: 1 });
    const refused = await upgrade(running, visitorPath(running, 'ip-2'));
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    const rest = await fetch(`${running.url}/v1/websites`);
    expect(rest.status).toBe(429);
  });

  it('takes the resumes of a connect URL once per conversation, up to 100, each paying a frame, and tells of the rest in error frames', async () => {
    const running = await started({ ws: { frameRate: { perSecond: 0.01, burst: 150 } } });
    const api = new Api(running);
    const visitorId = await api.newVisitor();
    await api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'url-resume' });
    const query = ['no-seq', 'conv:-1', 'url-resume:0', 'url-resume:0', ...Array.from({ length: 100 }, (_, i) => `c${i}:0`)].map((r) => `&resume=${r}`).join('');
    const socket = await SocketClient.open(running, { visitorId }, {}, query);
    sockets.push(socket);
    expect(socket.of('CONNECTION_ESTABLISHED')[0]!.payload.resumed).toBe(100);
    await expect.poll(() => socket.of('error', (p) => p.code === 'ERR_INVALID_INPUT').map((f) => f.payload.message as string)).toEqual([
      'query.resume.0: expected <conversationId>:<afterSeq>',
      'query.resume.1: afterSeq: expected a whole number from 0 to 9007199254740991',
      'query.resume: at most 100 conversations; send the others as resume frames',
    ]);
    // The 99 others taken (c0 to c98) are not the visitor's: each is refused as a resume frame would
    // be, its `ref` naming where it stood in the URL.
    await expect.poll(() => socket.of('error', (p) => p.code === 'ERR_NOT_FOUND').length).toBe(99);
    expect(socket.of('error', (p) => p.code === 'ERR_NOT_FOUND').map((f) => f.payload.ref)).toEqual(Array.from({ length: 99 }, (_, i) => `query.resume.${i + 4}`));

    // Each took a frame of the visitor's budget, shared by all its sockets: 50 are left of 150.
    const second = await SocketClient.open(running, { visitorId }, {}, Array.from({ length: 100 }, (_, i) => `&resume=n${i}:0`).join(''));
    sockets.push(second);
    expect(second.of('CONNECTION_ESTABLISHED')[0]!.payload.resumed).toBe(50);
    const limited = await second.waitFor((f) => f.type === 'error' && f.payload.code === 'ERR_RATE_LIMITED');
    expect(limited.payload.message).toMatch(/^Too many frames: resumes from n50 on were not taken; retry in \d+s$/);
    expect(second.ws.readyState).toBe(second.ws.OPEN);
  });

  it("charges a resume's backfill a frame per page of 100 items after the first, waiting for the budget rather than dropping an item", async () => {
    const running = await started({ ws: { frameRate: { perSecond: 0.5, burst: 2 } } });
    const api = new Api(running);
    const visitorId = await api.newVisitor();
    const conversationId = 'long-resume';
    await api.call('POST', '/v1/conversations', { visitorId }, { conversationId });
    const ids = Array.from({ length: 350 }, (_, i) => `${conversationId}-${i}`);
    await Promise.all(
      ids.map((id) =>
        running.store.appendItem({ id, conversationId, type: 'message', visibility: 'public', text: id, author: { kind: 'human', id: AGENT.agent }, createdAt: new Date().toISOString() } as never),
      ),
    );
    const socket = await open(running, { visitorId });
    const startedAt = Date.now();
    // Four pages: the frame pays for the first and the budget's second token for the next; the
    // other two wait two seconds each for a token.
    socket.send({ type: 'resume', payload: { conversationId, afterSeq: 0 }, ref: 'long' });
    const completed = await socket.waitFor((f) => f.type === 'resumeCompleted', 15_000);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3_900);
    const sent = socket.of('timelineItemCreated', (p) => p.conversationId === conversationId).map((f) => f.payload.item as { id: string; seq: number });
    expect(ids.filter((id) => !sent.some((item) => item.id === id))).toEqual([]);
    expect(sent.map((item) => item.seq)).toEqual([...sent.map((item) => item.seq)].sort((a, b) => a - b));
    expect(completed.payload).toEqual({ conversationId, throughSeq: sent.at(-1)!.seq, ref: 'long' });
    expect(socket.frames.indexOf(completed)).toBeGreaterThan(socket.frames.findIndex((f) => f.payload?.item?.seq === sent.at(-1)!.seq));
    // The budget is spent by the backfill: the next frame waits for it too.
    socket.send('ping');
    await socket.waitFor((f) => f.type === 'error' && f.payload.code === 'ERR_RATE_LIMITED');
  });

  it('takes in a connect URL every afterSeq a resume frame takes, and says which half of a refused resume is wrong', async () => {
    const running = await started({});
    const api = new Api(running);
    const visitorId = await api.newVisitor();
    await api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'url-resume-max' });
    const query = ['url-resume-max:9007199254740991', '..:1', 'url-resume-max:1.5', 'url-resume-max:9007199254740992'].map((r) => `&resume=${r}`).join('');
    const socket = await SocketClient.open(running, { visitorId }, {}, query);
    sockets.push(socket);
    expect(socket.of('CONNECTION_ESTABLISHED')[0]!.payload.resumed).toBe(1);
    await expect.poll(() => socket.of('error').map((f) => f.payload.message as string)).toEqual([
      'query.resume.1: conversationId: a path step (. or ..) is not an id',
      'query.resume.2: afterSeq: expected a whole number from 0 to 9007199254740991',
      'query.resume.3: afterSeq: expected a whole number from 0 to 9007199254740991',
    ]);
    expect(socket.of('error')[0]!.payload.details).toEqual({ fields: [{ path: 'query.resume.1', message: 'conversationId: a path step (. or ..) is not an id' }] });
  });
});
