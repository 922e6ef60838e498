/**
 * A listing's search (`q`) in the store: under the listing's other filters before anything else,
 * however many conversations match, and paged by a budget that goes on where a page stopped.
 */
import { describe, expect, it } from 'vitest';
import type { ConversationFilter } from '../../../activities/store/conversations';
import type { SearchBudget } from '../../../activities/store/conversation-search';
import { newId } from '../../../activities/store/ids';
import { message, note, useStore } from './fixtures';

const ctx = useStore('conversation_search');

/** A new conversation of `websiteId` with these texts said in it, in order; its id. */
async function conversationSaying(websiteId: string, texts: string[]): Promise<string> {
  const store = ctx.get();
  const { conversation } = await store.createConversation({ websiteId, visitorId: newId('vis') });
  for (const text of texts) await store.appendItem(message(conversation.id, { text }));
  return conversation.id;
}

/** Every page of the search, `limit` at a time: the ids found, and each page's size and whether it stopped at its budget. */
async function allPages(filter: ConversationFilter, limit: number, searchBudget?: SearchBudget) {
  const found: string[] = [];
  const pages: Array<{ size: number; incomplete: boolean }> = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.get().listConversations(filter, { audience: 'all' }, { limit, cursor, searchBudget });
    found.push(...page.conversations.map((c) => c.id));
    pages.push({ size: page.conversations.length, incomplete: page.searchIncomplete === true });
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return { found, pages };
}

describe('Store search (listConversations with search)', () => {
  it('finds a resolved match behind more than a thousand newer open ones, the status filter applied before any bound', async () => {
    const websiteId = newId('web');
    const store = ctx.get();
    const resolved = await conversationSaying(websiteId, ['I would like a refund please']);
    expect(await store.projectLifecycle(resolved, { status: 'resolved', priority: 'medium', handler: 'unassigned', participants: [], tags: [], resolvedAt: new Date().toISOString() }, 1)).toBe(true);
    for (let i = 0; i < 1001; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, 1001 - i) }, (_, j) => conversationSaying(websiteId, [`refund for order ${i + j}`])));
    }
    const page = await store.listConversations({ scope: { websiteId }, search: 'refund', status: 'resolved' }, { audience: 'all' }, { limit: 10 });
    expect(page.conversations.map((c) => c.id)).toEqual([resolved]);
    expect(page.nextCursor).toBeNull();
    // And the open ones are all there, page after page (the budget is far from spent by 1,001 conversations of one item).
    const open = await allPages({ scope: { websiteId }, search: 'refund', status: 'open' }, 100);
    expect(new Set(open.found).size).toBe(1001);
  });

  it('stops a page at its budget, short or empty, and goes on from there: every match once, in the listing order', async () => {
    const websiteId = newId('web');
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await conversationSaying(websiteId, ['hello', i % 7 === 3 ? 'my wallaby escaped' : 'nothing here', 'bye']));
    const matching = ids.filter((_, i) => i % 7 === 3).reverse(); // Newest activity first.
    const { found, pages } = await allPages({ scope: { websiteId }, search: 'wallaby' }, 2, { perPage: 20, perRead: 8 });
    expect(found).toEqual(matching);
    expect(pages.some((page) => page.incomplete && page.size < 2)).toBe(true);
    // Without a budget to speak of, the same in full pages.
    expect((await allPages({ scope: { websiteId }, search: 'wallaby' }, 2)).pages.every((page) => !page.incomplete)).toBe(true);
  });

  it('reads a conversation with more items than one read takes in parts, finding a match in its oldest', async () => {
    const websiteId = newId('web');
    const store = ctx.get();
    const long = await conversationSaying(websiteId, ['the platypus is ill', ...Array.from({ length: 24 }, (_, i) => `message ${i}`)]);
    await store.appendItem(note(long, { text: 'and a quoll' }));
    await conversationSaying(websiteId, ['nothing of the sort']);
    const search = (text: string) => allPages({ scope: { websiteId }, search: text }, 10, { perPage: 1000, perRead: 10 });
    expect((await search('platypus')).found).toEqual([long]);
    expect((await search('quoll')).found).toEqual([long]);
    expect((await search('message 11')).found).toEqual([long]);
    expect((await search('wombat')).found).toEqual([]);
  });
});
