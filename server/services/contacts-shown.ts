/**
 * The team sees who an identified visitor is: a conversation of a contact carries the contact's
 * name, email and external id (`contact`) in the team's answers and frames, read with one query
 * for a page of them. Visitors' answers never carry it.
 */
import type { Logger } from 'pino';
import type { Store } from '../../activities/store';
import type { Conversation } from '../../domain/conversation';
import type { Caller } from '../caller';

type ContactReader = Pick<Store, 'contactSummaries'>;

/**
 * The conversations with their contacts shown, for a team member; as they are for a visitor. Should
 * the contacts not be read, without them (logged): the answer may be of a change already made.
 */
export async function withContacts<T extends Pick<Conversation, 'contactId' | 'contact'>>(store: ContactReader, log: Logger, caller: Caller, conversations: T[]): Promise<T[]> {
  if (caller.kind !== 'agent') return conversations;
  try {
    return await contactsShown(store, caller.website.id, conversations);
  } catch (err) {
    log.warn({ err }, 'reading the contacts of conversations failed; answered without them');
    return conversations;
  }
}

/** The conversations (of one website) with their contacts shown. */
export async function contactsShown<T extends Pick<Conversation, 'contactId' | 'contact'>>(store: ContactReader, websiteId: string, conversations: T[]): Promise<T[]> {
  const ids = [...new Set(conversations.flatMap(({ contactId }) => (contactId === undefined ? [] : [contactId])))];
  const contacts = await store.contactSummaries(websiteId, ids);
  return conversations.map((conversation) => {
    const contact = conversation.contactId === undefined ? undefined : contacts.get(conversation.contactId);
    return contact ? { ...conversation, contact } : conversation;
  });
}
