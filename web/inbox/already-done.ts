/**
 * A resolve or reopen someone else did first: the server refuses the agent's own (`409`), yet the
 * conversation is as they asked, so the inbox says so calmly instead of as a failure.
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
