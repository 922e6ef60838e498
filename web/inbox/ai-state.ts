/** The AI assistant's part in a conversation, said plainly for the agent. */
import type { Conversation } from '../shared/wire';

export type AiState = { kind: 'answering' } | { kind: 'paused'; until: string } | { kind: 'handed_off' };

export function aiStateOf(c: Pick<Conversation, 'handler' | 'aiPausedUntil'>, now: number = Date.now()): AiState {
  if (c.handler !== 'ai') return { kind: 'handed_off' };
  if (c.aiPausedUntil && new Date(c.aiPausedUntil).getTime() > now) return { kind: 'paused', until: c.aiPausedUntil };
  return { kind: 'answering' };
}
