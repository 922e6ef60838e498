/**
 * What the inbox says when the server refuses a change (`409`) because someone else changed the
 * conversation first: a resolve or reopen done already (calmly: the conversation is as asked), or an
 * assignment made as of an assignee who has changed since (the agent's choice was not applied).
 */
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

/**
 * Why an assignment asked as of `expected` (the assignee the agent saw; `null`: none) was refused, as
 * the conversation read again shows it; undefined when its assignee is still the one expected (the
 * refusal was for another reason, which the agent must hear).
 */
export function reassignedMeanwhileNote(expected: string | null, c: Conversation, me: string, nameOf: (id: string) => string | undefined): string | undefined {
  const now = c.assigneeId ?? null;
  if (now === expected) return undefined;
  if (now === null) return 'It was unassigned meanwhile: your choice was not applied, choose again';
  const who = now === me ? 'you' : (nameOf(now) ?? now);
  return `It was assigned to ${who} meanwhile: your choice was not applied`;
}
