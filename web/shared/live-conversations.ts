/**
 * What a page knows of its conversations, kept current from socket frames: the list (with unread
 * counts), the timelines it has opened (seq-keyed, so REST pages, live frames and resumes merge
 * without gaps or duplicates) and who is typing. Pages render on `onChange`.
 */
import { TYPED_TYPES } from '../../domain/timeline';
import { ConversationCollection } from './conversation-collection';
import type { ResumePoint } from './socket';
import { Timeline } from './timeline';
import { TypingTracker } from './typing';
import type { ActorType, ServerFrame, TimelineItem } from './wire';

export type LiveChange =
  | { kind: 'list' }
  | { kind: 'conversation'; conversationId: string }
  | { kind: 'timeline'; conversationId: string; item: TimelineItem; fromOthers: boolean }
  | { kind: 'typing'; conversationId: string };

export interface LiveConversationsOptions {
  /** Whether the page's own reader wrote this item or sent this typing state. */
  isOwn(actor: { kind: ActorType; id: string }): boolean;
  /** Whether the reader is looking at this conversation now (its new items are not unread). */
  isReading(conversationId: string): boolean;
  onChange(change: LiveChange): void;
  /**
   * A frame named a conversation the list does not hold: the page fetches it, then calls `replay`,
   * which applies that frame's news to the copy read (it may predate the frame's change).
   */
  onUnknownConversation(conversationId: string, replay: () => void): void;
}

export class LiveConversations {
  readonly conversations = new ConversationCollection();
  readonly typing = new TypingTracker((conversationId) => this.options.onChange({ kind: 'typing', conversationId }));
  private readonly timelines = new Map<string, Timeline>();

  constructor(private readonly options: LiveConversationsOptions) {}

  /** The timeline of a conversation, held (and resumed after reconnects) from now on. */
  timelineOf(conversationId: string): Timeline {
    let timeline = this.timelines.get(conversationId);
    if (!timeline) {
      timeline = new Timeline(conversationId);
      this.timelines.set(conversationId, timeline);
    }
    return timeline;
  }

  /**
   * Lets go of every timeline but the one on screen: after a reconnect the others may hold items
   * that changed meanwhile, so they are loaded afresh when opened again.
   */
  keepOnlyTimeline(conversationId: string | undefined): void {
    for (const id of this.timelines.keys()) if (id !== conversationId) this.timelines.delete(id);
  }

  /**
   * Where a new socket resumes each timeline: asked as it connects, so from then on frames come
   * from that socket, and until it says a resume is done its items do not move the timeline's mark.
   */
  resumePoints(): ResumePoint[] {
    return [...this.timelines.values()].map(({ conversationId, resume }) => ({ conversationId, afterSeq: resume.ask() }));
  }

  /**
   * Asks the open socket (`resume`, false when it could not send) to resume a timeline it was not
   * asked to, the page having opened it since the socket connected: until then that socket's items
   * do not move the timeline's resume mark, and a reconnect would ask for all of them again. It
   * costs little, as the socket is sent only the items it has not had.
   */
  resumeOnSocket(conversationId: string, resume: (point: ResumePoint) => boolean): void {
    const mark = this.timelines.get(conversationId)?.resume;
    if (mark && !mark.asked && resume({ conversationId, afterSeq: mark.afterSeq })) mark.ask();
  }

  handleFrame(frame: ServerFrame): void {
    const { onChange, onUnknownConversation, isOwn } = this.options;
    switch (frame.type) {
      case 'timelineItemCreated':
      case 'timelineItemUpdated': {
        const { item } = frame.payload;
        if (frame.type === 'timelineItemCreated') this.timelines.get(item.conversationId)?.resume.delivered(item.seq);
        this.receiveItem(item, frame.type === 'timelineItemCreated');
        return;
      }
      case 'resumeCompleted':
        this.timelines.get(frame.payload.conversationId)?.resume.completed(frame.payload.throughSeq);
        return;
      case 'conversationCreated':
        this.conversations.put(frame.payload.conversation);
        onChange({ kind: 'list' });
        return;
      case 'conversationUpdated': {
        const { conversationId, updates } = frame.payload;
        if (!this.conversations.update(conversationId, updates)) return onUnknownConversation(conversationId, () => this.handleFrame(frame));
        onChange({ kind: 'conversation', conversationId });
        onChange({ kind: 'list' });
        return;
      }
      case 'conversationTyping': {
        const { conversationId, actorType, actorId, isTyping } = frame.payload;
        if (!isOwn({ kind: actorType, id: actorId })) this.typing.update(conversationId, { actorType, actorId }, isTyping);
        return;
      }
      case 'conversationSeen': {
        // Only the reader's own look (another tab, or the contact's other device) clears their count; another's changes nothing here.
        const { conversationId, actorType, actorId, lastSeenSeq } = frame.payload;
        if (!isOwn({ kind: actorType, id: actorId })) return;
        this.conversations.markSeenUpTo(conversationId, lastSeenSeq);
        onChange({ kind: 'list' });
        return;
      }
    }
  }

  /**
   * An item from a frame or from the page's own post; `isNew` is false for an update of a known
   * item. Only the socket's items (`handleFrame`) move where the timeline resumes.
   */
  receiveItem(item: TimelineItem, isNew = true): void {
    const { conversationId } = item;
    const timeline = this.timelines.get(conversationId);
    const change = timeline?.upsert(item);
    if (change === 'unchanged') return;
    // An item of an older page not read yet changed: kept for when its page is read, nothing to show now.
    if (!isNew && timeline && !timeline.shows(item.seq)) return;
    const fromOthers = !this.options.isOwn(item.author);
    if (fromOthers && TYPED_TYPES.includes(item.type)) this.typing.clear(conversationId, item.author.id);
    if (isNew) this.addToList(item, fromOthers);
    this.options.onChange({ kind: 'timeline', conversationId, item, fromOthers });
  }

  /** A new item as its conversation's last; it counts once however often it is added. */
  private addToList(item: TimelineItem, fromOthers: boolean): void {
    const known = this.conversations.addItem(item, { ownItem: !fromOthers, beingRead: this.options.isReading(item.conversationId) });
    if (known) this.options.onChange({ kind: 'list' });
    else this.options.onUnknownConversation(item.conversationId, () => this.addToList(item, fromOthers));
  }
}
