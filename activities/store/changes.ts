/**
 * Realtime across server instances: every instance watches the store's change streams and relays
 * what it sees to its own sockets. Needs a replica set (change streams).
 */
import type { ChangeStream, ChangeStreamDocument, Document } from 'mongodb';
import type { Conversation } from '../../domain/conversation';
import type { TimelineItem, Visibility } from '../../domain/timeline';
import type { Audience } from './audience';
import { toConversation } from './conversations';
import { toItem, type Collections, type ConversationDoc, type EphemeralDoc, type EphemeralEvent, type ItemDoc } from './documents';
import { newId } from './ids';
import { tickBatch } from './tick-batch';
import type { TimelineEnds } from './timeline-ends';
import type { UnreadSource } from './unread';

export type StoreChange =
  | { type: 'itemCreated' | 'itemUpdated'; websiteId: string; conversationId: string; visibility: Visibility; item: TimelineItem }
  | {
      type: 'conversationCreated' | 'conversationUpdated';
      websiteId: string;
      conversationId: string;
      /** The conversation as each audience sees it (their last items differ). */
      views: Record<Audience, Conversation>;
      /** Top-level fields the update touched; item appends show up as `lastTimelineItem`. */
      changedFields: string[];
      /** What `unreadCountAt` counts from, as of these views (an item stored after them comes in its own change). */
      unreadSource: UnreadSource;
    }
  | { type: 'ephemeral'; websiteId: string; conversationId?: string; visibility: Visibility; event: EphemeralEvent; origin: string };

export interface ChangeWatch {
  close(): Promise<void>;
}

export interface WatchOptions {
  /** `onChange` threw; delivery goes on. */
  onError?: (error: unknown) => void;
  /**
   * A stream failed beyond the driver's automatic resume (e.g. its history was lost): the watch is
   * closed, nothing more is delivered, and what happened meanwhile is not known. Watch again.
   */
  onFailed?: (error: unknown) => void;
}

/** How long other instances may still relay an ephemeral event. */
const EPHEMERAL_TTL_MS = 60_000;
/** Internal conversation fields as clients know them; null: nothing a client sees. */
const CLIENT_FIELDS: Record<string, string | null> = {
  lastItemAll: 'lastTimelineItem',
  lastSeqAll: 'lastTimelineItem',
  lastItemPublic: 'lastTimelineItem',
  lastSeqPublic: 'lastTimelineItem',
  lastActivityAt: 'lastTimelineItem',
  lastPublicActivityAt: 'lastTimelineItem',
  // Each audience's view gives its own (conversations.ts toConversation).
  publicStateVersion: 'stateVersion',
  creationKey: null,
  tally: null,
};

/**
 * Conversation fields whose change alone is not news: internal ones, the last item (its item's own
 * event tells), and `updatedAt`, which every append moves too (a lifecycle write that moves it
 * changes its `stateVersion` as well, so is reported).
 */
const UNREPORTED_FIELDS = [
  ...Object.entries(CLIENT_FIELDS)
    .filter(([, clientName]) => clientName === null || clientName === 'lastTimelineItem')
    .map(([field]) => field),
  'updatedAt',
];

/**
 * Conversation inserts, and updates that touch some other field. Every timeline append updates its
 * conversation's last item; filtering those out in the store spares the lookup and the transfer
 * of the whole conversation for each message.
 */
export const REPORTED_CONVERSATION_CHANGES = {
  $match: {
    $or: [
      { operationType: 'insert' },
      {
        operationType: 'update',
        $expr: {
          $or: [
            { $gt: [{ $size: { $ifNull: ['$updateDescription.removedFields', []] } }, 0] },
            {
              $gt: [
                { $size: { $setDifference: [{ $map: { input: { $objectToArray: '$updateDescription.updatedFields' }, in: '$$this.k' } }, UNREPORTED_FIELDS] } },
                0,
              ],
            },
          ],
        },
      },
    ],
  },
};

function changedFields(change: ChangeStreamDocument<ConversationDoc>): string[] {
  if (change.operationType !== 'update') return [];
  const { updatedFields = {}, removedFields = [] } = change.updateDescription;
  const fields = new Set<string>();
  for (const path of [...Object.keys(updatedFields), ...removedFields]) {
    const name = path.split('.')[0]!;
    const clientName = name in CLIENT_FIELDS ? CLIENT_FIELDS[name] : name;
    if (clientName) fields.add(clientName);
  }
  return [...fields];
}

/** Item inserts and updates; every stored seq seen also moves this store's known timeline end (timeline-ends.ts). */
const itemChanges =
  (ends: TimelineEnds) =>
  (change: ChangeStreamDocument<ItemDoc>): StoreChange | undefined => {
    if ((change.operationType !== 'insert' && change.operationType !== 'update') || !change.fullDocument) return undefined;
    const doc = change.fullDocument;
    const item = toItem(doc);
    const type = change.operationType === 'insert' ? 'itemCreated' : 'itemUpdated';
    if (type === 'itemCreated') {
      // Written without a tally (by an instance of an earlier version): the end is read, and repaired, before the next append.
      if (doc.tally) ends.observed(doc.conversationId, { lastSeq: doc.seq, tally: doc.tally });
      else ends.forget(doc.conversationId);
    }
    return { type, websiteId: doc.websiteId, conversationId: item.conversationId, visibility: item.visibility, item };
  };

function conversationChange(change: ChangeStreamDocument<ConversationDoc>): StoreChange | undefined {
  if ((change.operationType !== 'insert' && change.operationType !== 'update') || !change.fullDocument) return undefined;
  const doc = change.fullDocument;
  return {
    type: change.operationType === 'insert' ? 'conversationCreated' : 'conversationUpdated',
    websiteId: doc.websiteId,
    conversationId: doc._id,
    views: { all: toConversation(doc, 'all'), public: toConversation(doc, 'public') },
    changedFields: changedFields(change),
    unreadSource: { _id: doc._id, tally: doc.tally },
  };
}

function ephemeralChange(change: ChangeStreamDocument<EphemeralDoc>): StoreChange | undefined {
  if (change.operationType !== 'insert') return undefined;
  const { _id, origin, createdAt, expireAt, ...event } = change.fullDocument;
  return { type: 'ephemeral', websiteId: event.websiteId, conversationId: event.conversationId, visibility: event.visibility, event, origin };
}

type Deliver = (change: StoreChange) => void | Promise<void>;

/**
 * Opens the stream's cursor (so every change after this resolves is seen), then feeds its changes
 * to `onChange` in the background, one at a time and in order, until the stream closes.
 */
async function follow<T extends Document>(
  stream: ChangeStream<T>,
  toChange: (change: ChangeStreamDocument<T>) => StoreChange | undefined,
  onChange: Deliver,
  onError: (error: unknown) => void,
  onFailed: (error: unknown) => void,
): Promise<void> {
  const first = await stream.tryNext();
  const deliver = async (change: StoreChange | null | undefined): Promise<void> => {
    try {
      if (change) await onChange(change);
    } catch (error) {
      onError(error); // a failing consumer must not stop the stream
    }
  };
  const pump = async (next: ChangeStreamDocument<T> | null): Promise<void> => {
    try {
      for (;;) {
        await deliver(next && toChange(next));
        next = await stream.next();
      }
    } catch (error) {
      onFailed(error); // also when the stream ended by itself (its collection dropped: invalidated)
    }
  };
  void pump(first);
}

/** How long an idle getMore waits on the server: also how long opening a watch takes (see `follow`). */
const MAX_AWAIT_MS = 250;

export function changeMethods({ items, conversations, ephemeral }: Collections, instanceId: string, ends: TimelineEnds) {
  // The events of one turn (a wave of sockets connecting, a flood of typing) go out in one write,
  // in order. A lost typing indicator does not matter; don't wait for the journal.
  const insertEphemeral = tickBatch<EphemeralDoc>(async (docs) => {
    await ephemeral.insertMany(docs, { ordered: true, writeConcern: { w: 1 } });
  });
  return {
    /** Watches new and updated items, conversation changes and ephemeral events; resolves once watching. */
    async watchChanges(onChange: Deliver, options: WatchOptions = {}): Promise<ChangeWatch> {
      const onError = options.onError ?? ((error: unknown) => console.error('store change stream failed', error));
      const writes = [{ $match: { operationType: { $in: ['insert', 'update'] } } }];
      const watchOptions = { fullDocument: 'updateLookup', maxAwaitTimeMS: MAX_AWAIT_MS } as const;
      const itemStream = items.watch<ItemDoc>(writes, watchOptions);
      const conversationStream = conversations.watch<ConversationDoc>([REPORTED_CONVERSATION_CHANGES], watchOptions);
      const ephemeralStream = ephemeral.watch<EphemeralDoc>([{ $match: { operationType: 'insert' } }], { maxAwaitTimeMS: MAX_AWAIT_MS });
      const streams = [itemStream, conversationStream, ephemeralStream];
      let ended = false;
      const closeStreams = () => Promise.all(streams.map((stream) => stream.close()));
      const close = async () => {
        ended = true;
        await closeStreams();
      };
      // One stream ending, unless closed here, ends the watch: the three are one view of the store.
      // While the watch is still opening, that fails the opening instead.
      let opened = false;
      let openingFailure: unknown;
      const onFailed = (error: unknown) => {
        if (ended) return;
        ended = true;
        const closed = closeStreams().catch(() => undefined);
        if (opened) void closed.then(() => (options.onFailed ?? onError)(error));
        else openingFailure = error;
      };
      try {
        await Promise.all([
          follow(itemStream, itemChanges(ends), onChange, onError, onFailed),
          follow(conversationStream, conversationChange, onChange, onError, onFailed),
          follow(ephemeralStream, ephemeralChange, onChange, onError, onFailed),
        ]);
        if (ended) throw openingFailure;
        opened = true;
      } catch (error) {
        await close();
        throw error;
      }
      return { close };
    },

    /** Publishes a typing/seen/presence event to every instance's watchers; a TTL index deletes it once it expires, after a minute. */
    async publishEphemeral(event: EphemeralEvent): Promise<void> {
      const now = Date.now();
      await insertEphemeral({ ...event, _id: newId('evt'), origin: instanceId, createdAt: new Date(now).toISOString(), expireAt: new Date(now + EPHEMERAL_TTL_MS) });
    },
  };
}
