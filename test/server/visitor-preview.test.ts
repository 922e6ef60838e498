/**
 * A visitor's preview of a conversation (`lastTimelineItem`, by listing and by id) is the newest
 * item the visitor may see, also when the newest item stored public is hidden from it now: a
 * team-only event an earlier version stored public, or an item of a type made private since.
 */
import { describe, expect, it } from 'vitest';
import type { TimelineItem } from '../../domain/timeline';
import { AGENT } from './support/clients';
import { useTestApp } from './support/app';

const t = useTestApp();

/** Writes the item straight into the store, as an earlier version (or configuration) left it. */
async function stored(conversationId: string, id: string, fields: Record<string, unknown>): Promise<TimelineItem> {
  const { item } = await t.app.store.appendItem({
    id,
    conversationId,
    visibility: 'public',
    author: { kind: 'system', id: 'lifecycle' },
    createdAt: new Date().toISOString(),
    ...fields,
  } as never);
  return item;
}

async function visitorsPreview(conversationId: string, visitor: { visitorId: string }) {
  const listed = (await t.api.call('GET', '/v1/conversations', visitor)).body.conversations.find((c: { id: string }) => c.id === conversationId);
  const single = (await t.api.call('GET', `/v1/conversations/${conversationId}`, visitor)).body.conversation;
  return { listed, single };
}

describe('a visitor’s conversation preview', () => {
  it('is the newest item the visitor may see when the newest stored public is a team-only event', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'preview-1' });
    const message = await stored('preview-1', 'preview-1-q', { type: 'message', text: 'Where is my order?', author: { kind: 'visitor', id: visitor.visitorId } });
    const legacy = await stored('preview-1', 'preview-1-old-priority', { type: 'event', event: { kind: 'priority_changed', data: { from: 'medium', to: 'high' } } });

    const { listed, single } = await visitorsPreview('preview-1', visitor);
    for (const conversation of [listed, single]) {
      expect(conversation.lastTimelineItem).toMatchObject({ id: message.id, seq: message.seq, text: 'Where is my order?' });
      expect(conversation.updatedAt).toBe(message.createdAt);
    }
    // The team's preview is the newest item, as stored.
    const team = (await t.api.call('GET', '/v1/conversations/preview-1', AGENT)).body.conversation;
    expect(team.lastTimelineItem.id).toBe(legacy.id);
  });

  it('passes over every newest item of a type made private, and is null when the visitor may see none', async () => {
    const visitor = { visitorId: await t.api.newVisitor() };
    await t.api.call('POST', '/v1/conversations', visitor, { conversationId: 'preview-2' });
    const toolCall = { type: 'ai_tool_call', toolName: 'add_tags', input: { tags: ['billing'] }, state: 'accepted', author: { kind: 'ai', id: 'ai_assistant' } };
    await stored('preview-2', 'preview-2-call-1', toolCall);
    const created = (await t.api.call('GET', '/v1/conversations/preview-2', visitor)).body.conversation;
    expect(created.lastTimelineItem).toBeNull();
    expect(created.updatedAt).toBe(created.createdAt);

    const reply = await stored('preview-2', 'preview-2-reply', { type: 'message', text: 'Hello from the team', author: { kind: 'human', id: AGENT.agent } });
    for (let n = 2; n <= 13; n++) await stored('preview-2', `preview-2-call-${n}`, toolCall);
    const { listed, single } = await visitorsPreview('preview-2', visitor);
    for (const conversation of [listed, single]) {
      expect(conversation.lastTimelineItem).toMatchObject({ id: reply.id, text: 'Hello from the team' });
      expect(conversation.updatedAt).toBe(reply.createdAt);
    }
  });
});
