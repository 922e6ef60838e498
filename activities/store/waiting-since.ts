/**
 * A conversation's `waitingSince`: when the visitor's oldest public message not yet answered was
 * written. It is kept by the same conditional write that records the conversation's last public
 * item (last-items.ts), so a message costs no round trip more, and a late, older write changes
 * nothing here either.
 */
import type { UpdateFilter } from 'mongodb';
import type { ConversationDoc, ItemDoc } from './documents';

/** What a public item does to the wait: a visitor's message starts it, an answer or resolving ends it, the rest leave it. */
function effectOf(item: ItemDoc): 'asks' | 'answers' | undefined {
  if (item.visibility !== 'public') return undefined;
  // Resolved: the team is done with it. A visitor who writes again waits from that message.
  if (item.type === 'event') return (item.event as { kind?: unknown } | undefined)?.kind === 'resolved' ? 'answers' : undefined;
  if (item.type === 'message' && item.author.kind === 'visitor') return 'asks';
  // Whatever a person or the assistant shows the visitor (a reply, quick replies, a plugin's card);
  // a system message (a welcome, an away notice) answers nothing, nor does the assistant's telling
  // the visitor a person will take over.
  if (item.author.kind === 'human' || (item.author.kind === 'ai' && !item.handOff)) return 'answers';
  return undefined;
}

/**
 * The update of `waitingSince` for a conversation's items written together (any order), or
 * undefined when they leave it as stored. Once an answer is among them the result is known; a
 * visitor's message with no answer before it in the batch keeps an older wait ($min: set when absent).
 */
export function waitingUpdate(written: readonly ItemDoc[]): UpdateFilter<ConversationDoc> | undefined {
  let wait: { since: string; known: boolean } | 'none' | undefined;
  for (const item of [...written].sort((a, b) => a.seq - b.seq)) {
    const effect = effectOf(item);
    if (effect === 'answers') wait = 'none';
    else if (effect === 'asks' && (wait === undefined || wait === 'none')) wait = { since: item.createdAt, known: wait === 'none' };
  }
  if (wait === undefined) return undefined;
  if (wait === 'none') return { $unset: { waitingSince: '' } };
  return wait.known ? { $set: { waitingSince: wait.since } } : { $min: { waitingSince: wait.since } };
}
