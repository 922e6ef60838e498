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

type WithContact = Pick<Conversation, 'contactId' | 'contact'>;

/** The conversations with their contacts shown, for a team member; as they are for a visitor. */
export function withContacts<T extends WithContact>(store: ContactReader, log: Logger, caller: Caller, conversations: T[]): Promise<T[]> {
  return caller.kind === 'agent' ? contactsShown(store, log, caller.website.id, conversations) : Promise.resolve(conversations);
}

/** One conversation as `withContacts` gives it. */
export async function withContact<T extends WithContact>(store: ContactReader, log: Logger, caller: Caller, conversation: T): Promise<T> {
  return (await withContacts(store, log, caller, [conversation]))[0]!;
}

/**
 * The conversations (of one website) with their contacts shown. Should the contacts not be read,
 * without them (logged): the answer or frame may be of a change already made.
 */
export async function contactsShown<T extends WithContact>(store: ContactReader, log: Logger, websiteId: string, conversations: T[]): Promise<T[]> {
  try {
    return await readContacts(store, websiteId, conversations);
  } catch (err) {
    log.warn({ err }, 'reading the contacts of conversations failed; went without them');
    return conversations;
  }
}

async function readContacts<T extends WithContact>(store: ContactReader, websiteId: string, conversations: T[]): Promise<T[]> {
  const ids = [...new Set(conversations.flatMap(({ contactId }) => (contactId === undefined ? [] : [contactId])))];
  const contacts = await store.contactSummaries(websiteId, ids);
  return conversations.map((conversation) => {
    const contact = conversation.contactId === undefined ? undefined : contacts.get(conversation.contactId);
    return contact ? { ...conversation, contact } : conversation;
  });
}
