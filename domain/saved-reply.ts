/**
 * A saved reply: an answer the team writes once and inserts in the inbox's composer by its
 * shortcut (typing `/refund`), to edit before sending. Shared by the server and the inbox.
 */

export interface SavedReply {
  id: string;
  websiteId: string;
  /** Its key in the composer: letters, digits and dashes, unique per website whatever the case. */
  shortcut: string;
  title: string;
  text: string;
  /** The team member who wrote it: they may change or delete it, as may an admin. */
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** What the team writes of a saved reply; the server keeps the rest. */
export type SavedReplyFields = Pick<SavedReply, 'shortcut' | 'title' | 'text'>;

/** A shortcut: 1 to 32 letters, digits and dashes, starting and ending with a letter or digit. */
export const SHORTCUT_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

/** How many saved replies a website keeps: the inbox reads them all, so a bound on what any agent token can add. */
export const MAX_SAVED_REPLIES = 1_000;

/** What makes two shortcuts the same one: `Refund` and `refund` clash. */
export const shortcutKey = (shortcut: string): string => shortcut.toLowerCase();
