/**
 * What the pages receive from the server, as the API contract describes it
 * (shared/docs/api-contract.md). The conversation and item shapes are the domain's own.
 */
import type { Conversation, ConversationListEntry, Priority } from '../../domain/conversation';
import type { MemberStatus, VisitorPage } from '../../domain/people';
import type { SavedReply, SavedReplyFields } from '../../domain/saved-reply';
import type { TeamAvailability } from '../../domain/team-availability';
import type { TimelineEvent, TimelineItem } from '../../domain/timeline';
import type { WebhookEventType } from '../../domain/webhooks';
import type { AuditEntry } from '../../runtime/engine/audit';
import type { FileLimits } from './file-limits';

export type { AuditEntry, Conversation, ConversationListEntry, MemberStatus, Priority, VisitorPage, SavedReply, SavedReplyFields, TeamAvailability, TimelineEvent, TimelineItem, WebhookEventType };

export type ActorType = 'visitor' | 'human' | 'ai' | 'system';

export interface TeamMemberInfo {
  id: string;
  name: string;
  kind: 'human' | 'ai';
  online?: boolean;
  /** Routing teams (`GET /v1/team`; the widget's bootstrap does not say). */
  teams?: string[];
  /** Open conversations the queues give a person at once. */
  capacity?: number;
  /** Whether routing gives them conversations: in a team the routing rules name (`GET /v1/team`). */
  routed?: boolean;
  /** Away: routing offers them nothing new, connected or not (`GET /v1/team`; absent from a server before it: available). */
  status?: MemberStatus;
  /** When that status began (`GET /v1/team`); absent while it never changed. */
  statusSince?: string;
}

/** What the team sets of a person: `POST /v1/team/members`, and in part `PATCH /v1/team/members/:id`. */
export interface MemberFields {
  name: string;
  teams: string[];
  capacity: number;
}

/** What `PATCH /v1/team/members/:id` changes: the fields above, and (an admin) the person's status. */
export type MemberChange = Partial<MemberFields> & { status?: MemberStatus };

/** `GET /v1/settings/lifecycle`, in minutes; `null`: never (no first-response target, for a priority). */
export type { LifecycleSettingsView as LifecycleSettings } from '../../domain/lifecycle-settings';
/** `GET /v1/settings/routing`. */
export type { RoutingRules } from '../../workflows/routing/team-rules';
/** `GET /v1/ai-agents`: an assistant's configuration. */
export type { AssistantConfig } from '../../domain/assistant';

/** `GET /v1/webhooks`: an endpoint the server posts events to (its secret only in the answer that makes or renews it). */
export interface WebhookEndpointInfo {
  id: string;
  url: string;
  events: WebhookEventType[];
  description?: string;
  createdAt: string;
  updatedAt: string;
}

/** `GET /v1/webhooks/:id/deliveries`. */
export type { WebhookAttempt as WebhookAttemptInfo } from '../../domain/webhooks';

/** `GET /v1/websites`: the widget's bootstrap, naming the team so events can say who joined. */
export interface WebsiteInfo {
  id: string;
  name?: string;
  availableHumanAgents?: Array<{ id: string; name: string; online?: boolean }>;
  availableAIAgents?: Array<{ id: string; name: string }>;
  /** Who answers a message written now (server/services/team-availability.ts); absent from a server before it. */
  availability?: TeamAvailability;
  /** What a new conversation opens with, said by the assistant (sent as its `defaultTimelineItems`). */
  welcomeMessages?: string[];
  /** What uploads the server takes. */
  files?: FileLimits;
  visitor: { id: string; contact?: unknown; unreadConversationCount: number };
}

export interface TimelinePage {
  items: TimelineItem[];
  nextCursor?: string | null;
  hasNextPage: boolean;
  /** Read backwards (`beforeSeq`): whether older items are left before this page's first. */
  hasPreviousPage?: boolean;
}

export interface ConversationPage {
  conversations: ConversationListEntry[];
  nextCursor?: string | null;
  /** A search's page that stopped at the server's budget: the pages after it may hold more matches, or none. */
  searchIncomplete?: boolean;
}

/** Server-to-client frames on `/ws`. */
export type ServerFrame =
  /**
   * `resumed`: the resumes of the connect URL taken; absent from a server of a version before them.
   * `online` (agents): who has a socket open in the website now; the presence events change it after.
   */
  | { type: 'CONNECTION_ESTABLISHED'; payload: { connectionId: string; visitorId?: string; userId?: string; resumed?: number; online?: { visitorIds: string[]; userIds: string[] } } }
  | { type: 'conversationCreated'; payload: { conversationId: string; conversation: Conversation } }
  | { type: 'timelineItemCreated' | 'timelineItemUpdated'; payload: { conversationId: string; item: TimelineItem } }
  | { type: 'conversationUpdated'; payload: { conversationId: string; updates: Partial<Conversation> } }
  | { type: 'conversationTyping'; payload: { conversationId: string; actorType: ActorType; actorId: string; isTyping: boolean } }
  /** `lastSeenSeq`: where the mark stands (a visitor is told it of the visitor side's marks only). */
  | { type: 'conversationSeen'; payload: { conversationId: string; actorType: ActorType; actorId: string; lastSeenAt: string; lastSeenSeq?: number } }
  | { type: 'visitorConnected' | 'visitorDisconnected'; payload: { visitorId: string } }
  /** Agents only: the visitor's widget says they are on this page now. */
  | { type: 'visitorPageViewed'; payload: { visitorId: string } & VisitorPage }
  | { type: 'userConnected' | 'userDisconnected'; payload: { userId: string } }
  | { type: 'userStatusChanged'; payload: { userId: string; status: MemberStatus; statusSince?: string } }
  | { type: 'teamUpdated'; payload: { websiteId: string } }
  /** A saved reply was added, changed or deleted: read them again. */
  | { type: 'savedRepliesUpdated'; payload: { websiteId: string } }
  | { type: 'webhooksUpdated'; payload: { websiteId: string } }
  /** A `resume` is done: the socket sent every item after its `afterSeq` up to `throughSeq` the reader may see (`ref` the resume frame's). */
  | { type: 'resumeCompleted'; payload: { conversationId: string; throughSeq: number; ref?: string } }
  /** `details` as in a REST error body; `ref`, the client frame's it answers. */
  | { type: 'error'; payload: { code: string; message: string; details?: unknown; ref?: string } };

/** Client-to-server frames on `/ws`. */
export type ClientFrame =
  | { type: 'conversationTyping'; payload: { conversationId: string; isTyping: boolean } }
  | { type: 'conversationSeen'; payload: { conversationId: string; seq?: number } }
  /** `stateVersion`: the conversation's the page holds (the server then sends it only when newer); `ref` comes back on `resumeCompleted` or an `error`. */
  | { type: 'resume'; payload: { conversationId: string; afterSeq: number; stateVersion?: number }; ref?: string }
  /** The widget's visitor is on this page now (as `metadata.widget` has a page: origin and path, title). */
  | { type: 'pageViewed'; payload: Omit<VisitorPage, 'at'> };
