/**
 * The appender against stand-ins for the store, for what the embedded server never does: a write
 * whose outcome is unknown (a replica set's write concern error, a dropped connection).
 */
import { describe, expect, it } from 'vitest';
import { createAppender } from '../../../activities/store/append';
import type { Collections } from '../../../activities/store/documents';
import type { OrderedWriter } from '../../../activities/store/ordered-writes';
import { TimelineEnds } from '../../../activities/store/timeline-ends';
import { message } from './builders';

const collections = {
  conversations: { find: () => ({ toArray: async () => [{ _id: 'conv_1', websiteId: 'web_1' }] }) },
  items: { findOne: async () => null },
} as unknown as Collections;

describe('createAppender', () => {
  it('acknowledges none of a batch whose write has an unknown outcome, and reads the conversation’s end again before the next', async () => {
    const failure = new Error('waiting for replication timed out');
    let reads = 0;
    const counting = { ...collections, items: { findOne: async () => (reads++, null) } } as unknown as Collections;
    let attempt = 0;
    const writer: OrderedWriter = async (writes) => (attempt++ === 0 ? { kind: 'unknown', error: failure } : { kind: 'applied', unmatched: 0 });
    const append = createAppender(counting, new TimelineEnds(), writer);
    const outcomes = await Promise.allSettled([append(message('conv_1')), append(message('conv_1'))]);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: failure },
      { status: 'rejected', reason: failure },
    ]);
    expect(reads).toBe(1);
    const next = await append(message('conv_1'));
    expect(next.item.seq).toBe(1);
    expect(reads).toBe(2);
  });
});

/** A stand-in items collection with a unique `_id`: its ordered writer stops at an id already stored, as the server does. */
function uniqueItems() {
  const stored = new Map<string, Record<string, unknown>>();
  let writes = 0;
  const writer: OrderedWriter = async (batch) => {
    writes++;
    for (const [index, write] of batch.entries()) {
      if (write.kind !== 'insert') continue;
      const id = write.document._id as string;
      if (stored.has(id)) return { kind: 'stopped', applied: index, failed: { code: 11000, errmsg: `E11000 duplicate key error collection: chat.items index: _id_ dup key: { _id: "${id}" }` } };
      stored.set(id, write.document);
    }
    return { kind: 'applied', unmatched: 0 };
  };
  const byIds = (filter: { _id: { $in: string[] } }) => filter._id.$in.flatMap((id) => stored.get(id) ?? []);
  const standIns = {
    conversations: { ...collections.conversations, bulkWrite: async (ops: unknown[]) => ({ matchedCount: ops.length }) },
    items: { ...collections.items, find: (filter: { _id: { $in: string[] } }) => ({ toArray: async () => byIds(filter) }) },
  } as unknown as Collections;
  return { standIns, writer, writes: () => writes };
}

describe('createAppender under retries', () => {
  it('settles a burst of retried items with a few writes, not one write per retry', async () => {
    const { standIns, writer, writes } = uniqueItems();
    const append = createAppender(standIns, new TimelineEnds(), writer);
    const items = Array.from({ length: 100 }, () => message('conv_1'));
    const first = await Promise.all(items.map((item) => append(item)));
    const before = writes();
    // The same items again, with new ones among them: as after a client's reconnect.
    const fresh = Array.from({ length: 10 }, () => message('conv_1'));
    const again = await Promise.all([...items.slice(0, 50), ...fresh, ...items.slice(50)].map((item) => append(item)));
    expect(writes() - before).toBeLessThanOrEqual(3);
    expect(again.filter((outcome) => !outcome.created).map((outcome) => outcome.item)).toEqual(first.map((outcome) => outcome.item));
    expect(again.filter((outcome) => outcome.created).map((outcome) => outcome.item.seq)).toEqual(Array.from({ length: 10 }, (_, i) => 101 + i));
  });

  it('refuses a retried id with other content, and still stores the items written with it', async () => {
    const { standIns, writer } = uniqueItems();
    const append = createAppender(standIns, new TimelineEnds(), writer);
    const stored = message('conv_1');
    await append(stored);
    const outcomes = await Promise.allSettled([append({ ...stored, text: 'changed' }), append(message('conv_1')), append(stored)]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_CONFLICT' });
    expect(outcomes.slice(1).map((outcome) => (outcome as PromiseFulfilledResult<{ item: { seq: number }; created: boolean }>).value)).toMatchObject([
      { item: { seq: 2 }, created: true },
      { item: { seq: 1 }, created: false },
    ]);
  });
});
