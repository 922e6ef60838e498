/**
 * What the inbox says when the server refuses a change (`409`) because someone else changed the
 * conversation first: a resolve or reopen done already (calmly: the conversation is as asked), or an
 * assignment, unassignment or priority made as of an assignee or priority that has changed since
 * (the agent's choice was not applied).
 */
import type { Priority } from '../../domain/conversation';
import type { Conversation } from '../shared/wire';

export type AskedStatus = Conversation['status'];

/**
 * The note for a conversation (read again after the refusal) already in the status asked for, naming
 * who resolved it when the inbox knows them; undefined when it is not in that status (the refusal
 * was for another reason, which the agent must hear).
 */
export function alreadyDoneNote(asked: AskedStatus, c: Conversation, me: string, nameOf: (id: string) => string | undefined): string | undefined {
  if (c.status !== asked) return undefined;
  if (asked === 'open') return 'Already reopened';
  const by = c.resolvedBy === me ? 'you' : c.resolvedBy && nameOf(c.resolvedBy);
  return by ? `Already resolved by ${by}` : 'Already resolved';
}

/** An assignment the agent asked for: whom to (`userId`; `null`: nobody, an unassignment), as of which assignee (`asOf`; `null`: nobody). */
export interface AskedAssignment {
  userId: string | null;
  asOf: string | null;
}

/**
 * What an assignment refused because the assignee changed since the agent looked comes to, as the
 * conversation read again shows it: `done` when it is with the person asked for anyway, or with
 * nobody when that was asked (a colleague made the same choice: said calmly), else who has it now
 * and that the choice was not applied;
 * undefined when its assignee is still the one expected (the refusal was for another reason, which
 * the agent must hear).
 */
export function assignmentRefusal(asked: AskedAssignment, c: Conversation, me: string, nameOf: (id: string) => string | undefined): { text: string; done: boolean } | undefined {
  const now = c.assigneeId ?? null;
  const who = (id: string) => (id === me ? 'you' : (nameOf(id) ?? id));
  if (now === asked.userId) return { text: now === null ? 'Already unassigned' : `Already assigned to ${who(now)}`, done: true };
  if (now === asked.asOf) return undefined;
  if (now === null) return { text: 'It was unassigned meanwhile: your choice was not applied, choose again', done: false };
  return { text: `It was assigned to ${who(now)} meanwhile: your choice was not applied`, done: false };
}

/** A priority the agent chose (`chosen`), as of the one they saw (`asOf`). */
export interface AskedPriority {
  chosen: Priority;
  asOf: Priority;
}

/**
 * What a priority refused because it changed since the agent looked comes to, as the conversation
 * read again has it (`now`): `done` when a colleague chose the same meanwhile; else the colleague's
 * stands, and the agent is told; undefined when it still has the one they saw (the refusal was for
 * another reason, which the agent must hear).
 */
export function priorityRefusal({ chosen, asOf }: AskedPriority, now: Priority): { text: string; done: boolean } | undefined {
  if (now === asOf) return undefined;
  if (now === chosen) return { text: `Already ${now} priority`, done: true };
  return { text: `The priority was set to ${now} meanwhile: your choice (${chosen}) was not applied`, done: false };
}
