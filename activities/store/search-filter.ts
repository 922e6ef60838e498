/** A listing's search (`q`) as a store query: what the inbox's search looks through, and how. */
import type { Filter } from 'mongodb';
import { searchPattern } from '../../domain/search-text';
import type { Collections, ConversationDoc } from './documents';

/**
 * How many conversations a search takes by their items, and how many contacts by their name or
 * email: those with the newest matching items, and the first contacts found. A search as wide as
 * that asks for a narrower one; the ids are held in memory and sent back in the listing's query.
 */
export const MAX_SEARCH_MATCHES = 1000;

/**
 * Conversations that hold `text` (trimmed and composed) in their title, a tag, their contact's name
 * or email, or the `text` of any item (messages, notes, plugin items) or of a message's text parts.
 * Items and contacts are scanned with the pattern (no index serves a regex that is not anchored);
 * only the ids of their conversations come back, at most `MAX_SEARCH_MATCHES` of each, and the
 * listing then filters and pages the conversations by them as by any other filter.
 */
export async function searchFilter({ items, contacts }: Collections, websiteId: string, text: string): Promise<Filter<ConversationDoc>> {
  // A string pattern with $options rather than a RegExp: the same source reaches MongoDB's engine as written.
  const matches = { $regex: searchPattern(text), $options: 'i' };
  const [contactIds, conversationIds] = await Promise.all([
    contacts
      .find({ websiteId, $or: [{ name: matches }, { email: matches }] }, { projection: { _id: 1 } })
      .limit(MAX_SEARCH_MATCHES)
      .map((doc) => doc._id)
      .toArray(),
    items
      .aggregate<{ _id: string }>([
        { $match: { websiteId, $or: [{ text: matches }, { 'parts.text': matches }] } },
        { $group: { _id: '$conversationId', newest: { $max: '$createdAt' } } },
        { $sort: { newest: -1 } },
        { $limit: MAX_SEARCH_MATCHES },
        { $project: { _id: 1 } },
      ])
      .map((doc) => doc._id)
      .toArray(),
  ]);
  return { $or: [{ title: matches }, { tags: matches }, { contactId: { $in: contactIds } }, { _id: { $in: conversationIds } }] };
}
