/** Authors the plugin tests write as. */
import type { Author } from '../../domain';

export const VISITOR: Author = { kind: 'visitor', id: 'visitor-1' };
export const AGENT: Author = { kind: 'human', id: 'agent-1' };
export const AI: Author = { kind: 'ai', id: 'assistant-1' };
export const SYSTEM: Author = { kind: 'system', id: 'lifecycle' };
