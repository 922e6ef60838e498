/** Turns what the composer hands over into the item to post, uploading its file first. */
import type { ApiClient, NewItem } from './api-client';
import type { Draft } from './composer';

/** Each draft's upload, once it went through: a retry of the draft names the same file, so its item is the same. */
const uploads = new WeakMap<Draft, Promise<string>>();

function uploaded(api: ApiClient, conversationId: string, draft: Draft, file: File): Promise<string> {
  let fileId = uploads.get(draft);
  if (!fileId) {
    fileId = api.uploadFile(conversationId, file).then((answer) => answer.file.id);
    uploads.set(draft, fileId);
    fileId.catch(() => uploads.delete(draft));
  }
  return fileId;
}

/**
 * A message (or, for an agent's `asNote`, a private note) with the draft's id and text, and its file
 * as a file part once uploaded to the conversation, which must exist by then.
 */
export async function itemFromDraft(api: ApiClient, conversationId: string, draft: Draft): Promise<NewItem> {
  const { id, text, asNote, file } = draft;
  const kind = asNote ? { type: 'note', visibility: 'private' as const } : { type: 'message' };
  if (!file) return { id, ...kind, text };
  const fileId = await uploaded(api, conversationId, draft, file);
  return { id, ...kind, parts: [...(text ? [{ type: 'text', text }] : []), { type: 'file', fileId }] };
}
