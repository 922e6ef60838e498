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
    const writer: OrderedWriter = async (writes) => (attempt++ === 0 ? { kind: 'unknown', error: failure } : { kind: 'known', applied: writes.length });
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
