/**
 * Which news deserves a desktop notification for the agent reading the inbox, as support inboxes
 * notify: a visitor writing in a conversation the agent has (assigned to them, or joined while
 * nobody is assigned), a conversation given to them by someone else, and a conversation starting
 * to wait for the team (new without the assistant, or escalated). Everything else (colleagues'
 * conversations, the assistant's answers, events) shows in the list without interrupting.
 */
import type { ReaderContext } from '../shared/item-view';
import { itemPreview } from '../shared/item-view';
import type { Conversation, TimelineItem } from '../shared/wire';
import { isWaitingForHuman } from './filters';
import { conversationTitle, visitorName } from './labels';

export interface Alert {
  conversationId: string;
  /** What happened, and to which conversation. */
  title: string;
  body: string;
}

/** A notification's body: one line, cut where the system would cut it anyway. */
const MAX_BODY = 160;
const oneLine = (text: string): string => {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_BODY ? `${line.slice(0, MAX_BODY - 1)}…` : line;
};

/** The agent has it: it is assigned to them, or nobody is assigned and they are in it. */
const hasIt = (c: Conversation, me: string): boolean =>
  c.assigneeId === undefined ? c.participants.some((p) => p.id === me && !p.leftAt) : c.assigneeId === me;

/** A new item: the visitor's message in a conversation the agent has (as the conversation stands with it). */
export function alertForItem(item: TimelineItem, conversation: Conversation, me: string, ctx: ReaderContext): Alert | undefined {
  if (item.type !== 'message' || item.author.kind !== 'visitor' || !hasIt(conversation, me)) return undefined;
  return { conversationId: conversation.id, title: visitorName(conversation), body: oneLine(itemPreview(item, ctx)) };
}

/** A new or changed conversation (`before`: as the page held it; none for a new one). */
export function alertForChange(before: Conversation | undefined, after: Conversation, me: string, ctx: ReaderContext): Alert | undefined {
  const said = after.lastMessage ?? after.lastTimelineItem;
  const preview = said ? itemPreview(said, ctx) : 'New conversation';
  if (after.assigneeId === me && before !== undefined && before.assigneeId !== me) {
    return { conversationId: after.id, title: `Assigned to you: ${conversationTitle(after)}`, body: oneLine(preview) };
  }
  if (isWaitingForHuman(after) && (before === undefined || !isWaitingForHuman(before))) {
    return { conversationId: after.id, title: `Waiting for the team: ${conversationTitle(after)}`, body: oneLine(preview) };
  }
  return undefined;
}
