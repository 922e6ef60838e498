import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApp } from '../../runtime/app';
import { userHashOf } from '../../server/services/identity';
import { AGENT, Api, SocketClient, sleep, waitUntil } from './support/clients';
import { startTestApp } from './support/app';

let first: RunningApp;
let second: RunningApp;
const sockets: SocketClient[] = [];

beforeAll(async () => {
  const database = { MONGODB_DB: `test_multi_${process.pid}_${Date.now()}` };
  first = await startTestApp(undefined, { env: database });
  // A second server instance on the same store; the workflow engine is shared, as a Temporal cluster would be.
  second = await startTestApp(undefined, { engine: first.engine, env: { ...database, MONGODB_URI: first.mongoUri } });
});
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  await second?.close();
  await first?.close();
});

describe('Two server instances sharing one store', () => {
  describe('#events', () => {
    it('reach every socket on either instance exactly once', async () => {
      expect(second.keys).toEqual(first.keys);
      const api1 = new Api(first);
      const api2 = new Api(second);
      const visitorId = await api1.newVisitor();
      const onFirst = await SocketClient.open(first, { visitorId });
      const onSecond = await SocketClient.open(second, { visitorId });
      const agentOnFirst = await SocketClient.open(first, AGENT);
      const agentOnSecond = await SocketClient.open(second, AGENT);
      sockets.push(onFirst, onSecond, agentOnFirst, agentOnSecond);

      await api1.call('POST', '/v1/conversations', { visitorId }, { conversationId: 'multi-1' });
      const ids = Array.from({ length: 10 }, (_, i) => `multi-1-${i}`);
      for (const [i, id] of ids.entries()) {
        const api = i % 2 === 0 ? api1 : api2;
        const who = i % 3 === 0 ? AGENT : { visitorId };
        expect((await api.call('POST', '/v1/messages', who, { conversationId: 'multi-1', item: { id, type: 'message', text: `m${i}` } })).status).toBe(201);
      }
      await api2.call('POST', '/v1/messages', AGENT, { conversationId: 'multi-1', item: { id: 'multi-1-note', type: 'note', text: 'private' } });

      for (const socket of [onFirst, onSecond, agentOnFirst, agentOnSecond]) {
        for (const id of ids) await socket.itemFrame(id);
      }
      await agentOnFirst.itemFrame('multi-1-note');
      await agentOnSecond.itemFrame('multi-1-note');
      await sleep(300);
      for (const socket of [onFirst, onSecond, agentOnFirst, agentOnSecond]) {
        const seqs = socket.of('timelineItemCreated', (p) => p.conversationId === 'multi-1').map((f) => f.payload.item.seq);
        expect(new Set(seqs).size).toBe(seqs.length);
      }
      expect(onSecond.of('timelineItemCreated').map((f) => f.payload.item.id)).not.toContain('multi-1-note');

      // Ephemeral events cross instances too.
      onFirst.send({ type: 'conversationTyping', payload: { conversationId: 'multi-1', isTyping: true } });
      await agentOnSecond.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorId === visitorId);
      await onSecond.waitFor((f) => f.type === 'conversationTyping' && f.payload.actorId === visitorId);
    });
  });

  describe('#presence', () => {
    it('tells agents a visitor left only when its last socket on any instance closes', async () => {
      const visitorId = await new Api(first).newVisitor();
      const agent = await SocketClient.open(first, AGENT);
      sockets.push(agent);
      const presenceOf = () => agent.of('visitorConnected', (p) => p.visitorId === visitorId).length + agent.of('visitorDisconnected', (p) => p.visitorId === visitorId).length;
      const onFirst = await SocketClient.open(first, { visitorId });
      await agent.waitFor((f) => f.type === 'visitorConnected' && f.payload.visitorId === visitorId);
      const onSecond = await SocketClient.open(second, { visitorId });
      await onFirst.close();
      await sleep(500);
      expect(presenceOf()).toBe(1); // still there, through the second instance
      await onSecond.close();
      await agent.waitFor((f) => f.type === 'visitorDisconnected' && f.payload.visitorId === visitorId);
      expect(presenceOf()).toBe(2);
    });
  });

  describe('#identify', () => {
    it("lets a visitor identified on one instance read its contact's conversations on the other at once", async () => {
      const [api1, api2] = [new Api(first), new Api(second)];
      const phone = { visitorId: await api1.newVisitor() };
      const laptop = { visitorId: await api1.newVisitor() };
      const externalId = `multi-user-${Date.now()}`;
      const userHash = userHashOf(first.keys.identitySecret, externalId);
      await api1.call('POST', '/v1/conversations', phone, { conversationId: 'multi-contact' });
      expect((await api1.call('POST', '/v1/contacts/identify', phone, { externalId, userHash })).status).toBe(200);
      // The second instance knows the laptop (and caches it) before the first links it to the contact.
      expect((await api2.call('GET', '/v1/conversations', laptop)).body.conversations).toEqual([]);
      expect((await api1.call('POST', '/v1/contacts/identify', laptop, { externalId, userHash })).status).toBe(200);
      const listed = await waitUntil(
        async () => (await api2.call('GET', '/v1/conversations', laptop)).body.conversations.map((c: { id: string }) => c.id),
        (ids: string[]) => ids.includes('multi-contact'),
        2_000, // well under the visitor cache's lifetime: the link itself must reach the other instance
      );
      expect(listed).toEqual(['multi-contact']);
    });
  });
});
