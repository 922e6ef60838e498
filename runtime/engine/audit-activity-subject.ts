import { recordedEventsOf } from './audit-recorded-events';

/**
 * What an activity's input says it is for, as people name it: the timeline item (a plugin effect's
 * item, an AI reply's or tool call's), the events it records, the agent whose load it reports.
 * Undefined when the input names none of these.
 */
export function activitySubject(args: unknown): string | undefined {
  const values = Array.isArray(args) ? args : [args];
  const events = recordedEventsOf(values);
  if (events.length > 0) return `events ${events.map((recorded) => recorded.event.kind).join(', ')}`;
  const input = values.find((value): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value));
  if (!input) return undefined;
  const item = input.item as { id?: unknown; type?: unknown } | undefined;
  if (typeof item?.id === 'string') return typeof item.type === 'string' ? `item ${item.id} (${item.type})` : `item ${item.id}`;
  if (typeof input.itemId === 'string') return typeof input.toolName === 'string' ? `item ${input.itemId} (tool ${input.toolName})` : `item ${input.itemId}`;
  if (typeof input.agentId === 'string') return `agent ${input.agentId}`;
  return undefined;
}
