import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { recentItems } from '../../../activities/ai/store-lookups';
import type { Store } from '../../../activities/store';
import { collectionsOf } from '../../../activities/store/documents';
import { inCommandPerCollection } from '../../../activities/store/ordered-writes';
import { timelineMethods } from '../../../activities/store/timeline';
import { TimelineEnds } from '../../../activities/store/timeline-ends';
import { message, newConversation, note, useStore } from '../store/fixtures';

const ctx = useStore('recent_items');

/** A conversation of two messages with `notes` of the team's notes between them; the ids it holds, in order. */
async function messagesAroundNotes(store: Store, prefix: string, notes: number): Promise<{ conversationId: string; ids: string[] }> {
  const conversationId = await newConversation(store);
  const ids = [`${prefix}-first`, ...Array.from({ length: notes }, (_, i) => `${prefix}-note-${i}`), `${prefix}-last`];
  await store.appendItem(message(conversationId, { id: ids[0]!, text: 'my order never came' }));
  for (const id of ids.slice(1, -1)) await store.appendItem(note(conversationId, { id, text: id }));
  await store.appendItem(message(conversationId, { id: ids.at(-1)!, text: 'any news?' }));
  return { conversationId, ids };
}

describe('recentItems (what the assistant reads)', () => {
  it('reads past the team\'s notes for the newest public items, with the notes among them', async () => {
    const store = ctx.get();
    const { conversationId, ids } = await messagesAroundNotes(store, 'ri', 150);

    const items = await recentItems(store, conversationId, 2);
    expect(items.map((item) => item.id)).toEqual(ids);
    expect(items.map((item) => item.seq)).toEqual(Array.from({ length: 152 }, (_, i) => i + 1));
  });

  it('stops at the limit of public items, and reads no further back than five pages', async () => {
    const store = ctx.get();
    const conversationId = await newConversation(store);
    for (let i = 0; i < 3; i++) await store.appendItem(message(conversationId, { id: `ri-m-${i}`, text: `m${i}` }));
    expect((await recentItems(store, conversationId, 2)).map((item) => item.id)).toEqual(['ri-m-1', 'ri-m-2']);

    const notesOnly = await newConversation(store);
    await store.appendItem(message(notesOnly, { id: 'ri-too-far', text: 'long ago' }));
    for (let i = 0; i < 520; i++) await store.appendItem(note(notesOnly, { id: `ri-n-${i}`, text: `n${i}` }));
    const read = await recentItems(store, notesOnly, 100);
    expect(read).toHaveLength(500);
    expect(read[0]!.id).toBe('ri-n-20');
  });

  it('reads the items page by page and nothing else: it does not ask whether newer items follow, as a REST page does', async () => {
    const store = ctx.get();
    const { conversationId, ids } = await messagesAroundNotes(store, 'rc', 250);

    const client = await MongoClient.connect(ctx.mongo().uri, { monitorCommands: true });
    try {
      const commands: string[] = [];
      client.on('commandStarted', (event) => commands.push(event.commandName));
      const monitored = timelineMethods(collectionsOf(client.db(ctx.dbName)), new TimelineEnds(), inCommandPerCollection);
      const items = await recentItems(monitored, conversationId, 2);
      expect(items).toEqual(await recentItems(store, conversationId, 2));
      expect(items.map((item) => item.id)).toEqual(ids);
      expect(commands).toEqual(['find', 'find', 'find']);
    } finally {
      await client.close();
    }
  });
});
