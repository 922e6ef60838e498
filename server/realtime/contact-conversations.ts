/**
 * What a visitor's open sockets are told when identify links the visitor to a contact: the
 * contact's conversations from its other devices, which they start to hear only now, each as
 * `conversationCreated` (as this visitor may see it, with its unread count), so a live widget lists
 * them without reading the list again. The device's own conversations it has already.
 */
import type { Store } from '../../activities/store';
import type { PluginRegistry } from '../../plugins/registry';
import { visitorViewerOf, type VisitorCaller } from '../caller';
import { rowView } from '../services/last-message';
import type { ServerEvent } from './events';

/**
 * The most recently active conversations told of: a widget lists the rest with `GET
 * /v1/conversations` as it pages, and a contact with thousands costs one read and one batch, not thousands.
 */
export const CONTACT_CONVERSATIONS_TOLD = 50;

export type ContactStore = Pick<Store, 'listConversations' | 'newestItemPicked'>;

/** The frames, newest activity first; read whole before any is sent, so they leave as one batch. */
export async function contactConversationFrames(store: ContactStore, plugins: Pick<PluginRegistry, 'isVisibleTo'>, caller: VisitorCaller): Promise<string[]> {
  const scope = { websiteId: caller.website.id, visitor: { id: caller.visitorId, contactId: caller.contactId } };
  const reader = { audience: 'public' as const, viewer: visitorViewerOf(caller) };
  const page = await store.listConversations({ scope }, reader, { limit: CONTACT_CONVERSATIONS_TOLD });
  const earlier = page.conversations.filter((conversation) => conversation.visitorId !== caller.visitorId);
  const views = await Promise.all(earlier.map((conversation) => rowView(store, caller, conversation, plugins)));
  return views.map((entry) => JSON.stringify({ type: 'conversationCreated', payload: { conversationId: entry.id, conversation: entry } } satisfies ServerEvent));
}
