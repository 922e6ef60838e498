/** Turns what the composer hands over into the item to post, uploading its file first. */
import { clientId, type ApiClient, type NewItem } from './api-client';
import type { Draft } from './composer';

/**
 * A message (or, for an agent's `asNote`, a private note) with the draft's text, and its file as a
 * file part once uploaded to the conversation, which must exist by then.
 */
export async function itemFromDraft(api: ApiClient, conversationId: string, { text, asNote, file }: Draft): Promise<NewItem> {
  const kind = asNote ? { type: 'note', visibility: 'private' as const } : { type: 'message' };
  if (!file) return { id: clientId('item'), ...kind, text };
  const { file: uploaded } = await api.uploadFile(conversationId, file);
  return { id: clientId('item'), ...kind, parts: [...(text ? [{ type: 'text', text }] : []), { type: 'file', fileId: uploaded.id }] };
}
