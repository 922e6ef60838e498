/**
 * What a caller may see: a conversation of its website (visitors: their own or their contact's,
 * otherwise it does not exist for them), and items of the audience its kind belongs to.
 */
import { isInVisitorScope, type Audience, type Store } from '../activities/store';
import type { Conversation } from '../domain/conversation';
import { AppError } from '../domain/errors';
import type { Caller } from './caller';

/** The store's audience (which items a listing may hold) for this caller. */
export const storeAudienceOf = (caller: Caller): Audience => (caller.kind === 'visitor' ? 'public' : 'all');
/** The plugin registry's audience for this caller. */
export const pluginAudienceOf = (caller: Caller): 'visitor' | 'team' => (caller.kind === 'visitor' ? 'visitor' : 'team');

/** Conversation fields only the team sees: agents' own words and triage. */
const TEAM_ONLY_FIELDS = ['escalationReason', 'escalatedAt', 'tags', 'aiPausedUntil', 'resolvedBy'] as const;

export const isTeamOnlyField = (field: string): boolean => (TEAM_ONLY_FIELDS as readonly string[]).includes(field);

export function visitorView<T extends Partial<Conversation>>(conversation: T): T {
  const view = { ...conversation };
  for (const field of TEAM_ONLY_FIELDS) delete view[field];
  return view;
}

/** The conversation as this caller sees it. */
export const viewFor = <T extends Partial<Conversation>>(caller: Caller, conversation: T): T =>
  caller.kind === 'visitor' ? visitorView(conversation) : conversation;

export function maySee(caller: Caller, conversation: Pick<Conversation, 'websiteId' | 'visitorId' | 'contactId'>): boolean {
  if (conversation.websiteId !== caller.website.id) return false;
  if (caller.kind === 'agent') return true;
  return isInVisitorScope(conversation, { id: caller.visitorId, contactId: caller.contactId });
}

/** The conversation, unfiltered (its last item for the caller's audience); 404 when the caller may not see it. */
export async function visibleConversation(store: Store, caller: Caller, conversationId: string): Promise<Conversation> {
  const conversation = await store.getConversation(conversationId, storeAudienceOf(caller));
  if (!conversation || !maySee(caller, conversation)) throw new AppError('ERR_NOT_FOUND', `Unknown conversation ${conversationId}`);
  return conversation;
}
