/**
 * A list row's preview (`lastMessage`): the newest message the reader may see (a note too, for the
 * team), also when the newest item is an event or the AI's tool-call record, in listings and in a
 * single read.
 */
import { describe, expect, it } from 'vitest';
import { AGENT, type Who } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

async function previews(conversationId: string, caller: Who) {
  const listed = (await t.api.call('GET', '/v1/conversations?limit=100', caller)).body.conversations.find((c: { id: string }) => c.id === conversationId);
  const single = (await t.api.call('GET', `/v1/conversations/${conversationId}`, caller)).body.conversation;
  return [listed, single];
}

describe('the last message a list row previews', () => {
  it('passes over the events and notes a reader does not see as what was last said', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    const conversationId = 'last-message-1';
    await t.api.call('POST', '/v1/conversations', visitor, { conversationId });
    // The AI paused first: its turn on the message (1.5 s on) would answer or hand over, a message of its own.
    expect((await t.api.call('POST', `/v1/conversations/${conversationId}/ai/pause`, AGENT, { minutes: 30 })).status).toBe(200);
    await t.api.call('POST', '/v1/messages', visitor, { conversationId, item: { id: 'lm1-q', type: 'message', text: 'My invoice is wrong' } });
    await t.api.call('POST', `/v1/conversations/${conversationId}/participants`, AGENT, { userId: AGENT.agent });
    for (const row of await previews(conversationId, AGENT)) {
      expect(row.lastTimelineItem).toMatchObject({ type: 'event' });
      expect(row.lastMessage).toMatchObject({ id: 'lm1-q', text: 'My invoice is wrong' });
    }

    await t.api.call('POST', '/v1/messages', AGENT, { conversationId, item: { id: 'lm1-note', type: 'note', text: 'Refund pending' } });
    expect((await t.api.call('POST', `/v1/conversations/${conversationId}/resolve`, AGENT, {})).status).toBe(200);
    for (const row of await previews(conversationId, AGENT)) expect(row.lastMessage).toMatchObject({ id: 'lm1-note', type: 'note' });
    for (const row of await previews(conversationId, visitor)) {
      expect(row.lastTimelineItem).toMatchObject({ type: 'event', event: { kind: 'resolved' } });
      expect(row.lastMessage).toMatchObject({ id: 'lm1-q' });
    }
  });

  it("is the AI's answer, not the record of its tool call stored after it, and null before anything was said", async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    const conversationId = 'last-message-2';
    await t.api.call('POST', '/v1/conversations', visitor, { conversationId });
    for (const row of await previews(conversationId, AGENT)) expect(row.lastMessage).toBeNull();
    const at = () => new Date().toISOString();
    const author = { kind: 'ai', id: 'ai_assistant' };
    await t.app.store.appendItem({ id: 'lm2-a', conversationId, visibility: 'public', type: 'message', text: 'Here is how to reset it', author, createdAt: at() } as never);
    await t.app.store.appendItem({ id: 'lm2-call', conversationId, visibility: 'private', type: 'ai_tool_call', toolName: 'reply', input: {}, state: 'accepted', author, createdAt: at() } as never);
    for (const row of await previews(conversationId, AGENT)) {
      expect(row.lastTimelineItem).toMatchObject({ id: 'lm2-call' });
      expect(row.lastMessage).toMatchObject({ id: 'lm2-a' });
    }
  });
});
