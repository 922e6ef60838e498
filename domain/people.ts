/** Websites, visitors, contacts and the team. */

export interface Website {
  id: string;
  name: string;
  /** `pk_…`: identifies the website to the widget; not a secret. */
  publicKey: string;
  /** `sk_…`: full access for agents and backends. */
  secretKey: string;
  /** Key of the HMAC-SHA256 that proves a contact's `externalId` (`userHash`). */
  identitySecret: string;
  /** Origins a public-key caller may come from; empty means any. */
  allowedOrigins: string[];
  createdAt: string;
}

/** Longest name of a person (a team member's, a contact's), once trimmed. */
export const MAX_NAME_LENGTH = 200;
/** The longest email address a contact may have (RFC 5321's 64 + @ + 255, rounded as is usual). */
export const MAX_EMAIL_LENGTH = 320;

/** One browser/device. Anonymous until linked to a contact. */
export interface Visitor {
  id: string;
  websiteId: string;
  contactId?: string;
  createdAt: string;
  lastSeenAt: string;
  /** The page the widget last said this visitor was on (team only: `GET /v1/visitors/:id`). */
  lastPage?: VisitorPage;
  /** The pages they went to, newest first, at most MAX_RECENT_PAGES; a page told again is not a new one (team only). */
  recentPages?: VisitorPage[];
}

/** How many of a visitor's pages are kept: enough to see how they came to ask, not a browsing record. */
export const MAX_RECENT_PAGES = 20;

/** A page a visitor's widget said they were on, as the conversation's `metadata.widget` keeps one: origin and path, its title. */
export interface VisitorPage {
  pageUrl: string;
  pageTitle?: string;
  /** When the server was told. */
  at: string;
}

/** A person the website knows (by its own `externalId`); all their visitors share history. */
export interface Contact {
  id: string;
  websiteId: string;
  externalId: string;
  email?: string;
  name?: string;
  createdAt: string;
  updatedAt: string;
}

/** Who an identified visitor is, as the team sees it beside a conversation. */
export type ContactSummary = Pick<Contact, 'id' | 'externalId' | 'name' | 'email'>;

export type TeamMemberKind = 'human' | 'ai';

/**
 * Whether a person takes new conversations from routing, as they (or an admin) set it: `away`
 * keeps them out of what the queues offer and of who the widget says is there, while their inbox
 * stays open. Not presence: an away person is still connected, and keeps what is theirs.
 */
export const MEMBER_STATUSES = ['available', 'away'] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export interface TeamMember {
  id: string;
  websiteId: string;
  name: string;
  kind: TeamMemberKind;
  /** Routing teams this member belongs to (humans). */
  teams: string[];
  /** How many open conversations a human takes at once before the queue holds new ones. */
  capacity: number;
  /** A person's status; absent (people stored before it, and anyone never set away) is `available`. AI assistants have none. */
  status?: MemberStatus;
  /** When `status` last changed (away since, available again since); absent while it never did. */
  statusSince?: string;
}

/** The member's status: an AI assistant, and a person who never set one, are available. */
export const statusOf = (member: Pick<TeamMember, 'status'>): MemberStatus => member.status ?? 'available';

/** Who is looking at a conversation; unread counts are relative to this. */
export type Viewer =
  | { kind: 'visitor'; id: string }
  /**
   * A visitor linked to a contact reads as the contact, so what it has seen on one device it has
   * seen on all; what this device saw before it was linked still counts (`visitorId`).
   */
  | { kind: 'contact'; id: string; visitorId: string }
  | { kind: 'human' | 'ai'; id: string };

/** A viewer on the visitor side. */
export type VisitorViewer = Extract<Viewer, { kind: 'visitor' | 'contact' }>;

/** Whose seen state a seen-state document holds. */
export type SeenBy = Pick<Viewer, 'kind' | 'id'>;

export interface SeenState {
  conversationId: string;
  viewer: SeenBy;
  lastSeenSeq: number;
  lastSeenAt: string;
}
