/** The conversation as clients see it (see shared/docs/api-contract.md). */
import type { TimelineItem } from './timeline';
import type { ContactSummary } from './people';

export const CONVERSATION_STATUSES = ['open', 'resolved'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const DEFAULT_PRIORITY: Priority = 'medium';

/** Who currently owns the conversation: the AI assistant, a human, or nobody yet. */
export const HANDLERS = ['ai', 'human', 'unassigned'] as const;
export type Handler = (typeof HANDLERS)[number];

/**
 * The inbox's queues by who has a conversation (`GET /v1/conversations?handler=`): `ai`, those the
 * AI assistant handles; `waiting`, open ones not the AI's that nobody has taken yet (nobody
 * assigned, and no person in them who has not left).
 */
export const HANDLER_FILTERS = ['ai', 'waiting'] as const;
export type HandlerFilter = (typeof HANDLER_FILTERS)[number];

/**
 * The orders the team's list comes in (`GET /v1/conversations?sort=`): `recent`, newest activity
 * first; `waiting`, those whose visitor waits for an answer first, longest waiting first, then the
 * rest as `recent`; `priority`, urgent to low, each as `recent`.
 */
export const CONVERSATION_SORTS = ['recent', 'waiting', 'priority'] as const;
export type ConversationSort = (typeof CONVERSATION_SORTS)[number];

export type ParticipantKind = 'human' | 'ai';

export interface Participant {
  id: string;
  kind: ParticipantKind;
  joinedAt: string;
  leftAt?: string;
}

/**
 * Conversation fields only the team sees: agents' own words, triage (a priority raised by a missed
 * first-response target would tell the visitor of it), the team's metadata about the visitor, and
 * how long the visitor has waited for the team.
 */
export const TEAM_ONLY_CONVERSATION_FIELDS = ['escalationReason', 'escalatedAt', 'tags', 'aiPausedUntil', 'resolvedBy', 'priority', 'metadata', 'waitingSince'] as const;

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
  /** The contact's name, email and external id: in the team's views only, where `contactId` is set. */
  contact?: ContactSummary;
  metadata?: Record<string, unknown>;
  /**
   * When the visitor's oldest public message not yet answered was written: set by a visitor's
   * message, removed by a public message of a person or the assistant and by resolving; absent
   * when nobody waits (and on conversations stored before it was kept). The team's only.
   */
  waitingSince?: string;
  /** The newest item the caller may see (computed per audience); null before there is one. */
  lastTimelineItem: TimelineItem | null;
  /**
   * The newest message the caller may see (a note too, for the team), what a list row previews:
   * in listings and single reads; null when there is none.
   */
  lastMessage?: TimelineItem | null;
  createdAt: string;
  updatedAt: string;
  /**
   * Counts up with the changes of the lifecycle this reader is shown (a visitor's, with those of the
   * fields it sees; `updatedAt` does not move for them): of two copies, the higher is the newer.
   * Pages compare it, as times may tie; absent from a server before it was sent.
   */
  stateVersion?: number;
}

/** What a listing row adds for the caller. */
export interface ConversationListEntry extends Conversation {
  unreadCount: number;
}
