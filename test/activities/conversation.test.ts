import { describe, expect, it } from 'vitest';
import { createConversationActivities, type LifecycleStore } from '../../activities/conversation';
import { AppError } from '../../domain/errors';
import type { RecordedEvent } from '../../workflows/conversation/definitions';

const event = (id: string): RecordedEvent => ({
  id,
  visibility: 'public',
  author: { kind: 'human', id: 'agent_alex' },
  createdAt: '2026-01-01T00:00:00.000Z',
  event: { kind: 'resolved', actorId: 'agent_alex', data: {} },
});

/** A store holding items by id, where `taken` ids are another author's item. */
function storeWith(taken: string[], failure?: Error) {
  const written: string[] = [];
  const store: LifecycleStore = {
    appendItem: async (item) => {
      if (failure) throw failure;
      if (taken.includes(item.id)) throw new AppError('ERR_CONFLICT', `item ${item.id} already exists with other content`);
      written.push(item.id);
    },
    projectLifecycle: async () => undefined,
  };
  return { store, written };
}

describe('recordEvents', () => {
  it('writes the events in order under their ids', async () => {
    const { store, written } = storeWith([]);
    await createConversationActivities({ store }).recordEvents('c1', [event('conversation:c1:event:1.0'), event('conversation:c1:event:1.1')]);
    expect(written).toEqual(['conversation:c1:event:1.0', 'conversation:c1:event:1.1']);
  });

  it('writes an event whose id another item holds under an id derived from it, instead of failing on every retry', async () => {
    const { store, written } = storeWith(['conversation:c1:event:2.0']);
    await createConversationActivities({ store }).recordEvents('c1', [event('conversation:c1:event:2.0'), event('conversation:c1:event:2.1')]);
    expect(written).toEqual(['conversation:c1:event:2.0:again', 'conversation:c1:event:2.1']);
  });

  it('lets other failures through, for the activity to be retried', async () => {
    const { store } = storeWith([], new Error('store unreachable'));
    await expect(createConversationActivities({ store }).recordEvents('c1', [event('conversation:c1:event:3.0')])).rejects.toThrow('store unreachable');
  });
});
