/**
 * Answers to interactive items (`quick_replies`' `choose`, …): the plugin turns the answer into a
 * reply item and a patch of the interactive item. The reply's id is derived from the item, the
 * action, the author and the answer, so a retried request finds the reply it already posted
 * instead of posting it twice. The patch is written first, and only if the fields it changes are
 * as the answer read them, so of two answers at once one wins and the other is worked out again
 * (and refused by an item that takes one answer); the reply is recorded with the patch, so a
 * request that died before posting it is completed by its retry.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../activities/store/same-content';
import { AppError } from '../../domain/errors';
import type { TimelineItem } from '../../domain/timeline';
import type { AnswerResult, ValidatedItem } from '../../plugins/registry';
import { pluginAudienceOf, visibleConversation } from '../access';
import { authorOf, type Caller } from '../caller';
import { inRequest } from '../http-errors';
import { appendValidated, type ItemServiceDeps } from './items';
import type { ConversationRef } from './workflow-start';

export interface ActionAnswer {
  conversationId: string;
  itemId: string;
  actionId: string;
  answer: unknown;
}

/** The id of the item recording this answer: the same for a retry, another for any other answer. */
function answerReplyId({ itemId, actionId, answer }: ActionAnswer, author: { kind: string; id: string }): string {
  const digest = createHash('sha256').update(canonicalJson({ itemId, actionId, author, answer: answer ?? null })).digest('base64url');
  return `answer_${digest.slice(0, 32)}`;
}

/** The plugin's field paths placed in the request: the answer is in the body, the action in the path. */
const placeField = (path: string): string => (path === 'actionId' ? 'params.actionId' : `body.${path}`);

/** An answer worked out from an item that another answer has just changed is worked out again, this many times at most. */
const MAX_ATTEMPTS = 3;

export async function answerItemAction(deps: ItemServiceDeps, caller: Caller, request: ActionAnswer): Promise<TimelineItem> {
  const { conversationId, itemId, actionId, answer } = request;
  const conversation = await visibleConversation(deps.store, caller, conversationId);
  const author = authorOf(caller);
  const replyId = answerReplyId(request, author);

  for (let attempt = 1; ; attempt++) {
    const item = await deps.store.getItem(itemId);
    if (!item || item.conversationId !== conversationId || !deps.plugins.isVisibleTo(item, pluginAudienceOf(caller))) {
      throw new AppError('ERR_NOT_FOUND', `Unknown item ${itemId}`);
    }
    let outcome: AnswerResult;
    try {
      outcome = inRequest(placeField, () => deps.plugins.answerAction({ item, actionId, answer, author }));
    } catch (err) {
      // Already answered: a retry of this very answer gets its reply; anything else is refused.
      const reply = await replyOfRecordedAnswer(deps, conversation, itemId, replyId);
      if (!reply) throw err;
      return reply;
    }
    // The item changes first, and only if no other answer changed it since it was read; the reply
    // goes with the change, and is posted next (a retry posts it if this request dies in between).
    if (outcome.patch && !(await deps.store.answerItem(item, outcome.patch, { id: replyId, item: outcome.reply }))) {
      if (attempt < MAX_ATTEMPTS) continue;
      throw new AppError('ERR_CONFLICT', `Item ${itemId} keeps changing under this answer; retry`);
    }
    return postReply(deps, conversation, outcome.reply, replyId);
  }
}

/** Posts an answer's reply (idempotent on its id); the workflow hears of it like of any new item. */
async function postReply(deps: ItemServiceDeps, conversation: ConversationRef, reply: ValidatedItem, replyId: string): Promise<TimelineItem> {
  const { item } = await appendValidated(deps.store, conversation.id, reply, replyId);
  // Also on a retry: the first attempt may have died before signalling; the workflow dedupes by item id.
  deps.notifier.sendRecorded(conversation, item);
  return item;
}

/** The reply of this answer when it is the one that changed the item: posted, or posted now if its request died before. */
async function replyOfRecordedAnswer(deps: ItemServiceDeps, conversation: ConversationRef, itemId: string, replyId: string): Promise<TimelineItem | undefined> {
  const posted = await deps.store.getItem(replyId);
  if (posted) {
    await deps.notifier.notifyItem(conversation, posted);
    return posted;
  }
  const recorded = await deps.store.recordedReply<ValidatedItem>(itemId);
  if (recorded?.id !== replyId) return undefined;
  return postReply(deps, conversation, recorded.item, replyId);
}
