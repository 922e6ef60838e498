/**
 * Saved replies (domain/saved-reply.ts), per website. A unique index on the website and the
 * shortcut in lower case (indexes.ts) keeps shortcuts unique whatever their case, also between
 * two writers at once: the loser's write is a `409`.
 */
import { AppError } from '../../domain/errors';
import { MAX_SAVED_REPLIES, shortcutKey, type SavedReply, type SavedReplyFields } from '../../domain/saved-reply';
import { searchPattern } from '../../domain/search-text';
import { withoutInternal, type Collections, type SavedReplyDoc } from './documents';
import { isDuplicateKey } from './duplicate-key';

const toSavedReply = (doc: SavedReplyDoc): SavedReply => withoutInternal<SavedReply>(doc, ['shortcutKey']);

/** Runs a write, a clash on the shortcut index told as the `409` it is. */
async function unlessShortcutTaken<T>(shortcut: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isDuplicateKey(error)) throw new AppError('ERR_CONFLICT', `The shortcut ${shortcut} is taken (shortcuts are the same whatever their case)`, { fields: [{ path: 'body.shortcut', message: 'taken' }] });
    throw error;
  }
}

export function savedReplyMethods({ savedReplies }: Collections) {
  return {
    /** The website's saved replies by shortcut; with `q`, those whose shortcut, title or text holds it (as the inbox's search finds text: domain/search-text.ts). */
    async listSavedReplies(websiteId: string, q?: string): Promise<SavedReply[]> {
      const matches = q === undefined ? undefined : { $regex: searchPattern(q), $options: 'i' };
      const filter = matches ? { websiteId, $or: [{ shortcut: matches }, { title: matches }, { text: matches }] } : { websiteId };
      return (await savedReplies.find(filter).sort({ shortcutKey: 1 }).toArray()).map(toSavedReply);
    },

    /** The website's saved reply with this id, or null. */
    async getSavedReply(websiteId: string, id: string): Promise<SavedReply | null> {
      const doc = await savedReplies.findOne({ _id: id, websiteId });
      return doc ? toSavedReply(doc) : null;
    },

    /** Keeps a new saved reply; `409` when its shortcut is taken, or the website has `MAX_SAVED_REPLIES` (two added at once may both pass the count). */
    async addSavedReply(reply: SavedReply): Promise<SavedReply> {
      if ((await savedReplies.countDocuments({ websiteId: reply.websiteId }, { limit: MAX_SAVED_REPLIES })) >= MAX_SAVED_REPLIES) {
        throw new AppError('ERR_CONFLICT', `The website has ${MAX_SAVED_REPLIES.toLocaleString('en')} saved replies, the most it keeps: delete one first`, { limit: MAX_SAVED_REPLIES });
      }
      await unlessShortcutTaken(reply.shortcut, () => savedReplies.insertOne({ _id: reply.id, ...reply, shortcutKey: shortcutKey(reply.shortcut) }));
      return reply;
    },

    /** Changes some fields of a saved reply; null when it is gone; `409` when the new shortcut is taken. */
    async changeSavedReply(websiteId: string, id: string, fields: Partial<SavedReplyFields>): Promise<SavedReply | null> {
      const set = { ...fields, ...(fields.shortcut === undefined ? {} : { shortcutKey: shortcutKey(fields.shortcut) }), updatedAt: new Date().toISOString() };
      const doc = await unlessShortcutTaken(fields.shortcut, () => savedReplies.findOneAndUpdate({ _id: id, websiteId }, { $set: set }, { returnDocument: 'after' }));
      return doc ? toSavedReply(doc) : null;
    },

    /** Deletes a saved reply; whether it was there. */
    async removeSavedReply(websiteId: string, id: string): Promise<boolean> {
      return (await savedReplies.deleteOne({ _id: id, websiteId })).deletedCount === 1;
    },
  };
}
