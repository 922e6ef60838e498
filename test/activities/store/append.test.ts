/**
 * The appender against a stand-in for the driver, for what the embedded server never does: a
 * replica set's write concern error beside a duplicate, on `MongoBulkWriteError.result`.
 */
import { MongoBulkWriteError } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { createAppender } from '../../../activities/store/append';
import type { Collections } from '../../../activities/store/documents';
import { TimelineEnds } from '../../../activities/store/timeline-ends';
import { message } from './builders';

function collectionsFailingWith(error: unknown): Collections {
  return {
    conversations: { find: () => ({ toArray: async () => [{ _id: 'conv_1', websiteId: 'web_1' }] }), bulkWrite: async () => ({ matchedCount: 0 }) },
    items: {
      insertMany: async () => {
        throw error;
      },
      findOne: async () => null,
    },
    signalOutbox: { insertMany: async () => ({}) },
  } as unknown as Collections;
}

describe('createAppender', () => {
  it('acknowledges none of a batch whose insert met a write concern error, even the items without a write error', async () => {
    const duplicate = { index: 0, code: 11000, errmsg: 'E11000 duplicate key error collection: db.items index: _id_ dup key' };
    const result = { getWriteConcernError: () => ({ code: 64, errmsg: 'waiting for replication timed out' }) };
    const error = new MongoBulkWriteError({ message: duplicate.errmsg, code: 11000, writeErrors: [duplicate] } as never, result as never);
    const append = createAppender(collectionsFailingWith(error), new TimelineEnds());
    const outcomes = await Promise.allSettled([append(message('conv_1')), append(message('conv_1'))]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect((outcomes[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'ERR_INTERNAL', message: expect.stringContaining('replication timed out') });
  });
});
