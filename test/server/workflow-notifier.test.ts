/**
 * The notifier's promise: a signal owed for an acknowledged item is recorded before the caller
 * answers, retried while the engine fails, and sent by the next server run if this one stops first.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ItemArrival } from '../../domain/operations';
import type { TimelineItem } from '../../domain/timeline';
import { createPluginRegistry } from '../../plugins/registry';
import { WorkflowSetAsideError } from '../../runtime/engine/errors';
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
  /** When entries were recorded, where a test says so (else long ago). */
  const recorded = new Map<string, string>();
  return {
    pending,
    recorded,
    addPendingSignal: async (itemId: string, conversationId: string) => void pending.set(itemId, conversationId),
    clearPendingSignal: async (itemId: string) => void pending.delete(itemId),
    listPendingSignals: async () => [...pending].map(([itemId, conversationId]) => ({ itemId, conversationId, recordedAt: recorded.get(itemId) ?? new Date(0).toISOString() })),
    getItem: async (id: string) => items.find((i) => i.id === id) ?? null,
    getConversation: async () => ({ ...conversation, status: 'open', priority: 'medium', handler: 'ai', participants: [], tags: [], createdAt: '', updatedAt: '' }) as never,
  };
}

/** A conversation engine that fails its first `failures` calls; `calls` holds the item ids of each call that went through. */
function engine(failures: number) {
  const heard: string[] = [];
  const calls: string[][] = [];
  let failed = 0;
  return {
    heard,
    calls,
    notifyItems: async (arrivals: ItemArrival[]) => {
      await new Promise((resolve) => setTimeout(resolve, 5)); // a workflow task takes a while
      if (failed++ < failures) throw new Error('engine down');
      calls.push(arrivals.map((arrival) => arrival.id));
      heard.push(...arrivals.map((arrival) => arrival.id));
    },
  };
}
const up = () => engine(0);
const down = () => engine(Infinity);

const starts = { inputFor: async () => ({}) as never };
const quiet = pino({ level: 'silent' });
const plugins = createPluginRegistry([]);
const fast = { initialDelayMs: 1, maxDelayMs: 5 };

describe('WorkflowNotifier', () => {
  describe('#notifyItem', () => {
    it('records the owed signal before resolving and clears it once the workflow took it', async () => {
      const store = outboxStore([item('item_1')]);
      const engineUp = up();
      const notifier = new WorkflowNotifier(engineUp, starts, store, plugins, quiet, fast);
      await notifier.notifyItem(conversation, item('item_1'));
      expect(store.pending.has('item_1')).toBe(true);
      await notifier.drain();
      expect(engineUp.heard).toEqual(['item_1']);
      expect(store.pending.size).toBe(0);
    });

    it('sends the items that queue up while a call is under way together in the next, in order, retries included', async () => {
      const items = Array.from({ length: 6 }, (_, i) => item(`item_${i}`, i + 1));
      const store = outboxStore(items);
      const flaky = engine(2);
      const notifier = new WorkflowNotifier(flaky, starts, store, plugins, quiet, fast);
      await notifier.notifyItem(conversation, items[0]!);
      for (const next of items.slice(1)) await notifier.notifyItem(conversation, next);
      await notifier.drain();
      expect(flaky.heard).toEqual(items.map((i) => i.id));
      expect(flaky.calls.length).toBeLessThan(items.length);
      expect(store.pending.size).toBe(0);
    });
    it('sends an item that comes just as the call before it finishes', async () => {
      for (let delay = 0; delay <= 4; delay++) {
        const sent: string[] = [];
        let finish = () => {};
        const slow = {
          notifyItems: async (arrivals: ItemArrival[]) => {
            sent.push(...arrivals.map((arrival) => arrival.id));
            if (sent.length === 1) await new Promise<void>((resolve) => (finish = resolve));
          },
        };
        const notifier = new WorkflowNotifier(slow, starts, outboxStore([]), plugins, quiet, fast);
        notifier.sendRecorded(conversation, item('item_1', 1));
        await new Promise((resolve) => setTimeout(resolve, 5));
        finish();
        // `delay` microtasks after the call resolved: while its sender is winding down.
        let later = Promise.resolve();
        for (let i = 0; i < delay; i++) later = later.then(() => {});
        await later.then(() => notifier.sendRecorded(conversation, item('item_2', 2)));
        await notifier.drain();
        expect(sent).toEqual(['item_1', 'item_2']);
      }
    });

    it('waits for a workflow set aside until its time is up, instead of knocking every backoff step', async () => {
      const attempts: number[] = [];
      const until = new Date(Date.now() + 300);
      const aside = {
        notifyItems: async () => {
          attempts.push(Date.now());
          if (attempts.length === 1) throw new WorkflowSetAsideError('conversation:conv_1', until);
        },
      };
      const notifier = new WorkflowNotifier(aside, starts, outboxStore([]), plugins, quiet, fast);
      notifier.sendRecorded(conversation, item('item_1'));
      await notifier.drain();
      expect(attempts).toHaveLength(2);
      expect(attempts[1]!).toBeGreaterThanOrEqual(until.getTime() - 2); // timers may fire a millisecond early
    });
  });

  describe('retrying', () => {
    it('leaves nothing behind a wait it ended (no listener piles up over a long outage)', async () => {
      const warnings: Error[] = [];
      const warned = (warning: Error) => void warnings.push(warning);
      process.on('warning', warned);
      try {
        const flaky = engine(20);
        const notifier = new WorkflowNotifier(flaky, starts, outboxStore([item('item_1')]), plugins, quiet, fast);
        await notifier.notifyItem(conversation, item('item_1'));
        await notifier.drain();
        await new Promise((resolve) => setImmediate(resolve));
        expect(flaky.heard).toEqual(['item_1']);
        expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
      } finally {
        process.off('warning', warned);
      }
    });
  });

  describe('#stop', () => {
    it('ends the wait for a workflow set aside, so a stopping server does not wait an hour (or until its deadline) for it', async () => {
      const store = outboxStore([item('item_1')]);
      const aside = { notifyItems: async () => Promise.reject(new WorkflowSetAsideError('conversation:conv_1', new Date(Date.now() + 3_600_000))) };
      const notifier = new WorkflowNotifier(aside, starts, store, plugins, quiet, fast);
      await notifier.notifyItem(conversation, item('item_1'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      const began = Date.now();
      notifier.stop();
      await notifier.drain();
      expect(Date.now() - began).toBeLessThan(1_000);
      expect([...store.pending.keys()]).toEqual(['item_1']); // sent at the next start
    });
  });

  describe('#resumePending', () => {
    it('sends at the next start what a stopped run still owed, in order', async () => {
      const store = outboxStore([item('item_1', 1), item('item_2', 2)]);
      const first = new WorkflowNotifier(down(), starts, store, plugins, quiet, fast);
      await first.notifyItem(conversation, item('item_1', 1));
      await first.notifyItem(conversation, item('item_2', 2));
      await new Promise((resolve) => setTimeout(resolve, 30));
      first.stop();
      await first.drain();
      expect([...store.pending.keys()]).toEqual(['item_1', 'item_2']);

      const engineUp = up();
      const second = new WorkflowNotifier(engineUp, starts, store, plugins, quiet, fast);
      expect(await second.resumePending()).toBe(2);
      await second.drain();
      expect(engineUp.heard).toEqual(['item_1', 'item_2']);
      expect(store.pending.size).toBe(0);
    });

    it('sends a conversation’s new items after the ones owed from before the start, while those are still being read', async () => {
      const owedItems = [item('item_1', 1), item('item_2', 2)];
      const store = outboxStore([...owedItems, item('item_3', 3)]);
      for (const owed of owedItems) store.pending.set(owed.id, conversation.id);
      const getItem = store.getItem.bind(store);
      let readsGo = () => {};
      const reads = new Promise<void>((resolve) => (readsGo = resolve));
      store.getItem = async (itemId: string) => {
        await reads; // the outbox is long: reading it takes a while
        return getItem(itemId);
      };
      const engineUp = up();
      const notifier = new WorkflowNotifier(engineUp, starts, store, plugins, quiet, fast);
      const owed = await notifier.holdPending(); // before the server takes requests
      const sending = notifier.sendPending(owed);
      notifier.sendRecorded(conversation, item('item_3', 3)); // a visitor writes as the server starts
      await new Promise((resolve) => setTimeout(resolve, 20));
      readsGo();
      expect(await sending).toBe(2);
      await notifier.drain();
      expect(engineUp.heard).toEqual(['item_1', 'item_2', 'item_3']);
    });

    it('reads the owed entries again when the store fails, still holding new items behind them', async () => {
      const store = outboxStore([item('item_1', 1), item('item_2', 2)]);
      store.pending.set('item_1', conversation.id);
      const getItem = store.getItem.bind(store);
      let failures = 2;
      store.getItem = async (itemId: string) => {
        if (failures-- > 0) throw new Error('store down');
        return getItem(itemId);
      };
      const engineUp = up();
      const notifier = new WorkflowNotifier(engineUp, starts, store, plugins, quiet, fast);
      const owed = await notifier.holdPending();
      notifier.sendRecorded(conversation, item('item_2', 2));
      expect(await notifier.sendPending(owed)).toBe(1);
      await notifier.drain();
      expect(engineUp.heard).toEqual(['item_1', 'item_2']);
    });

    it('sends nothing for an entry whose item belongs to another conversation, and clears it', async () => {
      const elsewhere = { ...item('item_other'), conversationId: 'conv_2' };
      const store = outboxStore([elsewhere]);
      store.pending.set('item_other', conversation.id);
      const engineUp = up();
      const notifier = new WorkflowNotifier(engineUp, starts, store, plugins, quiet, fast);
      await notifier.resumePending();
      await notifier.drain();
      expect(engineUp.heard).toEqual([]);
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
      const engineUp = up();
      expect(await new WorkflowNotifier(engineUp, starts, store, plugins, quiet, fast).resumePending()).toBe(20);
      expect(asked).toHaveLength(20);
      expect(engineUp.heard).toEqual([]);
    });

    it('reads the owed entries many at a time, not one after another (a restart after a loaded run owes thousands)', async () => {
      const owedItems = Array.from({ length: 40 }, (_, i) => item(`item_${i}`, i + 1));
      const store = outboxStore(owedItems);
      for (const owed of owedItems) store.pending.set(owed.id, conversation.id);
      // Each read answers only once another is under way too: read one at a time, they never answer.
      const getItem = store.getItem.bind(store);
      const waiting: Array<() => void> = [];
      store.getItem = async (itemId: string) => {
        await new Promise<void>((resolve) => {
          waiting.push(resolve);
          if (waiting.length >= 2) for (const go of waiting.splice(0)) go();
          setTimeout(resolve, 1_000); // a lone read answers late, so the old way finishes after the test
        });
        return getItem(itemId);
      };
      const engineUp = up();
      const notifier = new WorkflowNotifier(engineUp, starts, store, plugins, quiet, fast);
      const resumed = await Promise.race([notifier.resumePending(), new Promise((resolve) => setTimeout(() => resolve('stuck'), 300))]);
      expect(resumed).toBe(40);
      await notifier.drain();
      expect(engineUp.heard).toEqual(owedItems.map((owed) => owed.id));
    });

    it('leaves an entry whose item is missing but was recorded moments ago: another instance may be writing that item', async () => {
      const store = outboxStore([]);
      store.pending.set('item_in_flight', conversation.id);
      store.recorded.set('item_in_flight', new Date(Date.now() - 5_000).toISOString());
      store.pending.set('item_long_gone', conversation.id);
      store.recorded.set('item_long_gone', new Date(Date.now() - 3_600_000).toISOString());
      const engineUp = up();
      const notifier = new WorkflowNotifier(engineUp, starts, store, plugins, quiet, fast);
      await notifier.resumePending();
      await notifier.drain();
      expect([...store.pending.keys()]).toEqual(['item_in_flight']);
      expect(engineUp.heard).toEqual([]);
    });
  });
});
