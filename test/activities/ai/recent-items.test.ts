import { describe, expect, it } from 'vitest';
import { recentItems } from '../../../activities/ai/store-lookups';
import { message, newConversation, note, useStore } from '../store/fixtures';

const ctx = useStore('recent_items');

describe('recentItems (what the assistant reads)', () => {
  it('reads past the team\'s notes for the newest public items, with the notes among them', async () => {
    const store = ctx.get();
    const conversationId = await newConversation(store);
    await store.appendItem(message(conversationId, { id: 'ri-first', text: 'my order never came' }));
    for (let i = 0; i < 150; i++) await store.appendItem(note(conversationId, { id: `ri-note-${i}`, text: `note ${i}` }));
    await store.appendItem(message(conversationId, { id: 'ri-last', text: 'any news?' }));

    const items = await recentItems(store, conversationId, 2);
    expect(items.map((item) => item.id)).toEqual(['ri-first', ...Array.from({ length: 150 }, (_, i) => `ri-note-${i}`), 'ri-last']);
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
});
