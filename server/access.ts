/**
 * What a caller may see: a conversation of its website (visitors: their own or their contact's,
 * otherwise it does not exist for them), and items of the audience its kind belongs to.
 */
import { isInVisitorScope, type Audience, type Store } from '../activities/store';
import { TEAM_ONLY_CONVERSATION_FIELDS, type Conversation } from '../domain/conversation';
import { AppError } from '../domain/errors';
import { isEvent, isTeamOnlyEvent, type TimelineItem } from '../domain/timeline';
import type { PluginRegistry } from '../plugins/registry';
import type { Caller } from './caller';

/** The store's audience (which items a listing may hold) for this caller. */
export const storeAudienceOf = (caller: Caller): Audience => (caller.kind === 'visitor' ? 'public' : 'all');
/** The plugin registry's audience for this caller. */
export const pluginAudienceOf = (caller: Caller): 'visitor' | 'team' => (caller.kind === 'visitor' ? 'visitor' : 'team');

export const isTeamOnlyField = (field: string): boolean => (TEAM_ONLY_CONVERSATION_FIELDS as readonly string[]).includes(field);

/**
 * The conversation without its team-only fields; `tags`, which every conversation has, is left empty
 * rather than absent. Its `lastTimelineItem` (the newest item stored public) is left out when the
 * plugins now hide its type from visitors (a type made private, or a plugin taken away, after it was
 * stored), as the timeline hides it; `viewWithPreview` reads the newest one the visitor may see instead.
 */
export function visitorView<T extends Partial<Conversation>>(conversation: T, plugins: Pick<PluginRegistry, 'isVisibleTo'>): T {
  const view: Partial<Conversation> = { ...conversation };
  for (const field of TEAM_ONLY_CONVERSATION_FIELDS) delete view[field];
  if ('tags' in conversation) view.tags = [];
  if (view.lastTimelineItem) view.lastTimelineItem = itemFor('visitor', view.lastTimelineItem, plugins) ?? null;
  return view as T;
}

/** Event kinds whose `data` is there only to hold a reason: a visitor's copy has none, so it does not tell that one was given. */
const DATA_ONLY_FOR_REASON: ReadonlySet<string> = new Set(['participant_left', 'unassigned']);

/**
 * The item as the audience sees it, or undefined when its type is hidden from it. A visitor sees
 * no event of the team's own kinds, and the others without their `reason`: why an agent resolved,
 * reopened, asked for someone, left or unassigned is the team's.
 */
export function itemFor(audience: 'visitor' | 'team', item: TimelineItem, plugins: Pick<PluginRegistry, 'isVisibleTo'>): TimelineItem | undefined {
  if (!plugins.isVisibleTo(item, audience)) return undefined;
  if (audience === 'team') return item;
  if (isTeamOnlyEvent(item)) return undefined;
  if (!isEvent(item) || !('data' in item.event) || !item.event.data || !('reason' in item.event.data)) return item;
  const { reason: _teamOnly, ...data } = item.event.data;
  if (DATA_ONLY_FOR_REASON.has(item.event.kind)) {
    const { data: _reasonOnly, ...event } = item.event;
    return { ...item, event } as TimelineItem;
  }
  return { ...item, event: { ...item.event, data } } as TimelineItem;
}

/** The conversation as this caller sees it. */
export const viewFor = <T extends Partial<Conversation>>(caller: Caller, conversation: T, plugins: Pick<PluginRegistry, 'isVisibleTo'>): T =>
  caller.kind === 'visitor' ? visitorView(conversation, plugins) : conversation;

/**
 * The conversation as this caller sees it, its `lastTimelineItem` the newest item the caller may see.
 * The stored preview is the newest item stored public; when the visitor may not see it (its type
 * made private since, or a team-only event an earlier version stored public), the newest one it may
 * see is read from the timeline instead, and `updatedAt` is that item's time (or the creation's), as
 * it always is for a visitor. Only such a conversation costs the extra read.
 */
export async function viewWithPreview<T extends Conversation>(
  store: Pick<Store, 'newestItemPicked'>,
  caller: Caller,
  conversation: T,
  plugins: Pick<PluginRegistry, 'isVisibleTo'>,
): Promise<T> {
  const view = viewFor(caller, conversation, plugins);
  const stored = conversation.lastTimelineItem;
  if (caller.kind !== 'visitor' || !stored || view.lastTimelineItem) return view;
  const visible = await store.newestItemPicked(conversation.id, { audience: 'public', beforeSeq: stored.seq }, (item) => itemFor('visitor', item, plugins));
  return { ...view, lastTimelineItem: visible, updatedAt: visible?.createdAt ?? conversation.createdAt };
}

export function maySee(caller: Caller, conversation: Pick<Conversation, 'websiteId' | 'visitorId' | 'contactId'>): boolean {
  if (conversation.websiteId !== caller.website.id) return false;
  if (caller.kind === 'agent') return true;
  return isInVisitorScope(conversation, { id: caller.visitorId, contactId: caller.contactId });
}

/** Who a conversation belongs to, which is all an access check reads. */
export type ConversationScope = Pick<Conversation, 'id' | 'websiteId' | 'visitorId' | 'contactId'>;

/**
 * Conversations' scopes remembered for the message hot path, which would otherwise read the
 * conversation on every message. Safe to keep without expiry: websiteId and visitorId never change
 * and contactId is set at most once (when the visitor identifies; see the store's identifyContact),
 * so a caller once allowed stays allowed; a refusal is checked against the store again.
 */
export class ConversationScopes {
  /** Insertion order doubles as age: past capacity, the oldest entry goes. */
  private readonly scopes = new Map<string, ConversationScope>();

  constructor(
    private readonly store: Store,
    private readonly capacity = 100_000,
  ) {}

  /** The conversation's scope; 404 when the caller may not see it. */
  async visible(caller: Caller, conversationId: string): Promise<ConversationScope> {
    const cached = this.scopes.get(conversationId);
    if (cached && maySee(caller, cached)) return cached;
    const { id, websiteId, visitorId, contactId } = await visibleConversation(this.store, caller, conversationId);
    const scope: ConversationScope = { id, websiteId, visitorId, ...(contactId ? { contactId } : {}) };
    this.scopes.delete(id);
    this.scopes.set(id, scope);
    if (this.scopes.size > this.capacity) this.scopes.delete(this.scopes.keys().next().value!);
    return scope;
  }
}

/** The conversation, unfiltered (its last item for the caller's audience); 404 when the caller may not see it. */
export async function visibleConversation(store: Store, caller: Caller, conversationId: string): Promise<Conversation> {
  const conversation = await store.getConversation(conversationId, storeAudienceOf(caller));
  if (!conversation || !maySee(caller, conversation)) throw new AppError('ERR_NOT_FOUND', `Unknown conversation ${conversationId}`);
  return conversation;
}
