/**
 * Who had the conversation before each assignment that took it from someone, read from the events
 * before it (only `assigned` and `unassigned` change the assignee), so a timeline or an audit trail
 * can say "Reassigned from Alice to Bob" though the `assigned` event names only Bob.
 */
import type { TimelineEvent } from './wire';

/** Of `events`, keyed and oldest first: each reassignment's key to the assignee it took the conversation from. */
export function previousAssignees<K>(events: Iterable<readonly [K, TimelineEvent]>): Map<K, string> {
  const from = new Map<K, string>();
  let assignee: string | undefined;
  for (const [key, event] of events) {
    if (event.kind === 'assigned') {
      if (assignee !== undefined && assignee !== event.targetId) from.set(key, assignee);
      assignee = event.targetId;
    } else if (event.kind === 'unassigned') assignee = undefined;
  }
  return from;
}
