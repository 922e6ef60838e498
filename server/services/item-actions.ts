/**
 * Answers to interactive items (`quick_replies`' `choose`, …): the plugin turns the answer into a
 * reply item and a patch of the interactive item. The reply's id is derived from the item, the
 * action, the author and the answer, so a retried request finds the reply it already posted
 * instead of posting it twice; the reply is stored before the patch, so a request that died
 * between the two is completed by its retry.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../activities/store/same-content';
import { AppError } from '../../domain/errors';
import type { TimelineItem } from '../../domain/timeline';
import type { AnswerResult } from '../../plugins/registry';
import { pluginAudienceOf, visibleConversation } from '../access';
import { authorOf, type Caller } from '../caller';
import { inRequest } from '../http-errors';
import { appendValidated, type ItemServiceDeps } from './items';

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

export async function answerItemAction(deps: ItemServiceDeps, caller: Caller, request: ActionAnswer): Promise<TimelineItem> {
  const { conversationId, itemId, actionId, answer } = request;
  const conversation = await visibleConversation(deps.store, caller, conversationId);
  const item = await deps.store.getItem(itemId);
  if (!item || item.conversationId !== conversationId || !deps.plugins.isVisibleTo(item, pluginAudienceOf(caller))) {
    throw new AppError('ERR_NOT_FOUND', `Unknown item ${itemId}`);
  }
  const author = authorOf(caller);
  const replyId = answerReplyId(request, author);

  let outcome: AnswerResult;
  try {
    outcome = inRequest(placeField, () => deps.plugins.answerAction({ item, actionId, answer, author }));
  } catch (err) {
    // Already answered: a retry of this very answer gets the reply it posted; anything else is refused.
    const posted = await deps.store.getItem(replyId);
    if (!posted) throw err;
    await deps.notifier.notifyItem(conversation, posted);
    return posted;
  }
  const { item: reply } = await appendValidated(deps.store, conversationId, outcome.reply, replyId);
  if (outcome.patch) await deps.store.updateItem(itemId, outcome.patch);
  // The workflow hears of the reply like of any new item (its own dedupe covers a retry).
  deps.notifier.sendRecorded(conversation, reply);
  return reply;
}
