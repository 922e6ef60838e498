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
  /** The visitor wrote; the conversation was given to the agent; it started waiting for the team. */
  kind: 'message' | 'assigned' | 'waiting';
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

/** The visitor's message: the only item that may call for a notification, once it is known whose conversation it is in. */
export const isVisitorMessage = (item: TimelineItem): boolean => item.type === 'message' && item.author.kind === 'visitor';

/** A new item: the visitor's message in a conversation the agent has (as the conversation stands with it). */
export function alertForItem(item: TimelineItem, conversation: Conversation, me: string, ctx: ReaderContext): Alert | undefined {
  if (!isVisitorMessage(item) || !hasIt(conversation, me)) return undefined;
  return { kind: 'message', conversationId: conversation.id, title: visitorName(conversation), body: oneLine(itemPreview(item, ctx)) };
}

const previewOf = (c: Conversation, ctx: ReaderContext): string => {
  const said = c.lastMessage ?? c.lastTimelineItem;
  return oneLine(said ? itemPreview(said, ctx) : 'New conversation');
};
const assignedAlert = (c: Conversation, ctx: ReaderContext): Alert => ({ kind: 'assigned', conversationId: c.id, title: `Assigned to you: ${conversationTitle(c)}`, body: previewOf(c, ctx) });
const waitingAlert = (c: Conversation, ctx: ReaderContext): Alert => ({ kind: 'waiting', conversationId: c.id, title: `Waiting for the team: ${conversationTitle(c)}`, body: previewOf(c, ctx) });

/** A new or changed conversation (`before`: as the page held it; none for a new one). */
export function alertForChange(before: Conversation | undefined, after: Conversation, me: string, ctx: ReaderContext): Alert | undefined {
  if (after.assigneeId === me && before !== undefined && before.assigneeId !== me) return assignedAlert(after, ctx);
  if (isWaitingForHuman(after) && (before === undefined || !isWaitingForHuman(before))) return waitingAlert(after, ctx);
  return undefined;
}

/**
 * A change to a conversation the page did not hold (beyond the pages read, or left out by the
 * filters), judged once it is read: by what the change set (`updates`) and the conversation after it.
 */
export function alertForUnheldChange(updates: Partial<Conversation>, after: Conversation, me: string, ctx: ReaderContext): Alert | undefined {
  if (updates.assigneeId === me && after.assigneeId === me) return assignedAlert(after, ctx);
  const towardPeople = 'handler' in updates || 'assigneeId' in updates || 'participants' in updates;
  return towardPeople && isWaitingForHuman(after) ? waitingAlert(after, ctx) : undefined;
}

/** Events that give a conversation to someone or take it from them: who made the last one says whether the agent did it themselves. */
export const ASSIGNMENT_EVENT_KINDS: ReadonlySet<string> = new Set(['assigned', 'unassigned', 'participant_joined', 'participant_left']);

/**
 * Whether a held alert still holds when it is due: the conversation is still as it said, and the
 * agent did not do it themselves (`lastActor`: of its last assignment event), in this tab or another.
 */
export function stillHolds(alert: Alert, conversation: Conversation | undefined, me: string, lastActor: string | undefined): boolean {
  if (conversation === undefined || lastActor === me) return false;
  if (alert.kind === 'assigned') return conversation.assigneeId === me;
  return alert.kind === 'waiting' ? isWaitingForHuman(conversation) : true;
}
