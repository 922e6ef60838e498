/**
 * Timeline items: a discriminated union on `type`. Built-in types are `message`, `note` and
 * `event`; plugins add their own namespaced types whose fields sit on the item beside the base.
 */
import type { Priority } from './conversation';

export const VISIBILITIES = ['public', 'private'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const AUTHOR_KINDS = ['visitor', 'human', 'ai', 'system'] as const;
export type AuthorKind = (typeof AUTHOR_KINDS)[number];

/** Fields the store keeps on an item for itself (never shown to clients), so no item type may declare them. */
export const STORE_ITEM_FIELDS = ['websiteId', 'answerReply', 'tally', 'handOff'] as const;

/** Item types that never count as unread: they record what happened rather than say something. */
export const UNREAD_EXEMPT_TYPES: readonly string[] = ['event', 'ai_tool_call'];

/** The item types a list row previews as a conversation's last message: what someone wrote (a note for the team). */
export const PREVIEW_TYPES: readonly string[] = ['message', 'note'];

/** The item types someone types: one arriving ends its author's typing indicator (their other items, records and events, do not). */
export const TYPED_TYPES: readonly string[] = PREVIEW_TYPES;

export interface Author {
  kind: AuthorKind;
  id: string;
}

/** Fields every item has, whatever its type. */
export interface ItemBase {
  id: string;
  conversationId: string;
  /** Position in the conversation: strictly increasing, assigned by the store, never reused. */
  seq: number;
  visibility: Visibility;
  author: Author;
  createdAt: string;
  text?: string;
}

export type MessagePart =
  | { type: 'text'; text: string }
  | {
      type: 'file';
      fileId: string;
      filename?: string;
      mediaType?: string;
      size?: number;
      url?: string;
      width?: number;
      height?: number;
    };

export interface MessageItem extends ItemBase {
  type: 'message';
  parts?: MessagePart[];
}

/** Internal note: always private, written by agents or the AI. */
export interface NoteItem extends ItemBase {
  type: 'note';
  visibility: 'private';
  text: string;
}

export const EVENT_KINDS = [
  'participant_requested',
  'participant_joined',
  'participant_left',
  'assigned',
  'unassigned',
  'priority_changed',
  'tag_added',
  'tag_removed',
  'title_changed',
  'resolved',
  'reopened',
  'escalated',
  'handed_back',
  'ai_paused',
  'ai_resumed',
  'sla_breached',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** What happened, with the data that kind carries. `actorId` is who did it, `targetId` whom it concerns. */
export type TimelineEvent =
  | { kind: 'participant_requested'; actorId?: string; data: { reason?: string; teamId?: string } }
  | { kind: 'participant_joined'; actorId?: string; targetId: string }
  /**
   * `reason` (here and on `unassigned`, `handed_back`, `ai_resumed`, as on `resolved`, `reopened`):
   * why, as the agent gave it; the team's. `data` only when one was given (none on events recorded before it was kept).
   */
  | { kind: 'participant_left'; actorId?: string; targetId: string; data?: { reason: string } }
  /** `previousAssigneeId`: whom a reassignment took the conversation from (absent when nobody had it, and on events recorded before it was added). */
  | { kind: 'assigned'; actorId?: string; targetId: string; data?: { previousAssigneeId: string } }
  | { kind: 'unassigned'; actorId?: string; targetId: string; data?: { reason: string } }
  | { kind: 'priority_changed'; actorId?: string; data: { from: Priority; to: Priority } }
  | { kind: 'tag_added'; actorId?: string; data: { tag: string } }
  | { kind: 'tag_removed'; actorId?: string; data: { tag: string } }
  /** `title: null`: cleared. */
  | { kind: 'title_changed'; actorId?: string; data: { title: string | null } }
  | { kind: 'resolved'; actorId?: string; data: { reason?: string } }
  | { kind: 'reopened'; actorId?: string; data: { reason?: string } }
  | { kind: 'escalated'; actorId?: string; data: { reason: string; summary?: string } }
  | { kind: 'handed_back'; actorId?: string; data: { reason?: string } }
  | { kind: 'ai_paused'; actorId?: string; data: { until: string } }
  | { kind: 'ai_resumed'; actorId?: string; data: { reason?: string } }
  | { kind: 'sla_breached'; data: { sla: 'first_response'; priority: Priority; dueAt: string } };

/**
 * Events about the team's own triage and work: private, so a visitor never sees them. The rest
 * (joined, assigned, resolved, reopened, a person requested …) are public; visitors get them
 * without their reasons (server/access.ts).
 */
export const TEAM_ONLY_EVENT_KINDS: readonly EventKind[] = [
  'priority_changed',
  'escalated',
  'tag_added',
  'tag_removed',
  'handed_back',
  'ai_paused',
  'ai_resumed',
  'sla_breached',
];

export const eventVisibility = (kind: EventKind): Visibility => (TEAM_ONLY_EVENT_KINDS.includes(kind) ? 'private' : 'public');

export interface EventItem extends ItemBase {
  type: 'event';
  event: TimelineEvent;
}

/** An item of a plugin-defined type; its own fields sit beside the base fields. */
export interface PluginItem extends ItemBase {
  type: string;
  [field: string]: unknown;
}

export type BuiltinItem = MessageItem | NoteItem | EventItem;
export type TimelineItem = BuiltinItem | PluginItem;

/** An item before the store gives it a position. */
export type NewTimelineItem = Omit<BuiltinItem, 'seq'> | Omit<PluginItem, 'seq'>;

export const isMessage = (item: TimelineItem): item is MessageItem => item.type === 'message';
export const isNote = (item: TimelineItem): item is NoteItem => item.type === 'note';
export const isEvent = (item: TimelineItem): item is EventItem => item.type === 'event';
/** An event of the team's own kinds, whatever visibility it was stored with (an earlier version stored priority changes public). */
export const isTeamOnlyEvent = (item: TimelineItem): boolean => isEvent(item) && TEAM_ONLY_EVENT_KINDS.includes(item.event.kind);
