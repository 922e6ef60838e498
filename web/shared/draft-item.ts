/** Turns what the composer hands over into the item to post, uploading its file first, and posts it. */
import { refusedFields, type ApiClient, type NewItem } from './api-client';
import { FileGoneError, type Draft } from './outbox';

/**
 * A message (or, for an agent's `asNote`, a private note) with the draft's id and text, and its file
 * as a file part once uploaded to the conversation, which must exist by then; `uploadAgain` when
 * the server no longer holds the upload the draft names.
 */
async function itemFromDraft(api: ApiClient, conversationId: string, draft: Draft, keep: () => void, uploadAgain = false): Promise<NewItem> {
  const { id, text, asNote, file } = draft;
  const kind = asNote ? { type: 'note', visibility: 'private' as const } : { type: 'message' };
  // Kept on the draft once uploaded: a retry names the same file (its outbox keeps the id across a
  // reload too, told at once: a reload while the item is on its way must not lose it), so its item is the same.
  if (file && (!draft.fileId || uploadAgain)) {
    draft.fileId = (await api.uploadFile(conversationId, file)).file.id;
    keep();
  }
  if (!draft.fileId) return { id, ...kind, text };
  return { id, ...kind, parts: [...(text ? [{ type: 'text', text }] : []), { type: 'file', fileId: draft.fileId }] };
}

/** The server's answer to a file part naming a file it does not hold, such as an upload it removed as never attached (after `FILE_UNATTACHED_HOURS`). */
function namesUnknownFile(error: unknown): boolean {
  return refusedFields(error).some((path) => /(^|\.)parts\.\d+\.fileId$/.test(path));
}

/**
 * Stores the draft's item with `post`, which makes it when it is ready to (once the conversation
 * exists). An uploaded file the server no longer holds (a message kept a day before its retry) is
 * uploaded again when the page still has it; otherwise the message cannot go as it is: FileGoneError.
 */
export async function deliverDraft(
  api: ApiClient,
  conversationId: string,
  draft: Draft,
  keep: () => void,
  post: (itemFor: () => Promise<NewItem>) => Promise<void>,
): Promise<void> {
  try {
    await post(() => itemFromDraft(api, conversationId, draft, keep));
  } catch (error) {
    if (!draft.fileId || !namesUnknownFile(error)) throw error;
    if (!draft.file) throw new FileGoneError();
    // The old id stays on the draft, and stored, until the new upload's replaces it: a message with
    // a file and no id is not stored (a page loaded again could not read the file), so a reload in
    // between would lose it; with the old id, the page loaded again puts its text back in the box.
    await post(() => itemFromDraft(api, conversationId, draft, keep, true));
  }
}
