/** The AI assistant's part in a conversation, said plainly for the agent. */
import type { Conversation } from '../shared/wire';
import { writtenList, type Words } from '../shared/words';

export type AiState = { kind: 'answering' } | { kind: 'paused'; until: string } | { kind: 'handed_off' };

export function aiStateOf(c: Pick<Conversation, 'handler' | 'aiPausedUntil'>, now: number = Date.now()): AiState {
  if (c.handler !== 'ai') return { kind: 'handed_off' };
  if (c.aiPausedUntil && new Date(c.aiPausedUntil).getTime() > now) return { kind: 'paused', until: c.aiPausedUntil };
  return { kind: 'answering' };
}

/**
 * Who has a conversation the AI handed off, as it stands: those who joined (and have not left), or
 * else whom it is assigned to, who may not have looked at it yet.
 */
export function handedOffText(c: Pick<Conversation, 'participants' | 'assigneeId'>, nameOf: (id: string) => string): Words {
  const joined = c.participants.filter((p) => p.kind === 'human' && !p.leftAt).map((p) => nameOf(p.id));
  if (joined.length > 0) return ['Handed off: ', ...writtenList(joined, ', ', ' and '), joined.length === 1 ? ' has joined.' : ' have joined.'];
  if (c.assigneeId !== undefined) return ['Handed off: assigned to ', { written: nameOf(c.assigneeId) }, ', who has not joined yet.'];
  return ['Handed off: waiting for a person.'];
}
