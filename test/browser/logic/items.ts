/** Timeline items and conversations for the page-logic tests. */
import type { Conversation } from '../../../domain/conversation';
import type { TimelineEvent, TimelineItem } from '../../../domain/timeline';

let created = 0;
const at = () => new Date(Date.UTC(2026, 0, 1, 12, 0, created++)).toISOString();

export function message(seq: number, author: TimelineItem['author'], text: string, conversationId = 'c1'): TimelineItem {
  return { id: `i${seq}`, conversationId, seq, type: 'message', visibility: 'public', author, text, createdAt: at() };
}

export function event(seq: number, event: TimelineEvent, conversationId = 'c1'): TimelineItem {
  return { id: `i${seq}`, conversationId, seq, type: 'event', visibility: 'public', author: { kind: 'system', id: 'lifecycle' }, event, createdAt: at() };
}

export const VISITOR = { kind: 'visitor', id: 'v1' } as const;
export const AGENT = { kind: 'human', id: 'agent_alex' } as const;
export const AI = { kind: 'ai', id: 'ai_assistant' } as const;

/** An open conversation handled by the AI, with whatever the test changes. */
export const conversation = (patch: Partial<Conversation> = {}): Conversation => ({
  id: 'c1',
  websiteId: 'w',
  visitorId: 'v1',
  status: 'open',
  priority: 'medium',
  handler: 'ai',
  participants: [],
  tags: [],
  lastTimelineItem: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...patch,
});
