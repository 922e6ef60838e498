/** Item builders (no test-runner imports: the burst-writer child process uses them too). */
import type { ItemToAppend } from '../../../activities/store';
import { newId } from '../../../activities/store/ids';
import type { Author } from '../../../domain/timeline';

export const visitorAuthor = (id: string): Author => ({ kind: 'visitor', id });
export const agentAuthor = (id: string): Author => ({ kind: 'human', id });

/** A public message item (override anything). */
export function message(conversationId: string, overrides: Partial<ItemToAppend> = {}): ItemToAppend {
  return {
    id: newId('item'),
    conversationId,
    type: 'message',
    visibility: 'public',
    author: visitorAuthor('vis_a'),
    text: 'hello',
    createdAt: new Date().toISOString(),
    ...overrides,
  } as ItemToAppend;
}

/** A private note by an agent. */
export const note = (conversationId: string, overrides: Partial<ItemToAppend> = {}): ItemToAppend =>
  message(conversationId, { type: 'note', visibility: 'private', author: agentAuthor('usr_agent'), text: 'internal', ...overrides });
