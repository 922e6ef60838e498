/** A conversation's `waitingSince`: set by a visitor's message, kept until a person, the assistant (not by handing them over) or resolving answers it. */
import { describe, expect, it } from 'vitest';
import { agentAuthor, message, newConversation, note, useStore } from './fixtures';

const ctx = useStore('waiting_since');

const waitingSince = async (conversationId: string) => (await ctx.get().getConversation(conversationId))?.waitingSince;
const fromVisitor = (conversationId: string) => ctx.get().appendItem(message(conversationId));
const event = (conversationId: string, kind: 'resolved' | 'reopened' | 'participant_joined') =>
  ctx.get().appendItem(
    message(conversationId, {
      type: 'event',
      author: { kind: 'system', id: 'system' },
      text: undefined,
      event: kind === 'participant_joined' ? { kind, targetId: 'usr_agent' } : { kind, data: {} },
    } as never),
  );

describe('Store: waitingSince', () => {
  it('is the time of the first message the visitor is still waiting an answer to, whatever else is written meanwhile', async () => {
    const id = await newConversation(ctx.get());
    expect(await waitingSince(id)).toBeUndefined();
    const first = (await fromVisitor(id)).item;
    await fromVisitor(id);
    // Neither a note nor a public event answers the visitor.
    await ctx.get().appendItem(note(id));
    await event(id, 'participant_joined');
    expect(await waitingSince(id)).toBe(first.createdAt);
  });

  it('is cleared by a person’s public reply and by the assistant’s, and starts again at the visitor’s next message', async () => {
    const id = await newConversation(ctx.get());
    await fromVisitor(id);
    await ctx.get().appendItem(message(id, { author: agentAuthor('usr_agent') }));
    expect(await waitingSince(id)).toBeUndefined();
    const again = (await fromVisitor(id)).item;
    expect(await waitingSince(id)).toBe(again.createdAt);
    await ctx.get().appendItem(message(id, { author: { kind: 'ai', id: 'ai_1' } }));
    expect(await waitingSince(id)).toBeUndefined();
  });

  it('is cleared by anything else a person or the assistant shows the visitor, as a plugin’s quick replies, not by a visitor’s other items', async () => {
    const id = await newConversation(ctx.get());
    const asked = (await fromVisitor(id)).item;
    await ctx.get().appendItem(message(id, { type: 'rating', score: 4, text: undefined } as never));
    expect(await waitingSince(id)).toBe(asked.createdAt);
    const choices = { type: 'quick_replies', author: { kind: 'ai', id: 'ai_1' }, text: undefined, prompt: 'Which order?', options: [{ id: 'a', label: '#1041' }] };
    await ctx.get().appendItem(message(id, choices as never));
    expect(await waitingSince(id)).toBeUndefined();
  });

  it('is not cleared by the assistant’s message handing the visitor to the team, which is not shown as marked', async () => {
    const id = await newConversation(ctx.get());
    const asked = (await fromVisitor(id)).item;
    const { item } = await ctx.get().appendItem(message(id, { author: { kind: 'ai', id: 'ai_1' }, text: 'Someone from our team will reply here.' }), { handOff: true });
    expect(await waitingSince(id)).toBe(asked.createdAt);
    expect(item).not.toHaveProperty('handOff');
    expect(await ctx.get().getItem(item.id)).not.toHaveProperty('handOff');
    await ctx.get().appendItem(message(id, { author: agentAuthor('usr_agent') }));
    expect(await waitingSince(id)).toBeUndefined();
  });

  it('is not set by the team’s own message, nor cleared by a system message', async () => {
    const id = await newConversation(ctx.get());
    await ctx.get().appendItem(message(id, { author: agentAuthor('usr_agent') }));
    expect(await waitingSince(id)).toBeUndefined();
    const asked = (await fromVisitor(id)).item;
    await ctx.get().appendItem(message(id, { author: { kind: 'system', id: 'system' }, text: 'We reply within a day' }));
    expect(await waitingSince(id)).toBe(asked.createdAt);
  });

  it('is cleared by resolving, not set again by reopening, and set by the visitor writing after', async () => {
    const id = await newConversation(ctx.get());
    await fromVisitor(id);
    await event(id, 'resolved');
    expect(await waitingSince(id)).toBeUndefined();
    await event(id, 'reopened');
    expect(await waitingSince(id)).toBeUndefined();
    const after = (await fromVisitor(id)).item;
    expect(await waitingSince(id)).toBe(after.createdAt);
  });

  it('is right for items written together in one batch', async () => {
    const id = await newConversation(ctx.get());
    const [, , last] = await Promise.all([fromVisitor(id), ctx.get().appendItem(message(id, { author: agentAuthor('usr_agent') })), fromVisitor(id)]);
    expect(await waitingSince(id)).toBe(last.item.createdAt);
    const other = await newConversation(ctx.get());
    await Promise.all([fromVisitor(other), ctx.get().appendItem(note(other)), ctx.get().appendItem(message(other, { author: agentAuthor('usr_agent') }))]);
    expect(await waitingSince(other)).toBeUndefined();
  });
});
