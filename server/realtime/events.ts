/** The `{type, payload}` frames the server sends on `/ws` (see shared/docs/api-contract.md). */
import type { Conversation, ConversationListEntry } from '../../domain/conversation';
import type { MemberStatus, VisitorPage } from '../../domain/people';
import type { TimelineItem } from '../../domain/timeline';

export type ActorType = 'visitor' | 'human' | 'ai' | 'system';

export type ServerEvent =
  | {
      type: 'CONNECTION_ESTABLISHED';
      /**
       * `resumed`: how many resumes of the connect URL (`?resume=`) the socket took; `online`
       * (agents and backends): who is online in the website now, the presence events telling changes after it.
       */
      payload: { connectionId: string; visitorId?: string; userId?: string; resumed: number; online?: OnlineSnapshot };
    }
  /** With the reader's `unreadCount`, as its list gives it. */
  | { type: 'conversationCreated'; payload: { conversationId: string; conversation: ConversationListEntry } }
  | { type: 'timelineItemCreated'; payload: { conversationId: string; item: TimelineItem } }
  | { type: 'timelineItemUpdated'; payload: { conversationId: string; item: TimelineItem } }
  /**
   * A `resume` is done: its missed items, and the live ones held back meanwhile, went out before it.
   * The socket holds every item after the resume's `afterSeq`, up to `throughSeq`, that its caller
   * may see (a safe `afterSeq` for the next resume); `ref` is the resume frame's.
   */
  | { type: 'resumeCompleted'; payload: { conversationId: string; throughSeq: number; ref?: string } }
  | { type: 'conversationUpdated'; payload: { conversationId: string; updates: Partial<Conversation> } }
  | { type: 'conversationTyping'; payload: { conversationId: string; actorType: ActorType; actorId: string; isTyping: boolean } }
  /** `lastSeenSeq`: the seq the reader's mark stands at; visitors are told it of the visitor side's marks only. */
  | { type: 'conversationSeen'; payload: { conversationId: string; actorType: ActorType; actorId: string; lastSeenAt: string; lastSeenSeq?: number } }
  | { type: 'visitorConnected' | 'visitorDisconnected'; payload: { visitorId: string; websiteId: string } }
  /** Agents only: the visitor's widget says they are on this page now (`at`: when the server was told). */
  | { type: 'visitorPageViewed'; payload: { visitorId: string; websiteId: string } & VisitorPage }
  | { type: 'userConnected' | 'userDisconnected'; payload: { userId: string; websiteId: string } }
  /** Agents only: a person set their status (or an admin did): `away` takes nothing new from routing, while still connected. */
  | { type: 'userStatusChanged'; payload: { userId: string; websiteId: string; status: MemberStatus; statusSince?: string } }
  /** Agents only: someone joined, changed or left the team; read it again (`GET /v1/team`). */
  | { type: 'teamUpdated'; payload: { websiteId: string } }
  /** Agents only: a saved reply was added, changed or deleted; read them again (`GET /v1/saved-replies`). */
  | { type: 'savedRepliesUpdated'; payload: { websiteId: string } }
  /** Agents only: a webhook endpoint was added, changed or deleted, or its secret renewed; read them again (`GET /v1/webhooks`). */
  | { type: 'webhooksUpdated'; payload: { websiteId: string } }
  /** `details` as in a REST error body: `{fields: [{path, message}]}` for invalid input, `{retryAfterSeconds}` when rate limited. */
  | { type: 'error'; payload: { code: string; message: string; details?: unknown; ref?: string } };

/** The people with a socket open in a website, on any instance (AI assistants are always online and not listed). */
export interface OnlineSnapshot {
  visitorIds: string[];
  userIds: string[];
}

/** Whose sockets may receive a conversation's events besides the website's agents. */
export interface ConversationOwners {
  websiteId: string;
  visitorId: string;
  contactId?: string;
}
