/** The conversation as clients see it (see shared/docs/api-contract.md). */
import type { TimelineItem } from './timeline';

export const CONVERSATION_STATUSES = ['open', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEFAULT_PRIORITY: Priority = 'medium';

/** Who currently owns the conversation: the AI assistant, a human, or nobody yet. */
export const HANDLERS = ['ai', 'human', 'unassigned'] as const;
export type Handler = (typeof HANDLERS)[number];

export type ParticipantKind = 'human' | 'ai';

export interface Participant {
  id: string;
  kind: ParticipantKind;
  joinedAt: string;
  leftAt?: string;
}

/** Lifecycle state owned by the conversation workflow; the store keeps a projection of it. */
export interface ConversationLifecycle {
  status: ConversationStatus;
  priority: Priority;
  handler: Handler;
  participants: Participant[];
  assigneeId?: string;
  tags: string[];
  title?: string;
  resolvedAt?: string;
  resolvedBy?: string;
  firstResponseAt?: string;
  escalatedAt?: string;
  escalationReason?: string;
  /** ISO time until which the AI stays silent; absent when it is not paused. */
  aiPausedUntil?: string;
}

export interface Conversation extends ConversationLifecycle {
  id: string;
  websiteId: string;
  visitorId: string;
  contactId?: string;
  metadata?: Record<string, unknown>;
  /** The newest item the caller may see (computed per audience); null before there is one. */
  lastTimelineItem: TimelineItem | null;
  createdAt: string;
  updatedAt: string;
}

/** What a listing row adds for the caller. */
export interface ConversationListEntry extends Conversation {
  unreadCount: number;
}
