/**
 * The notifier's promise: a signal owed for an acknowledged item is recorded before the caller
 * answers, retried while the engine fails, and sent by the next server run if this one stops first.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ItemArrival } from '../../domain/operations';
import type { TimelineItem } from '../../domain/timeline';
import { WorkflowNotifier } from '../../server/services/workflow-notifier';

const conversation = { id: 'conv_1', websiteId: 'web_1', visitorId: 'vis_1' };
const item = (id: string, seq = 1): TimelineItem => ({
  id,
  conversationId: conversation.id,
  seq,
  type: 'message',
  visibility: 'public',
  author: { kind: 'visitor', id: 'vis_1' },
  createdAt: '2026-11-24T00:00:00.000Z',
  text: 'hello',
});

/** The store's outbox in memory, with the items it can look up. */
function outboxStore(items: TimelineItem[]) {
  const pending = new Map<string, string>();
  return {
    pending,
    addPendingSignal: async (itemId: string, conversationId: string) => void pending.set(itemId, conversationId),
    clearPendingSignal: async (itemId: string) => void pending.delete(itemId),
    listPendingSignals: async () => [...pending].map(([itemId, conversationId]) => ({ itemId, conversationId, createdAt: '' })),
    getItem: async (id: string) => items.find((i) => i.id === id) ?? null,
    getConversation: async () => ({ ...conversation, status: 'open', priority: 'medium', handler: 'ai', participants: [], tags: [], createdAt: '', updatedAt: '' }) as never,
  };
}

function engine(failing: boolean) {
  const heard: string[] = [];
  return {
    heard,
    notifyItem: async (arrival: ItemArrival) => {
      if (failing) throw new Error('engine down');
      heard.push(arrival.id);
    },
  };
}

const starts = { inputFor: async () => ({}) as never };
const quiet = pino({ level: 'silent' });
const fast = { initialDelayMs: 1, maxDelayMs: 5 };

describe('WorkflowNotifier', () => {
  describe('#notifyItem', () => {
    it('records the owed signal before resolving and clears it once the workflow took it', async () => {
      const store = outboxStore([item('item_1')]);
      const up = engine(false);
      const notifier = new WorkflowNotifier(up, starts, store, quiet, fast);
      await notifier.notifyItem(conversation, item('item_1'));
      expect(store.pending.has('item_1')).toBe(true);
      await notifier.drain();
      expect(up.heard).toEqual(['item_1']);
      expect(store.pending.size).toBe(0);
    });
  });

  describe('#resumePending', () => {
    it('sends at the next start what a stopped run still owed, in order', async () => {
      const store = outboxStore([item('item_1', 1), item('item_2', 2)]);
      const down = engine(true);
      const first = new WorkflowNotifier(down, starts, store, quiet, fast);
      await first.notifyItem(conversation, item('item_1', 1));
      await first.notifyItem(conversation, item('item_2', 2));
      await new Promise((resolve) => setTimeout(resolve, 30));
      first.stop();
      await first.drain();
      expect([...store.pending.keys()]).toEqual(['item_1', 'item_2']);

      const up = engine(false);
      const second = new WorkflowNotifier(up, starts, store, quiet, fast);
      expect(await second.resumePending()).toBe(2);
      await second.drain();
      expect(up.heard).toEqual(['item_1', 'item_2']);
      expect(store.pending.size).toBe(0);
    });

    it('clears, all at once, what is owed for items that no longer exist, and sends nothing for them', async () => {
      const store = outboxStore([]);
      for (let i = 0; i < 20; i++) store.pending.set(`gone_${i}`, conversation.id);
      // Like the store's outbox, which writes the clears of a window together: none is written until all are asked for.
      const asked: string[] = [];
      let writeAll = () => {};
      const written = new Promise<void>((resolve) => (writeAll = resolve));
      store.clearPendingSignal = async (itemId: string) => {
        asked.push(itemId);
        if (asked.length === store.pending.size) writeAll();
        await written;
      };
      const up = engine(false);
      expect(await new WorkflowNotifier(up, starts, store, quiet, fast).resumePending()).toBe(20);
      expect(asked).toHaveLength(20);
      expect(up.heard).toEqual([]);
    });
  });
});
