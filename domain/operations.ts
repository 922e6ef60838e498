/**
 * Lifecycle operations: what an agent, the AI or a plugin reaction may ask of a conversation.
 * Every one goes through the conversation workflow's validators, whoever asks.
 */
import type { Priority } from './conversation';
import type { Author } from './timeline';

export type LifecycleOperation =
  /**
   * `itemsUpTo`: the timeline's newest seq when the resolve was asked for. A visitor message at or
   * below it was written before the resolve, so its late arrival at the workflow does not reopen.
   */
  | { op: 'resolve'; reason?: string; itemsUpTo?: number }
  | { op: 'reopen'; reason?: string }
  /**
   * `expectedPriority`: the priority the asker saw. When given, the change is refused if someone else
   * set another first, so a colleague's choice made at the same moment is not silently overwritten.
   */
  | { op: 'set_priority'; priority: Priority; expectedPriority?: Priority }
  /** `title: null` clears it: the conversation shows as its visitor or contact again. */
  | { op: 'set_title'; title: string | null }
  | { op: 'add_tags'; tags: string[] }
  | { op: 'remove_tags'; tags: string[] }
  | { op: 'join'; userId: string }
  /** `reason` (on leave, unassign, hand_back, resume_ai, as on resolve and reopen): why, kept in the event for the team. */
  | { op: 'leave'; userId: string; reason?: string }
  /**
   * `expectedAssigneeId`: the assignee the asker saw (`null`: none). When given, the assignment is
   * refused if someone else changed the assignee first, so two people assigning at once do not
   * silently undo each other's choice. `onlyWhileWaiting`: refused unless the conversation waits
   * for a person (routing's offer: a hand-back to the AI, a join or a resolve since its look wins).
   */
  | { op: 'assign'; userId: string; expectedAssigneeId?: string | null; onlyWhileWaiting?: true }
  /** `expectedAssigneeId`: refused if someone else is the assignee by then (routing letting go of an offline person's). */
  | { op: 'unassign'; expectedAssigneeId?: string; reason?: string }
  | { op: 'escalate'; reason: string; summary?: string }
  | { op: 'hand_back'; reason?: string }
  | { op: 'pause_ai'; minutes?: number }
  | { op: 'resume_ai'; reason?: string };

export type LifecycleOperationName = LifecycleOperation['op'];

/** An operation together with who asks for it; the single argument of the `operate` update. */
export interface OperationRequest {
  actor: Author;
  operation: LifecycleOperation;
}

/** Several operations from one actor, applied together or not at all (a request that changes several fields). */
export interface ChangeSetRequest {
  actor: Author;
  operations: LifecycleOperation[];
}

/**
 * What the conversation workflow hears about a new timeline item (the `itemAdded` signal's
 * argument): enough to apply the product's rules and plugin reactions without reading the store.
 */
export interface ItemArrival {
  id: string;
  type: string;
  seq: number;
  author: Author;
  visibility: 'public' | 'private';
  text?: string;
  /** The plugin type's own fields (e.g. a rating's `score`). */
  fields?: Record<string, unknown>;
  createdAt: string;
  /**
   * The type had activity-side effects (`onItemCreated`) when the signal was sent (by the server's
   * plugins then: a signal sent again after a restart follows that start's plugins), so the workflow
   * runs them. Told in the signal rather than looked up by the workflow: the history then decides,
   * and adding or removing a plugin's activity part changes no recorded run.
   */
  effects?: true;
}
