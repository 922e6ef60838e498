/** Turns what the composer hands over into the item to post, uploading its file first. */
import type { ApiClient, NewItem } from './api-client';
import type { Draft } from './outbox';

/**
 * A message (or, for an agent's `asNote`, a private note) with the draft's id and text, and its file
 * as a file part once uploaded to the conversation, which must exist by then.
 */
export async function itemFromDraft(api: ApiClient, conversationId: string, draft: Draft, keep: () => void): Promise<NewItem> {
  const { id, text, asNote, file } = draft;
  const kind = asNote ? { type: 'note', visibility: 'private' as const } : { type: 'message' };
  // Kept on the draft once uploaded: a retry names the same file (its outbox keeps the id across a
  // reload too, told at once: a reload while the item is on its way must not lose it), so its item is the same.
  if (file && !draft.fileId) {
    draft.fileId = (await api.uploadFile(conversationId, file)).file.id;
    keep();
  }
  if (!draft.fileId) return { id, ...kind, text };
  return { id, ...kind, parts: [...(text ? [{ type: 'text', text }] : []), { type: 'file', fileId: draft.fileId }] };
}
