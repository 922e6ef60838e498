/** `event`: something that happened to the conversation, written by the system only. */
import { z } from 'zod';
import type { TimelineEvent } from '../../domain/timeline';
import { defineItemType } from '../define';
import { timelineEventSchema } from './event-schema';

type EventOf<K extends TimelineEvent['kind']> = Extract<TimelineEvent, { kind: K }>;

const who = (id: string | undefined): string => id ?? 'someone';
/** The reason given, as the end of the sentence. */
const because = (data: { reason?: string } | undefined): string => (data?.reason ? `: ${data.reason}` : '');

const summaries: { [K in TimelineEvent['kind']]: (event: EventOf<K>) => string } = {
  participant_requested: (e) => `A human agent was requested${because(e.data)}`,
  participant_joined: (e) => `${e.targetId} joined the conversation`,
  participant_left: (e) => `${e.targetId} left the conversation${because(e.data)}`,
  assigned: (e) => `Assigned to ${e.targetId}`,
  unassigned: (e) => `${e.targetId} was unassigned${because(e.data)}`,
  priority_changed: (e) => `Priority changed from ${e.data.from} to ${e.data.to}`,
  tag_added: (e) => `Tag "${e.data.tag}" added`,
  tag_removed: (e) => `Tag "${e.data.tag}" removed`,
  title_changed: (e) => (e.data.title === null ? 'Title removed' : `Title changed to "${e.data.title}"`),
  resolved: (e) => `Conversation resolved by ${who(e.actorId)}${because(e.data)}`,
  reopened: (e) => `Conversation reopened${because(e.data)}`,
  escalated: (e) => `Escalated to the team: ${e.data.reason}`,
  handed_back: (e) => `Handed back to the AI assistant${because(e.data)}`,
  ai_paused: (e) => `AI assistant paused until ${e.data.until}`,
  ai_resumed: (e) => `AI assistant resumed${because(e.data)}`,
  sla_breached: (e) => `First response overdue (${e.data.priority} priority, due ${e.data.dueAt})`,
};

/** The plain-text line for an event. */
export function summarizeEvent<K extends TimelineEvent['kind']>(event: EventOf<K>): string {
  return (summaries[event.kind] as (event: EventOf<K>) => string)(event);
}

export const eventType = defineItemType({
  name: 'event',
  // Lazy: see timelineEventSchema.
  schema: z.object({ event: z.lazy(timelineEventSchema) }),
  visibility: 'public',
  creators: ['system'],
  reduceSummary: ({ item }) => summarizeEvent(item.fields.event),
});
