/**
 * What a visitor sees of a conversation: no team-only fields, and no newest item whose type the
 * plugins now hide from visitors (made private, or its plugin taken away, after it was stored).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Conversation } from '../../domain/conversation';
import type { TimelineItem } from '../../domain/timeline';
import { defineItemType, definePlugin } from '../../plugins/define';
import { createPluginRegistry } from '../../plugins/registry';
import { visitorView } from '../../server/access';

const secretCard = defineItemType({ name: 'shop.card', schema: z.object({ carrier: z.string() }), visibility: 'private', creators: ['human'], reduceSummary: () => 'card' });
const plugins = createPluginRegistry([{ plugin: definePlugin({ name: 'shop', version: '2.0.0', itemTypes: [secretCard] }) }]);

const item = (type: string, fields: Record<string, unknown> = {}): TimelineItem =>
  ({ id: 'i1', conversationId: 'c1', seq: 3, type, visibility: 'public', author: { kind: 'human', id: 'agent_1' }, createdAt: '2026-12-05T00:00:00.000Z', ...fields }) as TimelineItem;
const conversation = (last: TimelineItem): Partial<Conversation> => ({ id: 'c1', tags: ['vip'], escalationReason: 'angry', lastTimelineItem: last });

describe('visitorView', () => {
  it('keeps the newest item when visitors may see its type', () => {
    const last = item('message', { text: 'hello' });
    expect(visitorView(conversation(last), plugins)).toEqual({ id: 'c1', tags: [], lastTimelineItem: last });
  });

  it('leaves out a newest item stored public whose type is private now, or no longer registered', () => {
    expect(visitorView(conversation(item('shop.card', { carrier: 'internal' })), plugins).lastTimelineItem).toBeNull();
    expect(visitorView(conversation(item('gone.type')), plugins).lastTimelineItem).toBeNull();
  });
});
