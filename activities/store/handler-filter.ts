/** A listing's `handler` filter as a store query. */
import type { Filter } from 'mongodb';
import type { HandlerFilter } from '../../domain/conversation';
import type { ConversationDoc } from './documents';

/**
 * `waiting` is the inbox's "Waiting for a human" (`isWaitingForHuman` in web/inbox/filters.ts, which
 * keeps the list right as frames change it): open, not the AI's, nobody assigned and no person in it
 * who has not left. The store holds no assignee, and a participant no `leftAt`, rather than a null.
 *
 * Indexes: `inbox_status` serves it (open ones in activity order, from the cursor on); the handler,
 * assignee and participants are checked on each conversation it yields. There is no handler index,
 * for the reason indexes.ts gives.
 */
export function handlerQuery(handler: HandlerFilter): Filter<ConversationDoc> {
  if (handler === 'ai') return { handler: 'ai' };
  return {
    status: 'open',
    handler: { $ne: 'ai' },
    assigneeId: { $exists: false },
    participants: { $not: { $elemMatch: { kind: 'human', leftAt: { $exists: false } } } },
  };
}
