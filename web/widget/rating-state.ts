/** Whether the widget should offer the 1–5 stars: the conversation is resolved and not rated since. */
import { isEvent, type TimelineItem } from '../../domain/timeline';

export function shouldAskForRating(status: string | undefined, items: readonly TimelineItem[]): boolean {
  if (status !== 'resolved') return false;
  let resolvedSeq = 0;
  let ratedSeq = -1;
  for (const item of items) {
    if (isEvent(item) && item.event.kind === 'resolved') resolvedSeq = item.seq;
    if (item.type === 'rating') ratedSeq = item.seq;
  }
  return ratedSeq < resolvedSeq;
}
