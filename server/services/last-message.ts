/**
 * A conversation's newest message as its reader may see it (`PREVIEW_TYPES`: a note too, for the
 * team), for list rows: the newest item may be an event ("Assigned to Sam", "Conversation
 * reopened") or the AI's tool-call record, which hide what was last said. Read from the timeline
 * only when the newest item is not such a message already.
 */
import type { Store } from '../../activities/store';
import type { Conversation } from '../../domain/conversation';
import { PREVIEW_TYPES, type TimelineItem } from '../../domain/timeline';
import type { PluginRegistry } from '../../plugins/registry';
import { itemFor, pluginAudienceOf, viewWithPreview } from '../access';
import type { Caller } from '../caller';

const isPreview = (item: TimelineItem): boolean => PREVIEW_TYPES.includes(item.type);

/** The conversation as a list row shows it to the caller: `viewWithPreview`'s view with its `lastMessage`. */
export async function rowView<T extends Conversation>(store: Pick<Store, 'newestItemPicked'>, caller: Caller, conversation: T, plugins: Pick<PluginRegistry, 'isVisibleTo'>): Promise<T> {
  return withLastMessage(store, pluginAudienceOf(caller), await viewWithPreview(store, caller, conversation, plugins), plugins);
}

/** `conversation`, as `audience` sees it, with its `lastMessage`. */
export async function withLastMessage<T extends Conversation>(
  store: Pick<Store, 'newestItemPicked'>,
  audience: 'visitor' | 'team',
  conversation: T,
  plugins: Pick<PluginRegistry, 'isVisibleTo'>,
): Promise<T> {
  const last = conversation.lastTimelineItem;
  if (!last || isPreview(last)) return { ...conversation, lastMessage: last };
  const request = { audience: audience === 'visitor' ? 'public' : 'all', beforeSeq: last.seq, types: PREVIEW_TYPES } as const;
  const lastMessage = await store.newestItemPicked(conversation.id, request, (item) => itemFor(audience, item, plugins));
  return { ...conversation, lastMessage };
}
