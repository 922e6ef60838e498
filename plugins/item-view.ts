/** Converting items to the shape hooks and the workflow see (`ItemArrival`). */
import type { ItemArrival, TimelineItem } from '../domain';
import type { HookItem } from './types';

/**
 * The `ItemArrival` of an item, with `fields` always present: base fields, and the type's own
 * fields under `fields`. Stored items are told apart by their `conversationId`, which an
 * `ItemArrival` lacks. Use it to build the workflow's `itemAdded` signal from a stored item.
 */
export function toItemArrival(item: ItemArrival | TimelineItem): HookItem {
  if (!('conversationId' in item)) {
    const { effects: _effects, ...arrival } = item; // the workflow's business, not the hooks'
    return { ...arrival, fields: item.fields ?? {} };
  }
  const { id, conversationId: _conversation, seq, type, visibility, author, createdAt, text, ...fields } = item;
  return { id, type, seq, author, visibility, createdAt, fields, ...(text === undefined ? {} : { text }) };
}
