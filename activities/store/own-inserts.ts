/**
 * A store instance's own item inserts, handed to its change watchers as soon as they are stored,
 * in the order they were stored. Waiting for them to come back through the change stream cost a
 * round trip through the database per write on the message path; the stream leaves them out
 * (items carry their writer's `origin`, see changes.ts), and still carries every other writer's.
 */
import type { ItemDoc } from './documents';

export class OwnInserts {
  private readonly watchers = new Set<(doc: ItemDoc) => void>();

  /** Calls `onInsert` with each own insert from now on; returns the unsubscribe. */
  watch(onInsert: (doc: ItemDoc) => void): () => void {
    this.watchers.add(onInsert);
    return () => void this.watchers.delete(onInsert);
  }

  /** Called by the appender with the documents a write stored, before it answers their appends. */
  stored(docs: readonly ItemDoc[]): void {
    for (const doc of docs) for (const onInsert of this.watchers) onInsert(doc);
  }
}
