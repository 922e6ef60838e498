/** Seen receipts up to the item a client shows (`seq`), over REST and `/ws`, against a real server. */
import { describe, expect, it } from 'vitest';
import { AGENT } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

/** A visitor's conversation with an agent on it (so the AI assistant stays out of the counts). */
async function conversationWithAgent(conversationId: string) {
  const visitor = { visitorId: await t.api.newVisitor() };
  await t.api.call('POST', '/v1/conversations', visitor, { conversationId });
  // Joined first: a first message would have the workflow record the join after it.
  await t.api.call('POST', '/v1/conversations/' + conversationId + '/participants', AGENT, { userId: AGENT.agent });
  const post = async (who: typeof visitor | typeof AGENT, id: string, type = 'message') => {
    const answer = await t.api.call('POST', '/v1/messages', who, { conversationId, item: { id, type, text: id } });
    expect(answer.status).toBe(201);
    return answer.body.item.seq as number;
  };
  const unread = async (who: typeof visitor | typeof AGENT) => {
    const listed = await t.api.call('GET', '/v1/conversations', who);
    return listed.body.conversations.find((c: { id: string }) => c.id === conversationId).unreadCount as number;
  };
  const badge = async () => (await t.api.call('GET', '/v1/websites', visitor)).body.visitor.unreadConversationCount as number;
  return { visitor, post, unread, badge };
}

describe('Seen receipts up to a seq', () => {
  describe('#conversationSeen frame', () => {
    it('leaves a reply the visitor had not shown unread, and tells the agents the seq marked', async () => {
      const { visitor, post, unread, badge } = await conversationWithAgent('seenseq-1');
      const visitorSocket = await t.open(visitor);
      const agentSocket = await t.open(AGENT);
      const shown = await post(AGENT, 'seenseq-1-a');
      await visitorSocket.itemFrame('seenseq-1-a');
      // Stored while the widget still shows `shown`: it has not been seen.
      await post(AGENT, 'seenseq-1-b');
      visitorSocket.send({ type: 'conversationSeen', payload: { conversationId: 'seenseq-1', seq: shown } });
      const told = await agentSocket.waitFor((f) => f.type === 'conversationSeen' && f.payload.conversationId === 'seenseq-1');
      expect(told.payload).toMatchObject({ actorType: 'visitor', actorId: visitor.visitorId, lastSeenSeq: shown });
      expect(await unread(visitor)).toBe(1);
      expect(await badge()).toBe(1);
      expect((await t.api.call('GET', '/v1/conversations/seenseq-1', visitor)).body.conversation.unreadCount).toBe(1);
    });

    it('refuses a seq that is not a whole number from 1 with an error frame naming it, and marks nothing', async () => {
      const { visitor, post, unread } = await conversationWithAgent('seenseq-2');
      await post(AGENT, 'seenseq-2-a');
      const socket = await t.open(visitor);
      socket.send({ type: 'conversationSeen', payload: { conversationId: 'seenseq-2', seq: 0 }, ref: 'zero' });
      socket.send({ type: 'conversationSeen', payload: { conversationId: 'seenseq-2', seq: 1.5 }, ref: 'half' });
      await expect.poll(() => socket.of('error').length).toBe(2);
      for (const { payload } of socket.of('error')) {
        expect(payload).toMatchObject({ code: 'ERR_INVALID_INPUT', details: { fields: [{ path: 'payload.seq' }] } });
      }
      expect(await unread(visitor)).toBe(1);
    });

    it('marks everything without a seq, as before', async () => {
      const { visitor, post, unread } = await conversationWithAgent('seenseq-3');
      await post(AGENT, 'seenseq-3-a');
      await post(AGENT, 'seenseq-3-b');
      const visitorSocket = await t.open(visitor);
      const agentSocket = await t.open(AGENT);
      visitorSocket.send({ type: 'conversationSeen', payload: { conversationId: 'seenseq-3' } });
      await agentSocket.waitFor((f) => f.type === 'conversationSeen' && f.payload.conversationId === 'seenseq-3');
      expect(await unread(visitor)).toBe(0);
    });

    it("counts an agent's listing from the agent's mark, and keeps its seq (maybe a note's) from the visitor", async () => {
      const { visitor, post, unread } = await conversationWithAgent('seenseq-4');
      const read = await post(visitor, 'seenseq-4-q1');
      await post(visitor, 'seenseq-4-q2');
      const visitorSocket = await t.open(visitor);
      const agentSocket = await t.open(AGENT);
      agentSocket.send({ type: 'conversationSeen', payload: { conversationId: 'seenseq-4', seq: read } });
      const toAgents = await agentSocket.waitFor((f) => f.type === 'conversationSeen' && f.payload.conversationId === 'seenseq-4');
      expect(toAgents.payload).toMatchObject({ actorType: 'human', lastSeenSeq: read });
      expect(await unread(AGENT)).toBe(1);
      const toVisitor = await visitorSocket.waitFor((f) => f.type === 'conversationSeen' && f.payload.conversationId === 'seenseq-4');
      expect(toVisitor.payload).toEqual({ conversationId: 'seenseq-4', actorType: 'human', actorId: AGENT.agent, lastSeenAt: expect.any(String) });
    });
  });

  describe('POST /v1/conversations/:id/seen', () => {
    it('marks up to the seq given, clamps one beyond the end to the newest item the caller may see, and never goes back', async () => {
      const { visitor, post, unread, badge } = await conversationWithAgent('seenseq-5');
      const shown = await post(AGENT, 'seenseq-5-a');
      const unshown = await post(AGENT, 'seenseq-5-b');
      const marked = await t.api.call('POST', '/v1/conversations/seenseq-5/seen', visitor, { seq: shown });
      expect(marked.status).toBe(200);
      expect(marked.body).toMatchObject({ conversationId: 'seenseq-5', lastSeenAt: expect.any(String), lastSeenSeq: shown });
      expect(await unread(visitor)).toBe(1);
      expect(await badge()).toBe(1);

      const note = await post(AGENT, 'seenseq-5-note', 'note');
      const beyond = await t.api.call('POST', '/v1/conversations/seenseq-5/seen', visitor, { seq: 99_999 });
      expect(beyond.status).toBe(200);
      // The newest item the visitor sees (the workflow may have recorded an event since), never the note.
      expect(beyond.body.lastSeenSeq).toBeGreaterThanOrEqual(unshown);
      expect(beyond.body.lastSeenSeq).toBeLessThan(note);
      expect(await unread(visitor)).toBe(0);
      expect(await badge()).toBe(0);
      expect((await t.api.call('POST', '/v1/conversations/seenseq-5/seen', visitor, { seq: shown })).body.lastSeenSeq).toBe(beyond.body.lastSeenSeq);
      expect(await unread(visitor)).toBe(0);
    });

    it('refuses a seq that is not a whole number from 1 with a 400 naming it', async () => {
      const { visitor, post, unread } = await conversationWithAgent('seenseq-6');
      await post(AGENT, 'seenseq-6-a');
      for (const seq of [0, -3, 2.5, '2', null]) {
        const refused = await t.api.call('POST', '/v1/conversations/seenseq-6/seen', visitor, { seq });
        expect([seq, refused.status, refused.body.error.code]).toEqual([seq, 400, 'ERR_INVALID_INPUT']);
        expect(refused.body.error.details.fields.map((f: { path: string }) => f.path)).toEqual(['body.seq']);
      }
      expect(await unread(visitor)).toBe(1);
    });

    it('marks everything without a seq, with or without a body, as before', async () => {
      const { visitor, post, unread } = await conversationWithAgent('seenseq-7');
      await post(AGENT, 'seenseq-7-a');
      expect((await t.api.call('POST', '/v1/conversations/seenseq-7/seen', visitor)).status).toBe(200);
      expect(await unread(visitor)).toBe(0);
      const newest = await post(AGENT, 'seenseq-7-b');
      const marked = await t.api.call('POST', '/v1/conversations/seenseq-7/seen', visitor, {});
      expect(marked.body.lastSeenSeq).toBeGreaterThanOrEqual(newest);
      expect(await unread(visitor)).toBe(0);
    });
  });
});
