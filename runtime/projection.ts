/**
 * The store's projection of a conversation's lifecycle with its `stateVersion`: a workflow restarted
 * after it ended resumes from it, and a conversation's first workflow (`stateVersion` 0) takes the
 * choices it was created with (priority, tags). The Store API hides `stateVersion` (an internal
 * field), so this reads the conversations collection directly.
 */
import type { Db } from 'mongodb';
import { LIFECYCLE_FIELDS, type ConversationDoc } from '../activities/store/documents';
import type { ConversationLifecycle } from '../domain/conversation';
import type { ConversationProjection } from '../workflows/conversation/definitions';

export function projectionLoader(db: Db) {
  const conversations = db.collection<ConversationDoc>('conversations');
  return async (conversationId: string): Promise<ConversationProjection | undefined> => {
    const doc = await conversations.findOne({ _id: conversationId });
    if (!doc) return undefined;
    const lifecycle = Object.fromEntries(LIFECYCLE_FIELDS.filter((f) => doc[f] !== undefined).map((f) => [f, doc[f]])) as unknown as ConversationLifecycle;
    return { lifecycle, stateVersion: doc.stateVersion };
  };
}
