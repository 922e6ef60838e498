/**
 * What a timeline item looks like to a reader, decided without the DOM: who wrote it, on which
 * side it sits, and the short sentence an event becomes. render-item.ts turns these into elements.
 */
import type { ActorType, TimelineEvent, TimelineItem } from './wire';
import { isInlineImageType } from '../../domain/files';
import { wordsText, type Words } from './words';

export type Reader = 'visitor' | 'agent';

export interface ReaderContext {
  reader: Reader;
  /** A team member's display name; undefined when unknown. */
  nameOf(memberId: string): string | undefined;
  /** The page's own words said right after a named person in an event's sentence (the audit page's " (usr_alice)"), outside the name's direction. */
  besideName?(memberId: string): string | undefined;
  /** Whether the reader wrote what this actor wrote (the visitor, or the agent signed in). */
  isOwn(actor: { kind: ActorType; id: string }): boolean;
  /** For formatting times in event sentences (AI paused until …). */
  formatTime?(iso: string): string;
  /** Who had the conversation before the assignment of this seq took it from them (previous-assignees.ts); undefined when nobody did, or the items before are not read. */
  assigneeBefore?(seq: number): string | undefined;
}

export interface FileView {
  name: string;
  size?: number;
  /** Where the API serves it (`/v1/files/:id`). */
  url?: string;
  /** An image the page can show inline. */
  image: boolean;
  /** An image's size in pixels, as the server read it (a page reserves the space before it loads). */
  width?: number;
  height?: number;
}

export interface QuickReplyOption {
  id: string;
  label: string;
}

interface Base {
  id: string;
  seq: number;
  createdAt: string;
}

export type ItemView = Base &
  (
    | { kind: 'message'; side: 'mine' | 'theirs'; author: string; byAi: boolean; text: string; files: FileView[] }
    | { kind: 'system'; text: Words; detail?: string; private: boolean }
    | { kind: 'note'; author: string; text: string; files: FileView[] }
    | { kind: 'tool_call'; toolName: string; state: string; input: unknown; output?: unknown; error?: string }
    | { kind: 'quick_replies'; author: string; prompt: string; options: QuickReplyOption[]; answeredOptionId?: string; canAnswer: boolean }
    | { kind: 'rating'; score: number; comment?: string }
    | { kind: 'other'; type: string; text: string; private: boolean }
  );

const AI_FALLBACK = 'AI assistant';

function authorName(item: TimelineItem, ctx: ReaderContext): string {
  const { kind, id } = item.author;
  if (kind === 'visitor') return ctx.reader === 'visitor' ? 'You' : 'Visitor';
  if (kind === 'system') return 'System';
  return ctx.nameOf(id) ?? (kind === 'ai' ? AI_FALLBACK : 'Support');
}

const isPixels = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value > 0;

function messageText(item: TimelineItem): { text: string; files: FileView[] } {
  const parts = 'parts' in item && Array.isArray(item.parts) ? (item.parts as Array<Record<string, unknown>>) : [];
  const text = [item.text, ...parts.filter((p) => p.type === 'text').map((p) => String(p.text))].filter(Boolean).join('\n');
  const files = parts
    .filter((p) => p.type === 'file')
    .map((p) => ({
      name: String(p.filename ?? 'file'),
      size: typeof p.size === 'number' ? p.size : undefined,
      url: typeof p.url === 'string' ? p.url : undefined,
      // Only the types the server serves inline: an SVG an operator allowed is a download link, never opened here.
      image: typeof p.mediaType === 'string' && isInlineImageType(p.mediaType),
      ...(isPixels(p.width) && isPixels(p.height) ? { width: p.width, height: p.height } : {}),
    }));
  return { text, files };
}

/**
 * The sentence a lifecycle event becomes ("Sarah joined", "Conversation resolved"), the names,
 * tags and titles in it set apart as written by people; `detail`, the reason given.
 * `assigneeBefore`, whom an assignment took the conversation from.
 */
export function describeEvent(event: TimelineEvent, ctx: ReaderContext, assigneeBefore?: string): { text: Words; detail?: string } {
  /** A person by name, set apart, with what the page says beside it; `unknown` for someone the reader has no name for. */
  const named = (id: string | undefined, unknown: string): Words => {
    const known = id && ctx.nameOf(id);
    if (!known) return [unknown];
    const beside = ctx.besideName?.(id);
    return beside ? [{ written: known }, beside] : [{ written: known }];
  };
  switch (event.kind) {
    case 'participant_requested':
      return { text: ['A person from the team was requested'], detail: event.data.reason };
    case 'participant_joined':
      return { text: [...named(event.targetId, 'An agent'), ' joined'] };
    case 'participant_left':
      return { text: [...named(event.targetId, 'An agent'), ' left'], detail: event.data?.reason };
    case 'assigned': {
      // Events recorded before they named the previous assignee leave it to the caller to work out.
      const previous = event.data?.previousAssigneeId ?? assigneeBefore;
      if (previous === undefined) return { text: ['Assigned to ', ...named(event.targetId, 'An agent')] };
      // Mid-sentence, someone the reader has no name for yet is "an agent"; whom it was taken from, left out.
      const toWhom = named(event.targetId, 'an agent');
      return { text: ctx.nameOf(previous) ? ['Reassigned from ', ...named(previous, 'an agent'), ' to ', ...toWhom] : ['Reassigned to ', ...toWhom] };
    }
    case 'unassigned':
      return { text: [...named(event.targetId, 'An agent'), ' was unassigned'], detail: event.data?.reason };
    case 'priority_changed':
      return { text: [`Priority changed from ${event.data.from} to ${event.data.to}`] };
    case 'tag_added':
      return { text: ['Tagged “', { written: event.data.tag }, '”'] };
    case 'tag_removed':
      return { text: ['Tag “', { written: event.data.tag }, '” removed'] };
    case 'title_changed':
      return { text: event.data.title === null ? ['Title removed'] : ['Title set to “', { written: event.data.title }, '”'] };
    case 'resolved':
      return { text: ['Conversation resolved'], detail: event.data.reason };
    case 'reopened':
      return { text: ['Conversation reopened'], detail: event.data.reason };
    case 'escalated':
      return { text: ['Handed over to the support team'], detail: event.data.reason };
    case 'handed_back':
      return { text: [`Handed back to the ${AI_FALLBACK}`], detail: event.data.reason };
    case 'ai_paused':
      return { text: [`${AI_FALLBACK} paused until ${ctx.formatTime?.(event.data.until) ?? event.data.until}`] };
    case 'ai_resumed':
      return { text: [`${AI_FALLBACK} resumed`], detail: event.data.reason };
    case 'sla_breached':
      return { text: [`First-response target missed (${event.data.priority} priority)`] };
    default:
      return { text: [String((event as { kind: string }).kind).replaceAll('_', ' ')] };
  }
}

export function describeItem(item: TimelineItem, ctx: ReaderContext): ItemView {
  const base: Base = { id: item.id, seq: item.seq, createdAt: item.createdAt };
  const isPrivate = item.visibility === 'private';
  switch (item.type) {
    case 'message': {
      const mine = (item.author.kind === 'visitor') === (ctx.reader === 'visitor');
      return { ...base, kind: 'message', side: mine ? 'mine' : 'theirs', author: authorName(item, ctx), byAi: item.author.kind === 'ai', ...messageText(item) };
    }
    case 'event': {
      const event = item.event as TimelineEvent;
      // Asked of assignments only: each answer is noted and asked again on every drawing (ContextAnswers).
      const assigneeBefore = event.kind === 'assigned' ? ctx.assigneeBefore?.(item.seq) : undefined;
      return { ...base, kind: 'system', private: isPrivate, ...describeEvent(event, ctx, assigneeBefore) };
    }
    case 'note':
      return { ...base, kind: 'note', author: authorName(item, ctx), ...messageText(item) };
    case 'ai_tool_call':
      return {
        ...base,
        kind: 'tool_call',
        toolName: String(item.toolName),
        state: String(item.state),
        input: item.input,
        output: item.output,
        error: typeof item.error === 'string' ? item.error : undefined,
      };
    case 'quick_replies': {
      const answeredOptionId = typeof item.answeredOptionId === 'string' ? item.answeredOptionId : undefined;
      return {
        ...base,
        kind: 'quick_replies',
        author: authorName(item, ctx),
        prompt: String(item.prompt ?? ''),
        options: Array.isArray(item.options) ? (item.options as QuickReplyOption[]) : [],
        answeredOptionId,
        canAnswer: ctx.reader === 'visitor' && answeredOptionId === undefined,
      };
    }
    case 'rating':
      return { ...base, kind: 'rating', score: Number(item.score), comment: typeof item.comment === 'string' ? item.comment : undefined };
    default:
      return { ...base, kind: 'other', type: item.type, text: item.text ?? '', private: isPrivate };
  }
}

/** One line for a conversation list: what the item says, or what happened. */
export function itemPreview(item: TimelineItem, ctx: ReaderContext): string {
  const view = describeItem(item, ctx);
  switch (view.kind) {
    case 'message':
    case 'note':
      return view.text || view.files.map((f) => f.name).join(', ');
    case 'system':
      return wordsText(view.text);
    case 'quick_replies':
      return view.prompt;
    case 'rating':
      return `Rated ${view.score}/5`;
    case 'tool_call':
      return `AI tool ${view.toolName}`;
    case 'other':
      return view.text || view.type;
  }
}
