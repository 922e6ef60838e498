/** Collections and indexes the store relies on; idempotent, run by `openStore`. */
import type { Db, IndexDescription } from 'mongodb';
import { FILES_BUCKET, UNFINISHED_FILES } from './documents';

/** The unique index that arbitrates item seqs between writers (append.ts); MongoDB and the embedded server both name it in E11000 messages. */
export const ITEM_SEQ_INDEX = 'conversation_seq';

/** Inbox listings sort newest activity first, ties broken by id; a visitor's, newest public activity. */
const byActivity = { lastActivityAt: -1, _id: -1 } as const;
const byPublicActivity = { lastPublicActivityAt: -1, _id: -1 } as const;

/** Indexes of earlier versions, dropped by the migrations: `[collection, index name]`. */
export const RETIRED_INDEXES = [
  ['conversations', 'inbox_visitor'],
  ['conversations', 'inbox_contact'],
] as const;

/**
 * The plain indexes earlier versions swept expired documents by, on the fields the TTL indexes
 * below now expire by: dropped at every start, since an instance of an earlier version that
 * starts makes them again.
 */
export const SWEEP_INDEXES = [
  ['ephemeral', 'expireAt'],
  ['rate_limits', 'fullAt'],
] as const;

const INDEXES: Record<string, IndexDescription[]> = {
  websites: [
    { key: { publicKey: 1 }, name: 'publicKey', unique: true },
    { key: { secretKey: 1 }, name: 'secretKey', unique: true },
  ],
  visitors: [{ key: { websiteId: 1, contactId: 1 }, name: 'website_contact' }],
  contacts: [{ key: { websiteId: 1, externalId: 1 }, name: 'website_externalId', unique: true }],
  conversations: [
    { key: { websiteId: 1, ...byActivity }, name: 'inbox' },
    // Only visitors list by visitor or contact.
    { key: { websiteId: 1, visitorId: 1, ...byPublicActivity }, name: 'widget_visitor' },
    { key: { websiteId: 1, contactId: 1, ...byPublicActivity }, name: 'widget_contact' },
    { key: { websiteId: 1, status: 1, ...byActivity }, name: 'inbox_status' },
    // Also the priority sort: one range of it per priority, urgent first (list-orders.ts).
    { key: { websiteId: 1, priority: 1, ...byActivity }, name: 'inbox_priority' },
    // The waiting sort, longest waiting first. Only a visitor's first unanswered message and an
    // answer move waitingSince, so this entry is not rewritten by every append as `inbox`'s is.
    { key: { websiteId: 1, waitingSince: 1, _id: 1 }, name: 'inbox_waiting' },
    { key: { websiteId: 1, tags: 1, ...byActivity }, name: 'inbox_tag' },
    { key: { websiteId: 1, assigneeId: 1, ...byActivity }, name: 'inbox_assignee' },
    // A sync (`updatedSince`) reads the oldest change first. Every append moves updatedAt too, so
    // this entry is rewritten on the hot path as `inbox`'s is: the price of finding what changed.
    { key: { websiteId: 1, updatedAt: 1, _id: 1 }, name: 'sync' },
    // No handler index: every append rewrites these entries (lastActivityAt), so each index costs
    // on the hot path; a handler filter is served by `inbox` (or another filter's index), and
    // `waiting`, which asks for open conversations, by `inbox_status` (handler-filter.ts).
  ],
  items: [{ key: { conversationId: 1, seq: 1 }, name: ITEM_SEQ_INDEX, unique: true }],
  seen: [{ key: { conversationId: 1, 'viewer.kind': 1, 'viewer.id': 1 }, name: 'conversation_viewer', unique: true }],
  team: [{ key: { websiteId: 1 }, name: 'website' }],
  // TTL indexes (expireAfterSeconds: 0) delete each document once the date in its field is past: a
  // member token, revoked or not, once it expires; an ephemeral event after its minute; a rate
  // limit's bucket once it is full again; a routing hold its holder never let go of. Their monitor wakes once a minute (MongoDB's and the
  // embedded server's alike), so readers take a document past its date as gone.
  member_tokens: [
    { key: { websiteId: 1, userId: 1, expiresAt: 1 }, name: 'website_member_expiry' },
    { key: { expiresAt: 1 }, name: 'expiresAt_ttl', expireAfterSeconds: 0 },
  ],
  settings: [{ key: { websiteId: 1, key: 1 }, name: 'website_key', unique: true }],
  // Unique per website whatever the case (the key is the shortcut in lower case); the list reads by it too.
  saved_replies: [{ key: { websiteId: 1, shortcutKey: 1 }, name: 'website_shortcut', unique: true }],
  // Descending: the plain index earlier versions keep on the field (SWEEP_INDEXES) is ascending, and
  // a TTL index on that same key would be refused (IndexOptionsConflict) while it stands.
  ephemeral: [{ key: { expireAt: -1 }, name: 'expireAt_ttl', expireAfterSeconds: 0 }],
  rate_limits: [{ key: { fullAt: -1 }, name: 'fullAt_ttl', expireAfterSeconds: 0 }],
  routing_holds: [{ key: { until: 1 }, name: 'until_ttl', expireAfterSeconds: 0 }],
  webhook_endpoints: [{ key: { websiteId: 1, createdAt: 1 }, name: 'website' }],
  // The deliverers take the pending delivery due first; a deleted endpoint's go with it; a finished one goes after a week.
  webhook_deliveries: [
    { key: { status: 1, dueAt: 1 }, name: 'status_due' },
    { key: { endpointId: 1 }, name: 'endpoint' },
    { key: { expireAt: 1 }, name: 'expireAt_ttl', expireAfterSeconds: 0 },
  ],
  webhook_attempts: [
    { key: { endpointId: 1, at: -1 }, name: 'endpoint_at' },
    { key: { expireAt: 1 }, name: 'expireAt_ttl', expireAfterSeconds: 0 },
  ],
  [`${FILES_BUCKET}.files`]: [
    { key: { 'metadata.conversationId': 1 }, name: 'conversation' },
    // The sweep of uploads no message names (files not yet marked attached, oldest first).
    { key: { 'metadata.attached': 1, uploadDate: 1 }, name: 'unattached' },
  ],
  [`${FILES_BUCKET}.chunks`]: [{ key: { files_id: 1, n: 1 }, name: 'files_id_n', unique: true }],
  [UNFINISHED_FILES]: [{ key: { since: 1 }, name: 'since' }],
};

/** Creates the store's indexes (createIndexes also creates a missing collection). */
export async function ensureIndexes(db: Db): Promise<void> {
  await Promise.all(Object.entries(INDEXES).map(([name, indexes]) => db.collection(name).createIndexes(indexes)));
}
