/**
 * The entries an operator does not read to follow what happened: activities that write down or
 * read what other entries already say (the lifecycle's projection, the events recorded, an agent's
 * load, the AI's policy and context before its model call) or show the AI typing. A conversation's
 * trail is mostly these, so the page folds them away unless they went wrong.
 */
import type { AuditEntry } from '../shared/wire';
import type { Outcome } from './entry-view';

/** Activity names (activities/conversation.ts, activities/ai). */
const BOOKKEEPING_ACTIVITIES: ReadonlySet<string> = new Set([
  'projectState',
  'recordEvents',
  'reportAgentLoad',
  'loadAssistantPolicy',
  'buildConversationContext',
  'publishAiTyping',
]);

/** How a bookkeeping entry may stand and still be folded: a failure, a retry, a cancellation or one still pending stays in sight. */
const ROUTINE: ReadonlySet<Outcome> = new Set(['ok', 'completed']);

export function isBookkeeping(entry: AuditEntry, outcome: Outcome): boolean {
  return entry.kind.startsWith('activity_') && entry.name !== undefined && BOOKKEEPING_ACTIVITIES.has(entry.name) && ROUTINE.has(outcome);
}
