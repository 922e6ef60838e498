import { connect } from 'node:net';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { AGENT, sleep, upgrade, type Frame } from './support/clients';
import { useTestApp } from './support/app';
import { DEFAULT_ASSISTANT_ID } from '../../runtime/seed';

const t = useTestApp({ ws: { heartbeatMs: 300, frameRate: { perSecond: 50, burst: 100 } } });

/** Sends `head` (a request line and headers) as it is written and resolves with all the server answered. */
function rawRequest(head: string): Promise<string> {
  const { port } = new URL(t.app.url);
  return new Promise<string>((resolve, reject) => {
    const raw = connect(Number(port), '127.0.0.1', () => raw.write(`${head}\r\n\r\n`));
    let received = '';
    raw.on('data', (chunk) => (received += chunk.toString()));
    raw.on('close', () => resolve(received));
    raw.on('error', reject);
  });
}

const HANDSHAKE = 'Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==';

describe('WebSocket /ws', () => {
  describe('#connect', () => {
    it('greets with CONNECTION_ESTABLISHED and answers ping with pong', async () => {
      const visitorId = await t.api.newVisitor();
      const socket = await t.open({ visitorId });
      expect(socket.frames[0]).toMatchObject({ type: 'CONNECTION_ESTABLISHED', payload: { visitorId } });
      expect(socket.frames[0]!.payload.connectionId).toEqual(expect.any(String));
      socket.send('ping');
      await expect.poll(() => socket.texts).toContain('pong');
    });

    it('refuses a connection without valid credentials over the socket, so a browser can tell it from an outage', async () => {
      const ws = new WebSocket(`${t.app.url.replace('http', 'ws')}/ws?publicKey=pk_nope&visitorId=x`);
      const frames: string[] = [];
      ws.on('message', (data) => frames.push(String(data)));
      const [code, reason] = await new Promise<[number, string]>((resolve) => ws.on('close', (closeCode, why) => resolve([closeCode, String(why)])));
      expect(code).toBe(4401);
      expect(reason).toBe("Unknown public key: check the widget's data-public-key (X-Public-Key)");
      expect(frames.map((text) => JSON.parse(text))).toEqual([{ type: 'error', payload: { code: 'ERR_UNAUTHENTICATED', message: "Unknown public key: check the widget's data-public-key (X-Public-Key)" } }]);
      const missing = await upgrade(t.app, '/ws');
      expect([missing.status, missing.error?.code]).toEqual([401, 'ERR_UNAUTHENTICATED']);
    });

    it("takes an agent's key from a bearer subprotocol, keeping it out of the URL, and answers only support.v1", async () => {
      const base = `${t.app.url.replace('http', 'ws')}/ws`;
      const opened = (url: string, protocols: string[]) =>
        new Promise<{ protocol: string; first: Frame; ws: WebSocket }>((resolve, reject) => {
          const ws = new WebSocket(url, protocols);
          ws.once('message', (data) => resolve({ protocol: ws.protocol, first: JSON.parse(String(data)) as Frame, ws }));
          ws.once('error', reject);
        });
      const agent = await opened(`${base}?actorUserId=${AGENT.agent}`, ['support.v1', `bearer.${t.app.keys.secretKey}`]);
      expect(agent.protocol).toBe('support.v1');
      expect(agent.first).toMatchObject({ type: 'CONNECTION_ESTABLISHED', payload: { userId: AGENT.agent } });
      agent.ws.close();
      const refused = await opened(base, ['support.v1', 'bearer.sk_not_the_key_0123456789']);
      expect(refused.protocol).toBe('support.v1');
      expect(refused.first).toEqual({ type: 'error', payload: { code: 'ERR_UNAUTHENTICATED', message: 'Unknown secret key' } });
    });

    it('refuses credentials sent twice, naming where, rather than pick one of them', async () => {
      const base = `${t.app.url.replace('http', 'ws')}/ws`;
      const key = encodeURIComponent(t.app.keys.secretKey);
      const refusal = (url: string, protocols: string[] = []) =>
        new Promise<{ code: number; first: Frame }>((resolve, reject) => {
          const ws = new WebSocket(url, protocols);
          let first: Frame | undefined;
          ws.once('message', (data) => (first = JSON.parse(String(data)) as Frame));
          ws.once('close', (code) => resolve({ code, first: first! }));
          ws.once('error', reject);
        });
      const cases: Array<[string, string[], string]> = [
        [`${base}?token=${key}&token=sk_another_0123456789&actorUserId=${AGENT.agent}`, [], 'query.token'],
        [`${base}?token=${key}&actorUserId=${AGENT.agent}&actorUserId=agent_sam`, [], 'query.actorUserId'],
        [`${base}?publicKey=${t.app.keys.publicKey}&visitorId=v_one&visitorId=v_two`, [], 'query.visitorId'],
        [`${base}?actorUserId=${AGENT.agent}`, ['support.v1', `bearer.${t.app.keys.secretKey}`, 'bearer.sk_another_0123456789'], 'headers.sec-websocket-protocol'],
        [`${base}?token=sk_another_0123456789&actorUserId=${AGENT.agent}`, ['support.v1', `bearer.${t.app.keys.secretKey}`], 'query.token'],
      ];
      for (const [url, protocols, path] of cases) {
        const { code, first } = await refusal(url, protocols);
        expect(code, path).toBe(4400);
        expect(first).toMatchObject({ type: 'error', payload: { code: 'ERR_INVALID_INPUT', details: { fields: [{ path, message: expect.any(String) }] } } });
      }
      // The same key in the query and in the subprotocol is one key.
      const both = new WebSocket(`${base}?token=${key}&actorUserId=${AGENT.agent}`, ['support.v1', `bearer.${t.app.keys.secretKey}`]);
      const greeting = await new Promise<Frame>((resolve) => both.once('message', (data) => resolve(JSON.parse(String(data)) as Frame)));
      expect(greeting).toMatchObject({ type: 'CONNECTION_ESTABLISHED', payload: { userId: AGENT.agent } });
      both.close();
    });

    it('answers a plain GET /ws, without Upgrade, with 426 Upgrade Required naming WebSocket', async () => {
      for (const method of ['GET', 'HEAD']) {
        const res = await t.api.call(method, '/ws?publicKey=pk_any&visitorId=v', {});
        expect(res.status, method).toBe(426);
        expect(res.headers.get('upgrade'), method).toBe('websocket');
        expect(res.headers.get('cache-control'), method).toBe('no-store');
        if (method === 'GET') expect(res.body.error).toEqual({ code: 'ERR_UPGRADE_REQUIRED', message: expect.stringContaining('WebSocket') });
      }
      // The server still serves after it, on that connection too.
      expect((await t.api.call('GET', '/v1/health', {})).status).toBe(200);
      const posted = await t.api.call('POST', '/ws', {});
      expect([posted.status, posted.headers.get('allow')]).toEqual([405, 'GET, HEAD, OPTIONS']);
    });

    it('keeps a client’s Connection: close on the 426, and closes the connection after it', async () => {
      const answer = await Promise.race([rawRequest('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: close'), sleep(2_000).then(() => 'still open')]);
      expect(answer).toMatch(/^HTTP\/1\.1 426 /);
      expect(answer).toMatch(/\r\nConnection: Upgrade, close\r\n/i);
    });

    it('answers an upgrade with an unparsable request target with 400 and keeps serving', async () => {
      const answer = await rawRequest(`GET //[ HTTP/1.1\r\nHost: x\r\n${HANDSHAKE}`);
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect((await t.api.call('GET', '/v1/health', AGENT)).status).toBe(200);
    });

    it('refuses a malformed handshake before reading its credentials, with a JSON error naming the header', async () => {
      const refusal = async (head: string) => {
        const answer = await rawRequest(head);
        const [, status] = /^HTTP\/1\.1 (\d+) /.exec(answer) ?? [];
        return { status: Number(status), headers: answer.split('\r\n\r\n')[0]!, body: JSON.parse(answer.split('\r\n\r\n')[1]!) };
      };
      const fieldOf = (body: any) => body.error.details.fields.map((f: { path: string }) => f.path);
      // Credentials that would be refused (over the socket) are not looked at: the handshake is at fault first.
      const badKey = await refusal(`GET /ws?publicKey=pk_nope&visitorId=x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: short`);
      expect([badKey.status, badKey.body.error.code, fieldOf(badKey.body)]).toEqual([400, 'ERR_INVALID_INPUT', ['headers.sec-websocket-key']]);
      const oldVersion = await refusal(`GET /ws?publicKey=pk_nope&visitorId=x HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 7\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==`);
      expect([oldVersion.status, fieldOf(oldVersion.body)]).toEqual([400, ['headers.sec-websocket-version']]);
      expect(oldVersion.headers).toMatch(/\r\nSec-WebSocket-Version: 13, 8\r\n/);
      // Host, as an HTTP/1.1 request must send it (Node checks it for requests, not upgrades).
      const hostless = await refusal(`GET /ws?publicKey=pk_nope&visitorId=x HTTP/1.1\r\n${HANDSHAKE}`);
      expect([hostless.status, fieldOf(hostless.body)]).toEqual([400, ['headers.host']]);
      // A subprotocol list that is no list, from a caller whose credentials stand.
      const credentials = `publicKey=${encodeURIComponent(t.app.keys.publicKey)}&visitorId=handshake-1`;
      const badProtocols = await refusal(`GET /ws?${credentials} HTTP/1.1\r\nHost: x\r\n${HANDSHAKE}\r\nSec-WebSocket-Protocol: support.v1, a@b`);
      expect([badProtocols.status, badProtocols.body.error.code]).toEqual([400, 'ERR_INVALID_INPUT']);
      expect(badProtocols.body.error.message).toContain('Sec-WebSocket-Protocol');
      expect(fieldOf(badProtocols.body)).toEqual(['headers.sec-websocket-protocol']);
    });

    it('tells a request that asks to upgrade to anything but WebSocket (curl --http2 asks for h2c) to leave Upgrade out, on any path', async () => {
      const h2c = await rawRequest('GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA');
      expect(h2c).toMatch(/^HTTP\/1\.1 400 /);
      const body = JSON.parse(h2c.split('\r\n\r\n')[1]!);
      expect(body.error.details.fields).toEqual([{ path: 'headers.upgrade', message: expect.stringContaining('without Upgrade') }]);
    });
  });

  describe('#bad frames', () => {
    it('answers a frame over the size limit with an error frame and keeps the socket open', async () => {
      const visitorId = await t.api.newVisitor();
      const socket = await t.open({ visitorId });
      socket.send(JSON.stringify({ type: 'conversationTyping', payload: { conversationId: 'x'.repeat(70 * 1024), isTyping: true } }));
      const error = await socket.waitFor((f) => f.type === 'error');
      expect(error.payload.code).toBe('ERR_PAYLOAD_TOO_LARGE');
      socket.send('ping');
      await expect.poll(() => socket.texts).toContain('pong');
    });

    it('answers malformed, unknown and forbidden frames with error frames and keeps serving', async () => {
      const visitorId = await t.api.newVisitor();
      await t.api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'frames-1' });
      const socket = await t.open({ visitorId });
      const junk = ['{', 'null', '[]', '{"type":"nope","payload":{}}', '{"type":"resume","payload":{"conversationId":"frames-1","afterSeq":-1}}', '\u0000\u0001'];
      for (let i = 0; i < 60; i++) socket.send(junk[i % junk.length]);
      socket.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      socket.ws.send(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), { binary: false }); // a text frame that is not UTF-8
      socket.send({ type: 'conversationTyping', payload: { conversationId: 'someone-elses', isTyping: true } });
      await socket.waitFor((f) => f.type === 'error' && f.payload.code === 'ERR_NOT_FOUND');
      expect(socket.of('error').length).toBeGreaterThanOrEqual(60);
      expect(socket.of('error', (p) => p.message === 'Frames are UTF-8 text')).toHaveLength(1);
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);

      // Still serving: this socket and the REST API.
      const posted = await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'frames-1', item: { id: 'frames-1-m', type: 'message', text: 'still here' } });
      expect(posted.status).toBe(201);
      await socket.itemFrame('frames-1-m');
    });

    it('says in each error frame what was wrong, every failing field in details as a REST 400 names them', async () => {
      const socket = await t.open({ visitorId: await t.api.newVisitor() });
      const next = async (send: () => void) => {
        const before = socket.of('error').length;
        send();
        await expect.poll(() => socket.of('error').length).toBe(before + 1);
        return socket.of('error').at(-1)!.payload;
      };
      // JSON, but not an object: the frame is at fault, not its `type`.
      const array = await next(() => socket.send('[]'));
      expect(array.message).toMatch(/^Invalid frame: frame: /);
      expect(array.details.fields).toEqual([{ path: 'frame', message: expect.stringContaining('expected object') }]);
      const twoFaults = await next(() => socket.send({ type: 'resume', payload: { conversationId: '', afterSeq: -1 }, ref: 'two-faults' }));
      expect(twoFaults.ref).toBe('two-faults');
      expect(twoFaults.details.fields.map((f: { path: string }) => f.path)).toEqual(['payload.conversationId', 'payload.afterSeq']);
      expect(twoFaults.message).toContain('payload.afterSeq');
      const binary = await next(() => socket.ws.send(Buffer.from('{"type":"conversationSeen","payload":{"conversationId":"x"}}'), { binary: true }));
      expect(binary.message).toMatch(/^Binary frames are not read/);
      expect(binary.details.fields).toEqual([{ path: 'frame', message: binary.message }]);
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);

      // A refused upgrade's frame carries them too.
      const ws = new WebSocket(`${t.app.url.replace('http', 'ws')}/ws?publicKey=${encodeURIComponent(t.app.keys.publicKey)}&visitorId=${encodeURIComponent('not a visitor id')}`);
      const refused = await new Promise<Frame>((resolve) => ws.once('message', (data) => resolve(JSON.parse(String(data)) as Frame)));
      expect(refused.payload).toMatchObject({ code: 'ERR_INVALID_INPUT', details: { fields: [{ path: 'visitorId', message: expect.any(String) }] } });
    });

    it('says which team member a read-only socket lacks, by the name the socket gives it', async () => {
      const visitorId = await t.api.newVisitor();
      await t.api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'read-only-1' });
      const readOnly = await t.open({ agent: null });
      readOnly.send({ type: 'conversationTyping', payload: { conversationId: 'read-only-1', isTyping: true } });
      const refused = await readOnly.waitFor((f) => f.type === 'error');
      expect(refused.payload).toMatchObject({ code: 'ERR_FORBIDDEN', message: expect.stringContaining('actorUserId') });
    });

    it('names the frame an error is about by the ref the client gave it', async () => {
      const visitorId = await t.api.newVisitor();
      await t.api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'frames-ref' });
      const socket = await t.open({ visitorId });
      socket.send({ type: 'conversationSeen', payload: { conversationId: 'frames-ref' }, ref: 'ok-1' });
      socket.send({ type: 'resume', payload: { conversationId: 'someone-elses', afterSeq: 0 }, ref: 'not-mine' });
      socket.send({ type: 'resume', payload: { conversationId: 'frames-ref', afterSeq: -1 }, ref: 'bad-seq' });
      socket.send({ type: 'conversationSeen', payload: { conversationId: 'frames-ref' }, ref: 'x'.repeat(65) });
      socket.send({ type: 'resume', payload: { conversationId: 'someone-elses', afterSeq: 0 } });
      await expect.poll(() => socket.of('error').length).toBe(4);
      // Frames refused as malformed are answered as they arrive, the others in turn: compared in no order.
      const answered = socket.of('error').map((f) => `${f.payload.code} ${f.payload.ref ?? '(none)'}`);
      expect(answered.sort()).toEqual(['ERR_INVALID_INPUT (none)', 'ERR_INVALID_INPUT bad-seq', 'ERR_NOT_FOUND (none)', 'ERR_NOT_FOUND not-mine']);
      expect(socket.of('error', (p) => p.code === 'ERR_INVALID_INPUT' && p.ref === undefined)[0]!.payload.message).toContain('ref');
    });

    it('rate limits a frame flood with error frames', async () => {
      const socket = await t.open({ visitorId: await t.api.newVisitor() });
      for (let i = 0; i < 300; i++) socket.send('{');
      const limited = await socket.waitFor((f) => f.type === 'error' && f.payload.code === 'ERR_RATE_LIMITED');
      expect(limited.payload.details).toEqual({ retryAfterSeconds: expect.any(Number) });
      expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    });
  });

  describe('#typing', () => {
    it('relays typing to the other side and expires it after 6 s without a refresh', async () => {
      const visitorId = await t.api.newVisitor();
      await t.api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'typing-1' });
      const visitor = await t.open({ visitorId });
      const agent = await t.open(AGENT);
      const started = Date.now();
      visitor.send({ type: 'conversationTyping', payload: { conversationId: 'typing-1', isTyping: true } });
      await agent.waitFor((f) => f.type === 'conversationTyping' && f.payload.isTyping === true && f.payload.actorId === visitorId);
      // The sender's own socket does not hear its typing.
      expect(visitor.of('conversationTyping')).toEqual([]);
      const stopped = await agent.waitFor((f) => f.type === 'conversationTyping' && f.payload.isTyping === false, 9_000);
      expect(stopped.payload).toEqual({ conversationId: 'typing-1', actorType: 'visitor', actorId: visitorId, isTyping: false });
      expect(Date.now() - started).toBeGreaterThanOrEqual(5_800);

      const rest = await t.api.call('POST', '/v1/conversations/typing-1/typing', AGENT, { isTyping: true });
      expect(rest.body).toEqual({ conversationId: 'typing-1', isTyping: true });
      await visitor.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorType === 'human');
    });

    it("does not show a typist's typing on its own other tabs", async () => {
      const visitorId = await t.api.newVisitor();
      await t.api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'typing-tabs' });
      const [visitorTab, otherVisitorTab] = [await t.open({ visitorId }), await t.open({ visitorId })];
      const [agentTab, otherAgentTab, colleague] = [await t.open(AGENT), await t.open(AGENT), await t.open({ agent: null })];
      visitorTab.send({ type: 'conversationTyping', payload: { conversationId: 'typing-tabs', isTyping: true } });
      agentTab.send({ type: 'conversationTyping', payload: { conversationId: 'typing-tabs', isTyping: true } });
      await visitorTab.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorType === 'human');
      await colleague.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorType === 'human');
      await agentTab.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorType === 'visitor');
      await colleague.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorType === 'visitor');
      await otherVisitorTab.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorType === 'human');
      await otherAgentTab.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorType === 'visitor');
      // Each event went to every socket at once; a moment for any stray frame to arrive.
      await sleep(100);
      expect(otherVisitorTab.of('conversationTyping').map((f) => f.payload.actorType)).toEqual(['human']);
      expect(otherAgentTab.of('conversationTyping').map((f) => f.payload.actorType)).toEqual(['visitor']);
    });

    it("ends the author's typing indicator when their item arrives, right after it", async () => {
      const visitorId = await t.api.newVisitor();
      await t.api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'typing-2' });
      const agent = await t.open(AGENT);
      await t.api.call('POST', '/v1/conversations/typing-2/typing', { visitorId }, { isTyping: true });
      await agent.waitFor((f) => f.type === 'conversationTyping' && f.payload.conversationId === 'typing-2' && f.payload.isTyping === true);
      const started = Date.now();
      await t.api.call('POST', '/v1/messages', { visitorId }, { conversationId: 'typing-2', item: { id: 'typing-2-m', type: 'message', text: 'done typing' } });
      const stopped = await agent.waitFor(
        (f) => f.type === 'conversationTyping' && f.payload.conversationId === 'typing-2' && f.payload.actorType === 'visitor' && f.payload.isTyping === false,
        10_000,
      );
      expect(stopped.payload).toEqual({ conversationId: 'typing-2', actorType: 'visitor', actorId: visitorId, isTyping: false });
      // Not the 6 s expiry (with room for a loaded machine's slow request).
      expect(Date.now() - started).toBeLessThan(5_500);
      // The frame before the stop is the item (the AI's turn, about 1.5 s after the message, may have added frames since).
      const frames = agent.frames.filter((f) => f.payload?.conversationId === 'typing-2');
      const stop = frames.indexOf(stopped);
      expect(frames.slice(stop - 1, stop + 1).map((f) => f.type)).toEqual(['timelineItemCreated', 'conversationTyping']);
      expect(frames[stop - 1]?.payload.item.id).toBe('typing-2-m');
    });

    it("keeps the author's typing indicator through items of theirs that are not what they type (a tag they add), and ends it with their message", async () => {
      const visitorId = await t.api.newVisitor();
      await t.api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'typing-5' });
      const visitor = await t.open({ visitorId });
      const agentStopped = (f: Frame) => f.type === 'conversationTyping' && f.payload.conversationId === 'typing-5' && f.payload.actorType === 'human' && f.payload.isTyping === false;
      await t.api.call('POST', '/v1/conversations/typing-5/typing', AGENT, { isTyping: true });
      await visitor.waitFor((f) => f.type === 'conversationTyping' && f.payload.conversationId === 'typing-5' && f.payload.isTyping === true);
      expect((await t.api.call('POST', '/v1/conversations/typing-5/tags', AGENT, { add: ['vip'] })).status).toBe(200);
      // Items are relayed in order: once the visitor has its own message, written after the tag, a stop the tag made would have come.
      await t.api.call('POST', '/v1/messages', { visitorId }, { conversationId: 'typing-5', item: { id: 'typing-5-m', type: 'message', text: 'Still there?' } });
      await visitor.waitFor((f) => f.type === 'timelineItemCreated' && f.payload.item.id === 'typing-5-m');
      expect(visitor.frames.filter(agentStopped)).toEqual([]);
      await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'typing-5', item: { type: 'message', text: 'On it' } });
      await visitor.waitFor(agentStopped);
    });

    it('acts on the latest of the typing frames a socket sends while earlier ones wait, not on each (a burst leaves no backlog of stale indicators)', async () => {
      const visitorId = await t.api.newVisitor();
      await t.api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'typing-3' });
      const visitor = await t.open({ visitorId });
      const agent = await t.open(AGENT);
      // Alternating, so each frame would change the indicator if handled on its own.
      for (let i = 0; i < 40; i++) visitor.send({ type: 'conversationTyping', payload: { conversationId: 'typing-3', isTyping: i % 2 === 0 } });
      visitor.send({ type: 'conversationTyping', payload: { conversationId: 'typing-3', isTyping: true } });
      await agent.waitFor((f) => f.type === 'conversationTyping' && f.payload.conversationId === 'typing-3' && f.payload.isTyping === true);
      const heard = () => agent.of('conversationTyping', (p) => p.conversationId === 'typing-3');
      await expect.poll(() => heard().at(-1)?.payload.isTyping).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard().at(-1)?.payload.isTyping).toBe(true);
      expect(heard().length).toBeLessThanOrEqual(4);
    });
    it('tells the other side the typist stopped when its socket closes, and says a stop only once', async () => {
      const visitorId = await t.api.newVisitor();
      await t.api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'typing-4' });
      const visitor = await t.open({ visitorId });
      const agent = await t.open(AGENT);
      visitor.send({ type: 'conversationTyping', payload: { conversationId: 'typing-4', isTyping: true } });
      await agent.waitFor((f) => f.type === 'conversationTyping' && f.payload.conversationId === 'typing-4' && f.payload.isTyping === true);
      const closedAt = Date.now();
      await visitor.close();
      await agent.waitFor((f) => f.type === 'conversationTyping' && f.payload.conversationId === 'typing-4' && f.payload.isTyping === false, 10_000);
      expect(Date.now() - closedAt).toBeLessThan(5_500); // not the 6 s expiry (with room for a loaded machine)

      // A stop for an indicator already off is nobody's news.
      await t.api.call('POST', '/v1/conversations/typing-4/typing', { visitorId }, { isTyping: false });
      await t.api.call('POST', '/v1/conversations/typing-4/typing', AGENT, { isTyping: true });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(agent.of('conversationTyping', (p) => p.conversationId === 'typing-4' && p.isTyping === false)).toHaveLength(1);
    });
  });

  describe('#seen', () => {
    it('records seen receipts, resets unread counts and tells the other side', async () => {
      const visitorId = await t.api.newVisitor();
      await t.api.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'seen-1' });
      // Joined first: a first message would have the workflow record the join after it, maybe after the seen receipt.
      await t.api.call('POST', '/v1/conversations/seen-1/participants', AGENT, { userId: AGENT.agent });
      await t.api.call('POST', '/v1/messages', AGENT, { conversationId: 'seen-1', item: { type: 'message', text: 'hello' } });
      const before = await t.api.call('GET', '/v1/conversations', { visitorId });
      expect(before.body.conversations[0].unreadCount).toBeGreaterThanOrEqual(1);
      // One conversation read alone gives the caller's count too (a page meeting it outside its list).
      const one = await t.api.call('GET', '/v1/conversations/seen-1', { visitorId });
      expect(one.body.conversation.unreadCount).toBe(before.body.conversations[0].unreadCount);
      const agent = await t.open(AGENT);
      const visitor = await t.open({ visitorId });
      visitor.send({ type: 'conversationSeen', payload: { conversationId: 'seen-1' } });
      const seen = await agent.waitFor((f) => f.type === 'conversationSeen' && f.payload.conversationId === 'seen-1');
      expect(seen.payload).toMatchObject({ actorType: 'visitor', actorId: visitorId, lastSeenAt: expect.any(String) });
      const after = await t.api.call('GET', '/v1/conversations', { visitorId });
      expect(after.body.conversations[0].unreadCount).toBe(0);
      expect((await t.api.call('GET', '/v1/conversations/seen-1', { visitorId })).body.conversation.unreadCount).toBe(0);
      const rest = await t.api.call('POST', '/v1/conversations/seen-1/seen', AGENT);
      expect(rest.body).toMatchObject({ conversationId: 'seen-1', lastSeenAt: expect.any(String) });
      await visitor.waitFor((f) => f.type === 'conversationSeen' && f.payload.actorType === 'human');
    });
  });

  describe('#presence', () => {
    it('tells agents (only) when visitors and team members come and go, and shows who is online', async () => {
      await t.closeSockets();
      const watcher = await t.open({ agent: null });
      const visitorId = await t.api.newVisitor();
      const visitor = await t.open({ visitorId });
      await watcher.waitFor((f) => f.type === 'visitorConnected' && f.payload.visitorId === visitorId);
      await visitor.close();
      await watcher.waitFor((f) => f.type === 'visitorDisconnected' && f.payload.visitorId === visitorId);

      // A backend's socket acting as the AI assistant gives no presence: the assistant is always online.
      const assistant = await t.open({ agent: DEFAULT_ASSISTANT_ID });
      await assistant.close();
      const alex = await t.open(AGENT);
      const arrival = await watcher.waitFor((f) => f.type === 'userConnected' && f.payload.userId === AGENT.agent);
      expect(watcher.frames.filter((f) => /^user(Dis)?[cC]onnected$/.test(f.type) && f.payload.userId === DEFAULT_ASSISTANT_ID)).toEqual([]);
      const team = await t.api.call('GET', '/v1/team', { agent: null });
      expect(team.body.members).toContainEqual(expect.objectContaining({ id: AGENT.agent, kind: 'human', online: true }));
      expect(team.body.members).toContainEqual(expect.objectContaining({ kind: 'ai', online: true }));
      await alex.close();
      // After the arrival: the departure of an earlier test's socket for this agent may have come after the watcher opened.
      const after = (f: Frame) => watcher.frames.indexOf(f) > watcher.frames.indexOf(arrival);
      await watcher.waitFor((f) => f.type === 'userDisconnected' && f.payload.userId === AGENT.agent && after(f));
      const later = await t.api.call('GET', '/v1/team', { agent: null });
      expect(later.body.members).toContainEqual(expect.objectContaining({ id: AGENT.agent, online: false }));

      const otherVisitor = await t.open({ visitorId: await t.api.newVisitor() });
      await sleep(300);
      expect(otherVisitor.frames.map((f) => f.type).filter((t) => /Connected|Disconnected/.test(t))).toEqual([]);
    });

    it('tells a socket opened later who is online already, and a visitor nobody else', async () => {
      await t.closeSockets();
      const watcher = await t.open({ agent: null });
      const visitorId = await t.api.newVisitor();
      const visitor = await t.open({ visitorId });
      const alex = await t.open(AGENT);
      await watcher.waitFor((f) => f.type === 'visitorConnected' && f.payload.visitorId === visitorId);
      await watcher.waitFor((f) => f.type === 'userConnected' && f.payload.userId === AGENT.agent);
      const late = await t.open({ agent: null });
      const established = await late.waitFor((f) => f.type === 'CONNECTION_ESTABLISHED');
      expect(established.payload.online).toEqual({ visitorIds: [visitorId], userIds: [AGENT.agent] });
      const [own] = visitor.of('CONNECTION_ESTABLISHED');
      expect(own?.payload).not.toHaveProperty('online');
      await visitor.close();
      await late.waitFor((f) => f.type === 'visitorDisconnected' && f.payload.visitorId === visitorId);
      const later = await t.open({ agent: null });
      expect((await later.waitFor((f) => f.type === 'CONNECTION_ESTABLISHED')).payload.online).toEqual({ visitorIds: [], userIds: [AGENT.agent] });
      await alex.close();
    });

    it('learns who another instance holds from its restatements, and forgets them when it falls silent', async () => {
      const watcher = await t.open({ agent: null });
      const websiteId = t.app.websiteId;
      // Another instance, as heard through the store: it restates a visitor, and announces a team member.
      await t.app.store.publishEphemeral({ websiteId, visibility: 'private', type: 'presenceRestated', payload: { instanceId: 'inst_elsewhere', seq: 1, people: [{ kind: 'visitor', id: 'vis_elsewhere' }] } });
      await t.app.store.publishEphemeral({ websiteId, visibility: 'private', type: 'presence', payload: { kind: 'user', id: 'usr_elsewhere', online: true, instanceId: 'inst_elsewhere', seq: 2 } });
      await watcher.waitFor((f) => f.type === 'visitorConnected' && f.payload.visitorId === 'vis_elsewhere');
      await watcher.waitFor((f) => f.type === 'userConnected' && f.payload.userId === 'usr_elsewhere');
      // It says nothing more (it died): after three heartbeats (300 ms here) both are gone.
      await watcher.waitFor((f) => f.type === 'visitorDisconnected' && f.payload.visitorId === 'vis_elsewhere', 5_000);
      await watcher.waitFor((f) => f.type === 'userDisconnected' && f.payload.userId === 'usr_elsewhere', 5_000);
      // This instance restates its own people, so they stay.
      const here = await t.open({ visitorId: await t.api.newVisitor() });
      await sleep(1_500);
      expect(watcher.of('visitorDisconnected', (p) => p.visitorId !== 'vis_elsewhere')).toEqual([]);
      await here.close();
    });

    it('ends a socket that misses a heartbeat', async () => {
      const ws = new WebSocket(`${t.app.url.replace('http', 'ws')}/ws?publicKey=${t.app.keys.publicKey}&visitorId=silent`, { autoPong: false });
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      expect(await closed).toBe(1006);
    });
  });
});
