/**
 * The conversation as the model sees it: what the visitor can see of it (messages, events and
 * plugin items summarized), newest kept when the whole does not fit the budget. Pure; the activity
 * feeds it stored items.
 */
import { cutText } from '../../domain/cut-text';
import { isTeamOnlyEvent, type EventItem, type TimelineEvent, type TimelineItem } from '../../domain/timeline';
import type { ContextEntry, ConversationContext } from '../../workflows/conversation/ai/types';

export interface ContextOptions {
  /** Total characters of entry text kept (default 8,000). */
  maxChars?: number;
  /** A plugin item's one-line summary (e.g. the plugin registry's `reduceSummary`); default: type and text. */
  summarize?(item: TimelineItem): string | undefined;
  /** Whether the visitor sees an item stored public (the plugin registry's `isVisibleTo`: a type may be private now); default: yes. */
  visibleToVisitor?(item: TimelineItem): boolean;
  /**
   * The visitor message the turn answers. Events after it turn no page: a message left waiting
   * while a person had the conversation is the assistant's once they hand it back.
   */
  answeringSeq?: number;
}

const DEFAULT_MAX_CHARS = 8000;
/** No single entry may take more than this, so one pasted log cannot crowd out the conversation. */
const MAX_ENTRY_CHARS = 1500;
/**
 * Events after which earlier visitor messages are not the assistant's to answer (ContextEntry.turnsPage):
 * the team took the conversation, gave it back, or it was resolved. Not a reopen, nor the hand-back
 * a reopen makes by itself (author `system`): both follow the visitor's message that caused them.
 */
const turnsPageOf =
  (answeringSeq: number | undefined) =>
  (item: EventItem): boolean =>
    (answeringSeq === undefined || item.seq < answeringSeq) &&
    (item.event.kind === 'escalated' || item.event.kind === 'resolved' || (item.event.kind === 'handed_back' && item.author.kind !== 'system'));

type TurnsPage = ReturnType<typeof turnsPageOf>;

export function toConversationContext(conversationId: string, items: readonly TimelineItem[], options: ContextOptions = {}): ConversationContext {
  const budget = options.maxChars ?? DEFAULT_MAX_CHARS;
  const turnsPage = turnsPageOf(options.answeringSeq);
  const all = [...items]
    .sort((a, b) => a.seq - b.seq)
    .flatMap((item) => {
      const entry = toEntry(item, options, turnsPage);
      return entry && entry.text.trim() !== '' ? [{ ...entry, text: clip(entry.text) }] : [];
    });
  const kept: ContextEntry[] = [];
  let used = 0;
  for (let i = all.length - 1; i >= 0; i--) {
    const entry = all[i] as ContextEntry;
    if (used + entry.text.length > budget && kept.length > 0) break;
    kept.unshift(entry);
    used += entry.text.length;
  }
  return { conversationId, entries: kept, truncated: kept.length < all.length };
}

/** As server/access.ts `itemFor` decides for a visitor: public, of a type the visitor sees, not an event of the team's own kinds. */
const seenByVisitor = (item: TimelineItem, visibleToVisitor: ContextOptions['visibleToVisitor']): boolean =>
  item.visibility === 'public' && (visibleToVisitor?.(item) ?? true) && !isTeamOnlyEvent(item);

function toEntry(item: TimelineItem, { summarize, visibleToVisitor }: ContextOptions, turnsPage: TurnsPage): ContextEntry | undefined {
  const { seq } = item;
  // What the model reads can end up in a reply to the visitor: the team's own words (notes, private
  // messages, its triage events) and the assistant's tool-call records never reach it.
  if (!seenByVisitor(item, visibleToVisitor)) return handOverMarker(item, turnsPage);
  if (item.type === 'message') {
    const role = ({ visitor: 'visitor', human: 'agent', ai: 'assistant', system: 'event' } as const)[item.author.kind];
    return { seq, role, text: messageText(item) };
  }
  if (item.type === 'event') {
    const event = item as EventItem;
    return { seq, role: 'event', text: describeEvent(event.event), ...(turnsPage(event) ? { turnsPage: true as const } : {}) };
  }
  const text = summarize?.(item) ?? [item.type, item.text].filter(Boolean).join(': ');
  return { seq, role: 'item', text };
}

/**
 * What is kept of an item the visitor cannot see: nothing, but for an event after which the
 * conversation changed hands (escalated, handed back), kept as its kind without its words (an
 * escalation's reason): which visitor messages are still the assistant's to answer depends on it.
 */
function handOverMarker(item: TimelineItem, turnsPage: TurnsPage): ContextEntry | undefined {
  if (item.type !== 'event' || !turnsPage(item as EventItem)) return undefined;
  return { seq: item.seq, role: 'event', text: kindWords((item as EventItem).event), turnsPage: true };
}

/** What a message says: its text, then its parts' texts and file names. */
function messageText(item: TimelineItem): string {
  const parts = 'parts' in item && Array.isArray(item.parts) ? item.parts : [];
  const said = parts.map((part) => (part.type === 'text' ? part.text : `[file: ${part.filename ?? part.fileId}]`));
  return [item.text ?? '', ...said].filter(Boolean).join(' ');
}

/** A public event as the visitor reads it: reasons are the team's (server/access.ts), so the model does not read them either. */
function describeEvent(event: TimelineEvent): string {
  switch (event.kind) {
    case 'title_changed':
      return event.data.title === null ? 'title removed' : `title changed to "${event.data.title}"`;
    default:
      return kindWords(event);
  }
}

/** An event's kind in words (`handed back`), nothing of its data. */
const kindWords = (event: TimelineEvent): string => event.kind.replace(/_/g, ' ');

function clip(text: string): string {
  return text.length > MAX_ENTRY_CHARS ? `${cutText(text, MAX_ENTRY_CHARS)}…` : text;
}
