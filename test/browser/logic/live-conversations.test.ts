import { describe, expect, it } from 'vitest';
import { LiveConversations, type LiveChange } from '../../../web/shared/live-conversations';
import type { ResumePoint } from '../../../web/shared/socket';
import { loadOlder, loadTimeline } from '../../../web/shared/timeline-loader';
import type { Conversation, TimelineItem } from '../../../web/shared/wire';
import { AGENT, AI, conversation, event, message, VISITOR } from './items';
import { pagedApi } from './paged-api';

const live = (onChange: (change: LiveChange) => void = () => undefined) =>
  new LiveConversations({ isOwn: () => false, isReading: () => false, onChange, onUnknownConversation: () => undefined });

const created = (item: TimelineItem) => ({ type: 'timelineItemCreated', payload: { conversationId: item.conversationId, item } }) as const;
const completed = (throughSeq: number, conversationId = 'c1') => ({ type: 'resumeCompleted', payload: { conversationId, throughSeq } }) as const;

describe('LiveConversations', () => {
  it('keeps only the timeline on screen after a reconnect: the others are loaded afresh when opened', () => {
    const pages = live();
    pages.timelineOf('a').upsert(message(3, VISITOR, 'on screen', 'a'));
    pages.timelineOf('b').upsert(message(7, VISITOR, 'held before', 'b'));
    pages.resumePoints();
    pages.handleFrame(completed(3, 'a'));
    pages.handleFrame(completed(7, 'b'));
    pages.keepOnlyTimeline('a');
    expect(pages.resumePoints()).toEqual([{ conversationId: 'a', afterSeq: 3 }]);
    expect(pages.timelineOf('b').items()).toEqual([]);
  });

  it("keeps an author's typing indicator through their records and events, and ends it with their message", () => {
    const pages = live();
    const typing = { type: 'conversationTyping', payload: { conversationId: 'c1', actorType: 'ai', actorId: AI.id, isTyping: true } } as const;
    pages.handleFrame(typing);
    const toolCall: TimelineItem = { ...message(2, AI, ''), type: 'ai_tool_call', visibility: 'private', toolName: 'tag', state: 'accepted', input: {} } as unknown as TimelineItem;
    pages.handleFrame(created(toolCall));
    pages.handleFrame(created({ ...event(3, { kind: 'tag_added', data: { tag: 'billing' } }), author: AI }));
    expect(pages.typing.typing('c1').map((typist) => typist.actorId)).toEqual([AI.id]);
    pages.handleFrame(created(message(4, AI, 'Here is how')));
    expect(pages.typing.typing('c1')).toEqual([]);
  });

  describe('#resumePoints', () => {
    it("resumes after what the socket confirmed, not past the socket's items still on their way when the page's own post came back", async () => {
      const pages = live();
      const timeline = pages.timelineOf('c1');
      await loadTimeline(pagedApi(3).api, timeline);
      expect(pages.resumePoints()).toEqual([{ conversationId: 'c1', afterSeq: 3 }]); // The newest page, complete when read.
      pages.handleFrame(completed(3));
      pages.handleFrame(created(message(4, AGENT, 'a reply')));
      pages.handleFrame(created(message(5, AGENT, 'another')));
      // The REST answer of the reader's own post (seq 7) comes before the socket brought 6; then the socket drops.
      pages.receiveItem(message(7, VISITOR, 'my post'));
      expect(timeline.lastSeq).toBe(7);
      expect(pages.resumePoints()).toEqual([{ conversationId: 'c1', afterSeq: 5 }]);

      // The new socket's items before its resume is done (live ones sent ahead of the backfill) do not count.
      pages.handleFrame(created(message(8, AGENT, 'live, ahead of the backfill')));
      expect(timeline.resume.afterSeq).toBe(5);
      pages.handleFrame(created(message(6, AGENT, 'backfilled')));
      pages.handleFrame(completed(9));
      expect(timeline.resume.afterSeq).toBe(9);
      pages.handleFrame(created(message(10, AGENT, 'live')));
      expect(timeline.resume.afterSeq).toBe(10);
      expect(timeline.items().map((item) => item.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10]);
    });

    it('takes no resumeCompleted for a timeline the socket was not asked to resume (let go after a reconnect, and opened again)', async () => {
      const pages = live();
      pages.timelineOf('c1');
      pages.resumePoints();
      pages.keepOnlyTimeline(undefined);
      const timeline = pages.timelineOf('c1');
      await loadTimeline(pagedApi(3).api, timeline);
      pages.handleFrame(completed(9));
      pages.handleFrame(created(message(10, AGENT, 'live')));
      expect(timeline.resume.afterSeq).toBe(3);
    });
  });

  describe('#resumeOnSocket', () => {
    it('asks the open socket once to resume a timeline opened since it connected, after which its items move the resume mark', async () => {
      const pages = live();
      pages.resumePoints(); // The socket connects, holding no timeline.
      const timeline = pages.timelineOf('c1');
      await loadTimeline(pagedApi(3).api, timeline);
      pages.handleFrame(created(message(4, AGENT, 'live')));
      expect(timeline.resume.afterSeq).toBe(3);

      const sent: ResumePoint[] = [];
      const send = (point: ResumePoint) => sent.push(point) > 0;
      pages.resumeOnSocket('c1', () => false); // Not open: nothing was asked.
      pages.resumeOnSocket('c1', send);
      pages.resumeOnSocket('c1', send);
      expect(sent).toEqual([{ conversationId: 'c1', afterSeq: 3 }]);
      pages.handleFrame(completed(4));
      pages.handleFrame(created(message(5, AGENT, 'live')));
      expect(timeline.resume.afterSeq).toBe(5);
    });
  });

  describe('#handleFrame', () => {
    describe('conversationSeen', () => {
      const seen = (actor: { kind: 'visitor' | 'human'; id: string }, lastSeenSeq?: number) =>
        ({ type: 'conversationSeen', payload: { conversationId: 'c1', actorType: actor.kind, actorId: actor.id, lastSeenAt: '2026-01-01T13:00:00Z', ...(lastSeenSeq === undefined ? {} : { lastSeenSeq }) } }) as const;
      /** An agent's page (agent_alex) holding c1 with three unread replies from the visitor, seq 1–3. */
      const agentPage = (changes: LiveChange[] = []) => {
        const pages = new LiveConversations({
          isOwn: (actor) => actor.kind === 'human' && actor.id === AGENT.id,
          isReading: () => false,
          onChange: (change) => changes.push(change),
          onUnknownConversation: () => undefined,
        });
        pages.conversations.reset([{ ...conversation(), unreadCount: 0 }], pages.conversations.changeMark());
        for (const seq of [1, 2, 3]) pages.handleFrame(created(message(seq, VISITOR, `question ${seq}`)));
        expect(pages.conversations.get('c1')?.unreadCount).toBe(3);
        return pages;
      };

      it("clears the unread count when the reader's own other tab saw the conversation, and says the list changed", () => {
        const changes: LiveChange[] = [];
        const pages = agentPage(changes);
        changes.length = 0;
        pages.handleFrame(seen(AGENT, 3));
        expect(pages.conversations.get('c1')?.unreadCount).toBe(0);
        expect(pages.conversations.unreadConversations()).toBe(0);
        expect(changes).toEqual([{ kind: 'list' }]);
      });

      it('leaves the count alone when someone else saw it (a colleague, the visitor)', () => {
        const pages = agentPage();
        pages.handleFrame(seen({ kind: 'human', id: 'agent_sam' }, 3));
        pages.handleFrame(seen(VISITOR, 3));
        expect(pages.conversations.get('c1')?.unreadCount).toBe(3);
      });

      it('keeps unread what was stored after the mark', () => {
        const pages = agentPage();
        pages.handleFrame(seen(AGENT, 2));
        expect(pages.conversations.get('c1')?.unreadCount).toBe(1);
      });

      it("clears a contact's badge when their other device read the reply", () => {
        const pages = new LiveConversations({ isOwn: (actor) => actor.kind === 'visitor', isReading: () => false, onChange: () => undefined, onUnknownConversation: () => undefined });
        pages.conversations.reset([{ ...conversation(), unreadCount: 0 }], pages.conversations.changeMark());
        pages.handleFrame(created(message(1, AGENT, 'a reply')));
        expect(pages.conversations.unreadConversations()).toBe(1);
        // The other device has a visitor id of its own; a visitor is told only its own side's marks.
        pages.handleFrame(seen({ kind: 'visitor', id: 'v2_other_device' }, 1));
        expect(pages.conversations.unreadConversations()).toBe(0);
      });
    });

    it("counts a message unread also when the conversation's write that records it (the wait it starts) is heard before the message", () => {
      const pages = live();
      pages.conversations.reset([{ ...conversation({ lastTimelineItem: message(1, VISITOR, 'Hi') }), unreadCount: 1 }], pages.conversations.changeMark());
      const asking = message(2, VISITOR, 'Anyone?');
      pages.handleFrame({ type: 'conversationUpdated', payload: { conversationId: 'c1', updates: { lastTimelineItem: asking, waitingSince: asking.createdAt } } });
      pages.handleFrame(created(asking));
      expect(pages.conversations.get('c1')).toMatchObject({ unreadCount: 2, waitingSince: asking.createdAt, lastTimelineItem: { seq: 2 } });
    });

    describe('of a conversation not held', () => {
      /** A page that records each read it is asked for, with the replay of the frame that asked. */
      const unheldPage = () => {
        const asked: Array<{ id: string; replay: () => void }> = [];
        const pages = new LiveConversations({ isOwn: () => false, isReading: () => false, onChange: () => undefined, onUnknownConversation: (id, replay) => asked.push({ id, replay }) });
        return { pages, asked, replayAll: () => asked.forEach(({ replay }) => replay()) };
      };
      const conversationUpdated = (updates: Partial<Conversation>) => ({ type: 'conversationUpdated', payload: { conversationId: 'c1', updates } }) as const;

      it('asks the page to read it, and applies what the frames said to a copy read before them, counting each item once', () => {
        const { pages, asked, replayAll } = unheldPage();
        const asking = message(4, VISITOR, 'Still there?');
        // The conversation's write that records the message, heard before the message's own frame (their streams are two).
        pages.handleFrame(conversationUpdated({ lastTimelineItem: asking, waitingSince: asking.createdAt }));
        pages.handleFrame(created(asking));
        pages.handleFrame(conversationUpdated({ status: 'open', stateVersion: 8 }));
        expect(asked.map(({ id }) => id)).toEqual(['c1', 'c1', 'c1']);

        // Read before all three (the item stored, the conversation's writes not yet): resolved, its last item the third, one unread.
        pages.conversations.put({ ...conversation({ status: 'resolved', stateVersion: 7, lastTimelineItem: message(3, AGENT, 'Done') }), unreadCount: 1 });
        replayAll();
        expect(pages.conversations.get('c1')).toMatchObject({ status: 'open', stateVersion: 8, waitingSince: asking.createdAt, unreadCount: 2, lastTimelineItem: { seq: 4 } });
        // Replayed again (or the item heard again), it is not counted again.
        replayAll();
        expect(pages.conversations.get('c1')?.unreadCount).toBe(2);
      });

      it('leaves out of a copy read after them what the frames say of older states', () => {
        const { pages, replayAll } = unheldPage();
        const asking = message(5, VISITOR, 'Where is my order?');
        const reply = message(6, AGENT, 'On its way');
        pages.handleFrame(created(asking));
        pages.handleFrame(conversationUpdated({ lastTimelineItem: asking, waitingSince: asking.createdAt }));
        pages.handleFrame(conversationUpdated({ status: 'open', stateVersion: 6 }));
        pages.handleFrame(conversationUpdated({ lastTimelineItem: reply, waitingSince: null } as unknown as Partial<Conversation>));

        // Read after the reply and a resolve: both items unread, nobody waiting.
        pages.conversations.put({ ...conversation({ status: 'resolved', stateVersion: 7, lastTimelineItem: reply }), unreadCount: 2 });
        replayAll();
        const held = pages.conversations.get('c1');
        expect(held).toMatchObject({ status: 'resolved', stateVersion: 7, unreadCount: 2, lastTimelineItem: { seq: 6 } });
        expect(held).not.toHaveProperty('waitingSince');
        // The reply's own frame comes: already the last item, it is not unread twice.
        pages.handleFrame(created(reply));
        expect(pages.conversations.get('c1')?.unreadCount).toBe(2);
      });
    });

    const updated = (seq: number, text: string) => ({ type: 'timelineItemUpdated', payload: { conversationId: 'c1', item: message(seq, VISITOR, text) } }) as const;

    it('shows an update of an item in an older page not read yet only once that page is read, as the update has it', async () => {
      const changes: LiveChange[] = [];
      const pages = live((change) => changes.push(change));
      const timeline = pages.timelineOf('c1');
      // The update comes while the older page is on its way, read before it was made.
      const { api } = pagedApi(250, { onPage: () => timeline.loadedFrom === 151 && pages.handleFrame(updated(60, 'answered')) });
      await loadTimeline(api, timeline);
      pages.handleFrame(updated(10, 'answered'));
      expect(timeline.items()[0]?.seq).toBe(151); // Not above the newest page, with a gap between.
      expect(changes).toEqual([]);

      await loadOlder(api, timeline);
      expect(timeline.items()[0]?.seq).toBe(51);
      expect(timeline.items().find((item) => item.seq === 60)?.text).toBe('answered');
      await loadOlder(api, timeline);
      expect(timeline.items().map((item) => item.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
    });
  });
});
