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

/** A new item: the visitor's message in a conversation the agent has (as the conversation stands with it). */
export function alertForItem(item: TimelineItem, conversation: Conversation, me: string, ctx: ReaderContext): Alert | undefined {
  if (item.type !== 'message' || item.author.kind !== 'visitor' || !hasIt(conversation, me)) return undefined;
  return { kind: 'message', conversationId: conversation.id, title: visitorName(conversation), body: oneLine(itemPreview(item, ctx)) };
}

/** A new or changed conversation (`before`: as the page held it; none for a new one). */
export function alertForChange(before: Conversation | undefined, after: Conversation, me: string, ctx: ReaderContext): Alert | undefined {
  const said = after.lastMessage ?? after.lastTimelineItem;
  const preview = said ? itemPreview(said, ctx) : 'New conversation';
  if (after.assigneeId === me && before !== undefined && before.assigneeId !== me) {
    return { kind: 'assigned', conversationId: after.id, title: `Assigned to you: ${conversationTitle(after)}`, body: oneLine(preview) };
  }
  if (isWaitingForHuman(after) && (before === undefined || !isWaitingForHuman(before))) {
    return { kind: 'waiting', conversationId: after.id, title: `Waiting for the team: ${conversationTitle(after)}`, body: oneLine(preview) };
  }
  return undefined;
}

/** How long a conversation waits before the team is notified: routing usually gives it to someone first, who is told it is theirs. */
export const WAITING_ALERT_DELAY_MS = 5_000;

/**
 * Passes alerts on, a conversation's "waiting" once it has waited `WAITING_ALERT_DELAY_MS` and
 * still does (`stillWaiting`): with routing on, an escalation is assigned within a second or so,
 * and notifying the whole team of it would be noise.
 */
export class HeldWaitingAlerts {
  private readonly held = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly show: (alert: Alert) => void,
    private readonly stillWaiting: (conversationId: string) => boolean,
  ) {}

  take(alert: Alert): void {
    if (alert.kind !== 'waiting') return this.show(alert);
    const { conversationId } = alert;
    clearTimeout(this.held.get(conversationId));
    const timer = setTimeout(() => {
      this.held.delete(conversationId);
      if (this.stillWaiting(conversationId)) this.show(alert);
    }, WAITING_ALERT_DELAY_MS);
    this.held.set(conversationId, timer);
  }
}
