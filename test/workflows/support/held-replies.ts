/**
 * A store through which a test holds the AI's reply part-way through its activity while something
 * else happens: as it asks the store to write the reply (before the store's last look), or once
 * that look (for a newer visitor message, the store placing the reply) is done and the write next.
 */
import type { Store } from '../../../activities/store';

export type ReplyStage = 'look' | 'write';

interface Hold {
  reached(): void;
  released: Promise<void>;
}

export function heldReplies() {
  const holds = new Map<ReplyStage, Hold>();
  const pass = async (stage: ReplyStage) => {
    const hold = holds.get(stage);
    if (!hold) return;
    holds.delete(stage);
    hold.reached();
    await hold.released;
  };
  return {
    /** The store the activities get. */
    wrap: (store: Store): Store => ({
      ...store,
      async hasVisitorMessageAfter(conversationId, seq) {
        const newer = await store.hasVisitorMessageAfter(conversationId, seq);
        await pass('look');
        return newer;
      },
      async appendItem(item, options) {
        if (item.type === 'message' && item.author.kind === 'ai') await pass('write');
        return store.appendItem(item, options);
      },
    }),
    /** The next AI reply to reach `stage` waits there until released. */
    hold(stage: ReplyStage) {
      let reached!: () => void;
      let release!: () => void;
      const hasReached = new Promise<void>((resolve) => (reached = resolve));
      holds.set(stage, { reached, released: new Promise<void>((resolve) => (release = resolve)) });
      return { reached: hasReached, release };
    },
  };
}
