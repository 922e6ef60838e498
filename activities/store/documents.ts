/**
 * How the product's records sit in MongoDB. Every document's `_id` is its domain id (so ids are
 * unique through the `_id` index) and the domain `id` is kept beside it, so a read only has to
 * drop `_id` and the record kind's internal fields (`withoutInternal`).
 */
import type { Collection, Db } from 'mongodb';
import { TEAM_ONLY_CONVERSATION_FIELDS, type Conversation, type ConversationLifecycle } from '../../domain/conversation';
import type { Contact, SeenState, TeamMember, Visitor, Website } from '../../domain/people';
import type { SavedReply } from '../../domain/saved-reply';
import type { WebhookAttempt } from '../../domain/webhooks';
import { STORE_ITEM_FIELDS, type Author, type PluginItem, type TimelineItem, type Visibility } from '../../domain/timeline';
import type { StoredMemberToken } from './member-tokens';
import type { UnreadTally } from './unread-tally';

type Stored<T> = T & { _id: string };

/**
 * `teamRevision` counts the changes of the team and its routing rules, `teamChangesBegun` those
 * begun (written first, so the document is the change's own from its start: team.ts `changeTeam`).
 */
export type WebsiteDoc = Stored<Website> & { teamRevision?: number; teamChangesBegun?: number };
export type VisitorDoc = Stored<Visitor>;
export type ContactDoc = Stored<Contact>;
/**
 * A person removed from the team stays on record (who removed them, when), out of every read of the
 * team. `tokensBegun` counts the member tokens begun for them (written first, so the document is
 * the token's transaction's own: team.ts `changeForMember`).
 */
export type TeamMemberDoc = Stored<TeamMember> & { removedAt?: string; removedBy?: Author; tokensBegun?: number };
/**
 * A member token (member-tokens.ts): `expiresAt` a date, which a TTL index deletes it by (a string
 * would never expire); `revokedAt` once revoked (it is kept until it expires).
 */
export type MemberTokenDoc = Stored<Omit<StoredMemberToken, 'id' | 'expiresAt'>> & { expiresAt: Date; revokedAt?: Date };

/** A saved reply, with its shortcut in lower case: what the unique index compares (saved-replies.ts). */
export type SavedReplyDoc = Stored<SavedReply> & { shortcutKey: string };

/**
 * A timeline item plus its website, so change events can be routed without another read. Typed as
 * the open plugin shape: the built-in item types are special cases of it.
 */
export type ItemDoc = Stored<PluginItem> & {
  websiteId: string;
  /** On an interactive item: the reply of the answer that last changed it, kept so a retry can post it (timeline.ts). */
  answerReply?: RecordedReply;
  /** The conversation's unread tally up to and including this item (unread-tally.ts). */
  tally: UnreadTally;
  /** On the assistant's message handing the visitor to the team (its hand-off or away message): it answers nothing (waiting-since.ts). */
  handOff?: true;
};

/** A reply to an interactive item, recorded with the answer's change to it before it is posted. */
export interface RecordedReply<Item extends object = object> {
  id: string;
  /** The reply item as the caller will post it, without its id. */
  item: Item;
}

/** An item whose `itemAdded` signal its conversation's workflow has not taken yet (signal-outbox.ts). */
export interface SignalOutboxDoc {
  /** The item's id. */
  _id: string;
  conversationId: string;
  /** When the entry was made. */
  createdAt: string;
}

export type ConversationDoc = Stored<Omit<Conversation, 'lastTimelineItem'>> & {
  /** Canonical JSON of the creation request: retries with the same content are idempotent. */
  creationKey: string;
  /** Version of the workflow state last projected here (0: none yet). */
  stateVersion: number;
  /** How many projections changed a field visitors see (absent: none yet): a visitor's `stateVersion`. */
  publicStateVersion?: number;
  /** Time of the newest item (or creation); the inbox sorts on it. Only ever moves forward. */
  lastActivityAt: string;
  /**
   * Time of the newest public item (or creation): what a visitor's list sorts on, so it never
   * moves for a private note. Absent only until the migration of an older store (activity-migration.ts).
   */
  lastPublicActivityAt?: string;
  /** The newest item per audience, with its seq (0: none) so older writers cannot overwrite it. */
  lastItemAll?: TimelineItem;
  lastSeqAll: number;
  lastItemPublic?: TimelineItem;
  lastSeqPublic: number;
  /** The unread tally of the item at `lastSeqAll` (absent: no item yet). */
  tally?: UnreadTally;
};

export type SeenDoc = Stored<SeenState> & {
  /** The reader's base of the conversation's tally at `lastSeenSeq` (unread-tally.ts). */
  base: number;
};

export interface SettingDoc {
  _id: string;
  websiteId: string;
  key: string;
  value: unknown;
  updatedAt: string;
  /** How many times the value was stored since revisions were counted (absent: read as 0, before). */
  revision?: number;
}

/** A short-lived realtime event (typing, seen, presence) relayed to every server instance. */
export interface EphemeralEvent {
  websiteId: string;
  conversationId?: string;
  /** `public` events may reach visitors; `private` ones only agents. */
  visibility: Visibility;
  type: string;
  payload: Record<string, unknown>;
}

export type EphemeralDoc = EphemeralEvent & {
  _id: string;
  /** The store instance that published it, so it can skip its own events. */
  origin: string;
  createdAt: string;
  /** After this the event is deleted, by a TTL index (indexes.ts). */
  expireAt: Date;
};

/** A shared rate limit's bucket (shared-limits.ts): when it is full again. */
export interface RateLimitDoc {
  _id: string;
  fullAt: Date;
}

/**
 * A person held while routing gives them a conversation (routing-holds.ts): by whom, and until when
 * the hold stands should its holder never let go of it (a TTL index deletes it some time after).
 */
export interface RoutingHoldDoc {
  _id: string;
  holder: string;
  until: Date;
}

/** A website's webhook endpoint (webhooks.ts); `secret` signs what it is sent. */
export interface WebhookEndpointDoc {
  _id: string;
  websiteId: string;
  url: string;
  events: string[];
  description?: string;
  secret: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * One event owed to one endpoint (`_id`: the event's id and the endpoint's), kept until it is
 * delivered or given up; `dueAt` is when it is next tried, moved on while an instance tries it.
 */
export interface WebhookDeliveryDoc {
  _id: string;
  websiteId: string;
  endpointId: string;
  eventId: string;
  type: string;
  /** The JSON body, as signed and sent on every attempt. */
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  createdAt: string;
  dueAt: Date;
  /** While an instance sends it: none other may redeliver it meanwhile (its `dueAt` alone cannot tell a lease from a retry's wait). */
  leasedUntil?: Date;
  /** When an admin last had it sent again: it is retried for as long from then as from its `createdAt`. */
  redeliveredAt?: string;
  /** Once delivered or failed: when a TTL index deletes it. */
  expireAt?: Date;
}

/** One try of a delivery, as `GET /v1/webhooks/:id/deliveries` lists it; a TTL index deletes it after a week. */
export interface WebhookAttemptDoc extends WebhookAttempt {
  _id: string;
  expireAt: Date;
}

/** Up to when every change has been turned into the webhook deliveries it owes (event-outbox.ts): a restart catches up from there. */
export interface WebhookCursorDoc {
  _id: string;
  coveredUntil: string;
}

export interface Collections {
  websites: Collection<WebsiteDoc>;
  visitors: Collection<VisitorDoc>;
  contacts: Collection<ContactDoc>;
  conversations: Collection<ConversationDoc>;
  items: Collection<ItemDoc>;
  signalOutbox: Collection<SignalOutboxDoc>;
  seen: Collection<SeenDoc>;
  team: Collection<TeamMemberDoc>;
  memberTokens: Collection<MemberTokenDoc>;
  settings: Collection<SettingDoc>;
  ephemeral: Collection<EphemeralDoc>;
  rateLimits: Collection<RateLimitDoc>;
  routingHolds: Collection<RoutingHoldDoc>;
  savedReplies: Collection<SavedReplyDoc>;
  webhookEndpoints: Collection<WebhookEndpointDoc>;
  webhookDeliveries: Collection<WebhookDeliveryDoc>;
  webhookAttempts: Collection<WebhookAttemptDoc>;
  webhookCursors: Collection<WebhookCursorDoc>;
}

/** Each collection's name in the database. */
const COLLECTION_NAMES: { readonly [K in keyof Collections]: string } = {
  websites: 'websites',
  visitors: 'visitors',
  contacts: 'contacts',
  conversations: 'conversations',
  items: 'items',
  signalOutbox: 'signal_outbox',
  seen: 'seen',
  team: 'team',
  memberTokens: 'member_tokens',
  settings: 'settings',
  ephemeral: 'ephemeral',
  rateLimits: 'rate_limits',
  routingHolds: 'routing_holds',
  savedReplies: 'saved_replies',
  webhookEndpoints: 'webhook_endpoints',
  webhookDeliveries: 'webhook_deliveries',
  webhookAttempts: 'webhook_attempts',
  webhookCursors: 'webhook_cursors',
};

/** GridFS bucket name: files live in `files.files` and `files.chunks`. */
export const FILES_BUCKET = 'files';
/** Uploads under way and deletions of files, whose chunks a crash would leave behind (files.ts). */
export const UNFINISHED_FILES = `${FILES_BUCKET}.unfinished`;

export function collectionsOf(db: Db): Collections {
  return Object.fromEntries(Object.entries(COLLECTION_NAMES).map(([key, name]) => [key, db.collection(name)])) as unknown as Collections;
}

/** Drops `_id`, other internal fields and undefined values from a stored document. */
export function withoutInternal<T>(doc: object, internal: readonly string[] = []): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) if (key !== '_id' && value !== undefined && !internal.includes(key)) out[key] = value;
  return out as T;
}

/** A stored item as clients see it. */
export const toItem = (doc: ItemDoc): TimelineItem => withoutInternal<TimelineItem>(doc, STORE_ITEM_FIELDS);

/** Keys of the lifecycle projection, checked against the domain type so none is forgotten. */
export const LIFECYCLE_FIELDS = [
  'status',
  'priority',
  'handler',
  'participants',
  'assigneeId',
  'tags',
  'title',
  'resolvedAt',
  'resolvedBy',
  'firstResponseAt',
  'escalatedAt',
  'escalationReason',
  'aiPausedUntil',
] as const satisfies readonly (keyof ConversationLifecycle)[];
/** The lifecycle fields a visitor is shown: a change of one of them moves a visitor's `stateVersion`. */
export const PUBLIC_LIFECYCLE_FIELDS = LIFECYCLE_FIELDS.filter((field) => !(TEAM_ONLY_CONVERSATION_FIELDS as readonly string[]).includes(field));
type NoneMissing<T extends never> = T;
// Fails to compile when ConversationLifecycle gains a field that LIFECYCLE_FIELDS lacks.
export type LifecycleFieldsComplete = NoneMissing<Exclude<keyof ConversationLifecycle, (typeof LIFECYCLE_FIELDS)[number]>>;
