/**
 * The conversation workflow's activities, built by a factory from their dependencies so tests and
 * the runtime pass real or in-memory ones. The workflow imports only the type of what it returns.
 */
import type { ConversationLifecycle } from '../domain/conversation';
import { isAppError } from '../domain/errors';
import type { EventItem } from '../domain/timeline';
import type { RecordedEvent, SlaBreach } from '../workflows/conversation/definitions';

/** The store writes the lifecycle needs (activities/store provides them). */
export interface LifecycleStore {
  /** Appends with the next seq; idempotent on the item id. */
  appendItem(item: Omit<EventItem, 'seq'>): Promise<unknown>;
  /** Ignored when the store already holds a newer state version. */
  projectLifecycle(conversationId: string, lifecycle: ConversationLifecycle, stateVersion: number): Promise<unknown>;
}

export interface ConversationActivityDeps {
  store: LifecycleStore;
  /** Told about every first-response SLA breach (paging, e-mail…); the timeline event is written either way. */
  onSlaBreach?: (breach: SlaBreach) => Promise<void> | void;
}

export function createConversationActivities({ store, onSlaBreach }: ConversationActivityDeps) {
  return {
    /**
     * Writes the workflow's decisions as `event` items, in order; a retry rewrites nothing (ids are
     * fixed). An event whose id another item holds (clients could once choose ids shaped like the
     * workflow's) goes under an id derived from it, so the lifecycle does not stall on it for good.
     */
    async recordEvents(conversationId: string, events: RecordedEvent[]): Promise<void> {
      for (const event of events) {
        const item = { type: 'event' as const, conversationId, ...event };
        try {
          await store.appendItem(item);
        } catch (err) {
          if (!(isAppError(err) && err.code === 'ERR_CONFLICT')) throw err;
          await store.appendItem({ ...item, id: `${event.id}:again` });
        }
      }
    },

    async projectState(conversationId: string, lifecycle: ConversationLifecycle, stateVersion: number): Promise<void> {
      await store.projectLifecycle(conversationId, lifecycle, stateVersion);
    },

    async notifySlaBreach(breach: SlaBreach): Promise<void> {
      await onSlaBreach?.(breach);
    },
  };
}
