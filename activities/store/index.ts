/**
 * The product's persistence, through the official `mongodb` driver only: the same code runs on a
 * MongoDB replica set and on the embedded MongoDB-compatible server (runtime/mongo).
 */
import { changeMethods } from './changes';
import { connect, type StoreLog } from './connect';
import { conversationMethods } from './conversations';
import { collectionsOf } from './documents';
import { fileMethods } from './files';
import { newId } from './ids';
import { ensureIndexes } from './indexes';
import { memberTokenMethods } from './member-tokens';
import { migrate } from './migrations';
import { orderedWriter, type OrderedWriter } from './ordered-writes';
import { routingHoldMethods } from './routing-holds';
import { savedReplyMethods } from './saved-replies';
import { seenMethods } from './seen';
import { settingMethods } from './settings';
import { sharedLimitMethods } from './shared-limits';
import { signalOutboxMethods } from './signal-outbox';
import { teamMethods } from './team';
import { timelineMethods } from './timeline';
import { TimelineEnds } from './timeline-ends';
import { visitorMethods } from './visitors';
import { webhookMethods } from './webhooks';
import { websiteMethods } from './websites';

export interface StoreOptions {
  uri: string;
  /** Defaults to `support_chat`. */
  dbName?: string;
  /** Receives connection trouble the driver recovers from by itself. */
  log?: StoreLog;
}

type Methods = ReturnType<typeof websiteMethods> &
  ReturnType<typeof visitorMethods> &
  ReturnType<typeof conversationMethods> &
  ReturnType<typeof timelineMethods> &
  ReturnType<typeof seenMethods> &
  ReturnType<typeof teamMethods> &
  ReturnType<typeof memberTokenMethods> &
  ReturnType<typeof settingMethods> &
  ReturnType<typeof sharedLimitMethods> &
  ReturnType<typeof routingHoldMethods> &
  ReturnType<typeof savedReplyMethods> &
  ReturnType<typeof fileMethods> &
  ReturnType<typeof signalOutboxMethods> &
  ReturnType<typeof webhookMethods> &
  ReturnType<typeof changeMethods>;

export type Store = Methods & {
  /** This store instance's id; ephemeral events it publishes carry it as `origin`. */
  readonly instanceId: string;
  /** Resolves when the database answers a `ping` within `timeoutMs`; rejects otherwise (for health checks). */
  ping(timeoutMs: number): Promise<void>;
  /** Closes the connection (and with it any change streams). */
  close(): Promise<void>;
};

/** Connects, ensures collections and indexes, brings data kept by earlier versions up to date, and returns the store. */
export async function openStore({ uri, dbName = 'support_chat', log }: StoreOptions): Promise<Store> {
  const { client, db } = await connect(uri, dbName, log);
  const collections = collectionsOf(db);
  let writeOrdered: OrderedWriter;
  try {
    await ensureIndexes(db);
    await migrate(db, collections);
    writeOrdered = await orderedWriter(client);
  } catch (error) {
    await client.close();
    throw error;
  }
  const instanceId = newId('inst');
  const ends = new TimelineEnds();
  return {
    ...websiteMethods(collections),
    ...visitorMethods(client, collections),
    ...conversationMethods(collections),
    ...timelineMethods(collections, ends, writeOrdered),
    ...seenMethods(collections),
    ...teamMethods(client, collections),
    ...memberTokenMethods(collections),
    ...settingMethods(collections),
    ...sharedLimitMethods(collections),
    ...routingHoldMethods(collections),
    ...savedReplyMethods(collections),
    ...fileMethods(db, collections.items),
    ...signalOutboxMethods(collections),
    ...webhookMethods(collections),
    ...changeMethods(collections, instanceId, ends),
    instanceId,
    ping: async (timeoutMs) => void (await db.command({ ping: 1 }, { timeoutMS: timeoutMs })),
    close: () => client.close(),
  };
}

export type { Audience } from './audience';
export { audienceOf } from './audience';
export type { ChangeWatch, StoreChange, WatchOptions } from './changes';
export type { ConversationFilter, ConversationReader, NewConversation } from './conversations';
export type { EphemeralEvent } from './documents';
export type { ByteRange, FileInfo, FileUpload } from './files';
export type { MemberToken, MemberTokenRole, StoredMemberToken } from './member-tokens';
export type { SharedLimit } from './shared-limits';
export type { TeamChangeSession } from './team';
export type { ConfiguredWebsiteFields } from './websites';
export type { EventRedelivery, NewWebhookDelivery, WebhookDelivery, WebhookEndpoint, WebhookOutcome } from './webhooks';
export { newId } from './ids';
export { imageSize } from './image-size';
export type { Appended, AppendOptions, ItemToAppend } from './append';
export type { ItemPage, ItemPageRequest } from './timeline';
export type { ContactProfile, ConversationScope } from './visitors';
export { isInVisitorScope, scopeFilter } from './visitors';
