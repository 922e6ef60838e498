import { describe, expect, it } from 'vitest';
import type { ConversationListEntry } from '../../../domain/conversation';
import { ConversationCollection, previewItemOf } from '../../../web/shared/conversation-collection';
import type { TimelineEvent } from '../../../domain/timeline';
import { AGENT, conversation, event, message, VISITOR } from './items';

const entry = (id: string, updatedAt: string, unreadCount = 0): ConversationListEntry => ({
  ...conversation({ id, createdAt: updatedAt, updatedAt }),
  unreadCount,
});

describe('ConversationCollection', () => {
  describe('#update', () => {
    it('takes a field a conversationUpdated gives as null as removed', () => {
      const list = new ConversationCollection();
      list.reset([{ ...entry('c1', '2026-01-01T00:00:00Z'), assigneeId: 'agent_alex', handler: 'human' }], list.changeMark());
      list.update('c1', { assigneeId: null, handler: 'ai' } as unknown as Partial<ConversationListEntry>);
      expect(list.get('c1')).toMatchObject({ handler: 'ai' });
      expect(list.get('c1')).not.toHaveProperty('assigneeId');
    });
  });

  describe('the last message a row previews', () => {
    const joined = (seq: number) => event(seq, { kind: 'participant_joined', targetId: 'agent_alex' } as TimelineEvent);

    it('keeps the last message while events come after it, and takes a newer message live', () => {
      const list = new ConversationCollection();
      const asked = message(1, VISITOR, 'Where is my parcel?');
      list.reset([{ ...entry('c1', '2026-01-01T00:00:00Z'), lastTimelineItem: joined(2), lastMessage: asked }], list.changeMark());
      list.addItem(event(3, { kind: 'priority_changed', data: { from: 'medium', to: 'high' } } as TimelineEvent), { ownItem: false, beingRead: false });
      expect(previewItemOf(list.get('c1')!)).toEqual(asked);
      const answer = message(4, AGENT, 'On its way');
      list.addItem(answer, { ownItem: false, beingRead: false });
      expect(previewItemOf(list.get('c1')!)).toEqual(answer);
    });

    it('keeps it when a copy without one (a lifecycle answer) comes, and takes the newer of two copies', () => {
      const list = new ConversationCollection();
      const asked = message(1, VISITOR, 'Hello');
      list.reset([{ ...entry('c1', '2026-01-01T00:00:00Z'), lastTimelineItem: asked, lastMessage: asked }], list.changeMark());
      list.put({ ...conversation({ stateVersion: 5 }), lastTimelineItem: joined(2) });
      expect(list.get('c1')).toMatchObject({ lastTimelineItem: { seq: 2 }, lastMessage: asked });
      const later = message(3, AGENT, 'Hi there');
      list.put({ ...conversation({ stateVersion: 6 }), lastTimelineItem: later });
      expect(list.get('c1')?.lastMessage).toEqual(later);
    });

    it('takes the last message a listing gives even when the listing is no newer than the copy held', () => {
      const list = new ConversationCollection();
      const asked = message(1, VISITOR, 'Hello');
      const resolved = event(2, { kind: 'resolved', data: {} } as TimelineEvent);
      // A frame without lastMessage first (a conversation joining the contact), then the same state listed.
      list.put({ ...conversation({ stateVersion: 3 }), lastTimelineItem: resolved });
      list.reset([{ ...entry('c1', '2026-01-01T00:00:00Z'), stateVersion: 3, lastTimelineItem: resolved, lastMessage: asked }], list.changeMark());
      expect(previewItemOf(list.get('c1')!)).toEqual(asked);
    });

    it('keeps a last item that was a message as the last message when an event follows it live', () => {
      const list = new ConversationCollection();
      const asked = message(1, VISITOR, 'Hello');
      list.put({ ...conversation(), lastTimelineItem: asked });
      list.addItem(joined(2), { ownItem: false, beingRead: false });
      expect(previewItemOf(list.get('c1')!)).toEqual(asked);
    });

    it('previews the last item when nothing was said yet, or the server sends no last message', () => {
      expect(previewItemOf({ ...conversation(), lastTimelineItem: joined(1), lastMessage: null })).toMatchObject({ seq: 1, type: 'event' });
      expect(previewItemOf({ ...conversation(), lastTimelineItem: joined(1) })).toMatchObject({ seq: 1 });
    });
  });

  describe('#addItem', () => {
    it("counts others' items as unread, not the reader's own", () => {
      const list = new ConversationCollection();
      list.reset([entry('c1', '2026-01-01T00:00:00Z')], list.changeMark());
      list.addItem(message(1, AGENT, 'hello'), { ownItem: false, beingRead: false });
      list.addItem(message(2, VISITOR, 'thanks'), { ownItem: true, beingRead: false });
      expect(list.get('c1')?.unreadCount).toBe(1);
      expect(list.unreadConversations()).toBe(1);
    });

    it('counts conversations with something unread for the badge, not their items', () => {
      const list = new ConversationCollection();
      list.reset([entry('c1', '2026-01-01T00:00:00Z', 3), entry('c2', '2026-01-01T00:00:01Z', 1), entry('c3', '2026-01-01T00:00:02Z')], list.changeMark());
      expect(list.unreadConversations()).toBe(2);
    });

    it('counts no events, as the server does not (they become the last item all the same)', () => {
      const list = new ConversationCollection();
      list.reset([entry('c1', '2026-01-01T00:00:00Z')], list.changeMark());
      list.addItem(event(1, { kind: 'resolved' } as TimelineEvent), { ownItem: false, beingRead: false });
      expect(list.get('c1')).toMatchObject({ unreadCount: 0, lastTimelineItem: { seq: 1 } });
    });

    it('clears the count while the reader looks at the conversation', () => {
      const list = new ConversationCollection();
      list.reset([entry('c1', '2026-01-01T00:00:00Z', 3)], list.changeMark());
      list.addItem(message(4, AGENT, 'more'), { ownItem: false, beingRead: true });
      expect(list.get('c1')?.unreadCount).toBe(0);
    });

    it('does not count an item again when it is delivered twice', () => {
      const list = new ConversationCollection();
      list.reset([entry('c1', '2026-01-01T00:00:00Z')], list.changeMark());
      const item = message(1, AGENT, 'hello');
      list.addItem(item, { ownItem: false, beingRead: false });
      list.addItem(item, { ownItem: false, beingRead: false });
      expect(list.get('c1')?.unreadCount).toBe(1);
    });

    it('reports a conversation it does not hold', () => {
      expect(new ConversationCollection().addItem(message(1, AGENT, 'x', 'other'), { ownItem: false, beingRead: false })).toBe(false);
    });
  });

  describe('#sorted', () => {
    it('puts the conversation with the newest item first', () => {
      const list = new ConversationCollection();
      list.reset([entry('old', '2026-01-01T00:00:00Z'), entry('new', '2026-01-02T00:00:00Z')], list.changeMark());
      expect(list.sorted().map((c) => c.id)).toEqual(['new', 'old']);
      list.addItem({ ...message(1, VISITOR, 'bump', 'old'), createdAt: '2026-01-03T00:00:00Z' }, { ownItem: false, beingRead: false });
      expect(list.sorted().map((c) => c.id)).toEqual(['old', 'new']);
    });
  });

  describe('#reset', () => {
    it('takes a fresh listing whole, but keeps what frames that came while it was read made newer', () => {
      const list = new ConversationCollection();
      const before = message(6, VISITOR, 'hello');
      const listed = { ...entry('c1', before.createdAt, 1), lastTimelineItem: before, handler: 'ai' as const, stateVersion: 3 };
      list.reset([listed, entry('gone', '2026-01-01T00:00:00Z')], list.changeMark());
      // While the next listing is read: a person takes over, and the visitor writes again.
      const readFrom = list.changeMark();
      list.update('c1', { handler: 'human', stateVersion: 4 });
      list.addItem(message(7, VISITOR, 'still there?'), { ownItem: false, beingRead: false });
      list.reset([listed, entry('new', '2026-01-02T00:00:00Z')], readFrom);
      expect(list.get('c1')).toMatchObject({ handler: 'human', stateVersion: 4, lastTimelineItem: { seq: 7 }, unreadCount: 2 });
      expect(list.get('gone')).toBeUndefined();
      expect(list.get('new')).toBeDefined();
      // Read while nothing newer came, its unread count stands (a seen mark on another device while this one was away).
      list.reset([{ ...listed, handler: 'human', stateVersion: 4, lastTimelineItem: message(7, VISITOR, 'still there?'), unreadCount: 0 }], list.changeMark());
      expect(list.get('c1')).toMatchObject({ lastTimelineItem: { seq: 7 }, unreadCount: 0 });
      // A listing newer than what is held is taken, its unread count with it.
      list.reset([{ ...listed, handler: 'unassigned', stateVersion: 5, lastTimelineItem: message(8, AGENT, 'hi'), unreadCount: 0 }], list.changeMark());
      expect(list.get('c1')).toMatchObject({ handler: 'unassigned', stateVersion: 5, lastTimelineItem: { seq: 8 }, unreadCount: 0 });
    });

    it('keeps what a listing left out but changed while it was read (assigned to the reader as "Assigned to me" is read), and lets go of the rest', () => {
      const list = new ConversationCollection();
      list.reset([entry('assigned', '2026-01-01T00:00:00Z'), entry('untouched', '2026-01-01T00:00:01Z'), entry('fetched-before', '2026-01-01T00:00:02Z')], list.changeMark());
      list.put(entry('fetched-before', '2026-01-01T00:00:03Z'));
      const readFrom = list.changeMark();
      // The listing is read as of now; then the assignment comes live, and a conversation not held is fetched.
      list.update('assigned', { assigneeId: 'agent_alex', stateVersion: 2 });
      list.put(entry('fetched', '2026-01-01T00:00:04Z'));
      list.reset([], readFrom);
      expect(list.get('assigned')).toMatchObject({ assigneeId: 'agent_alex', stateVersion: 2 });
      expect(list.get('fetched')).toBeDefined();
      expect(list.get('untouched')).toBeUndefined();
      expect(list.get('fetched-before')).toBeUndefined();
      // Kept once, not for ever: a listing read after that change may leave it out.
      list.reset([], list.changeMark());
      expect(list.sorted()).toEqual([]);
    });
  });

  describe('#put', () => {
    it('passes over a copy older than the one held, and takes a newer one', () => {
      const list = new ConversationCollection();
      list.reset([{ ...entry('c1', '2026-01-01T06:00:00Z', 2), status: 'resolved' }], list.changeMark());
      list.put({ ...entry('c1', '2026-01-01T05:00:00Z'), status: 'open' });
      expect(list.get('c1')).toMatchObject({ status: 'resolved', updatedAt: '2026-01-01T06:00:00Z' });
      // A live item since: a copy as of before it is older, whatever its updatedAt says.
      list.addItem(message(5, AGENT, 'later'), { ownItem: false, beingRead: false });
      list.put({ ...entry('c1', '2026-01-01T06:00:00Z'), status: 'open' });
      expect(list.get('c1')).toMatchObject({ status: 'resolved', unreadCount: 3 });
      list.put({ ...entry('c1', '2026-02-01T00:00:00Z'), status: 'open' });
      expect(list.get('c1')).toMatchObject({ status: 'open' });
    });

    it('keeps the held copy over one with the same times: a change without an item the reader sees moves none of them', () => {
      const list = new ConversationCollection();
      const hello = message(4, AGENT, 'hello');
      const copy = { ...entry('c1', hello.createdAt, 0), lastTimelineItem: hello, status: 'open' as const, handler: 'ai' as const };
      list.reset([{ ...copy, unreadCount: 1 }], list.changeMark());
      // Handed to a person without an item the visitor sees: told by a conversationUpdated, the times stay.
      list.update('c1', { status: 'open', handler: 'human' });
      // A snapshot read before that, with the same times (identify's list, a conversationCreated).
      list.put(copy);
      expect(list.get('c1')).toMatchObject({ handler: 'human', unreadCount: 1 });
      // Newer by its update time (an agent's copy after a change) or by an item: taken.
      const later = new Date(Date.parse(hello.createdAt) + 1_000).toISOString();
      list.put({ ...copy, updatedAt: later });
      expect(list.get('c1')).toMatchObject({ handler: 'ai', unreadCount: 0 });
      list.put({ ...copy, updatedAt: later, handler: 'human', lastTimelineItem: message(5, VISITOR, 'thanks') });
      expect(list.get('c1')).toMatchObject({ handler: 'human', lastTimelineItem: { seq: 5 } });
    });

    it('orders copies with the same times by their stateVersion: the older is passed over, the newer taken', () => {
      const list = new ConversationCollection();
      const hello = message(6, AGENT, 'hello');
      const copy = { ...entry('c1', hello.createdAt, 0), lastTimelineItem: hello, handler: 'ai' as const, stateVersion: 3 };
      list.reset([copy], list.changeMark());
      list.update('c1', { handler: 'human', stateVersion: 4 });
      list.put(copy);
      expect(list.get('c1')).toMatchObject({ handler: 'human', stateVersion: 4 });
      // A copy the held one has not caught up with (a frame it missed), times unmoved all the same.
      list.put({ ...copy, handler: 'unassigned', stateVersion: 5 });
      expect(list.get('c1')).toMatchObject({ handler: 'unassigned', stateVersion: 5 });
      // Newer by its version but older by its last item (read before an item that came live): its lifecycle is taken, the item kept.
      list.addItem(message(7, VISITOR, 'still there?'), { ownItem: false, beingRead: false });
      list.put({ ...copy, handler: 'ai', stateVersion: 6 });
      expect(list.get('c1')).toMatchObject({ handler: 'ai', stateVersion: 6, lastTimelineItem: { seq: 7 } });
    });

    it('orders last items by seq: an event timed before the message stored just ahead of it is still the newer', () => {
      const list = new ConversationCollection();
      const typed = message(5, VISITOR, 'one more thing');
      const held = { ...entry('c1', typed.createdAt, 0), lastTimelineItem: typed, status: 'open' as const, stateVersion: 3 };
      list.reset([held], list.changeMark());
      // An agent's resolve, decided a moment before the visitor's message was stored: its event is seq 6, timed earlier.
      const resolved = { ...event(6, { kind: 'resolved' } as TimelineEvent), createdAt: new Date(Date.parse(typed.createdAt) - 100).toISOString() };
      list.put({ ...held, status: 'resolved', stateVersion: 4, lastTimelineItem: resolved });
      expect(list.get('c1')).toMatchObject({ status: 'resolved', stateVersion: 4, lastTimelineItem: { seq: 6 } });
    });
  });

  describe('#update', () => {
    it('merges a conversationUpdated and keeps the unread count', () => {
      const list = new ConversationCollection();
      list.reset([entry('c1', '2026-01-01T00:00:00Z', 2)], list.changeMark());
      expect(list.update('c1', { status: 'resolved' })).toBe(true);
      expect(list.get('c1')).toMatchObject({ status: 'resolved', unreadCount: 2 });
      expect(list.update('missing', { status: 'resolved' })).toBe(false);
    });
  });
});
