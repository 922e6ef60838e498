import { describe, expect, it } from 'vitest';
import type { ConversationListEntry } from '../../../web/shared/wire';
import { inListOrder } from '../../../web/inbox/list-order';

/** A row as the collection gives them, newest activity first. */
const row = (id: string, fields: Partial<ConversationListEntry> = {}) => ({ id, priority: 'medium', ...fields }) as ConversationListEntry;

describe('the inbox list order', () => {
  const newestFirst = () => [
    row('answered', { priority: 'low' }),
    row('waits-short', { waitingSince: '2026-12-07T10:30:00.000Z', priority: 'urgent' }),
    row('quiet', { priority: 'high' }),
    row('waits-long', { waitingSince: '2026-12-07T10:00:00.000Z', priority: 'urgent' }),
  ];

  it('waiting: the longest waiting first, the others after them newest first', () => {
    expect(inListOrder(newestFirst(), 'waiting').map((c) => c.id)).toEqual(['waits-long', 'waits-short', 'answered', 'quiet']);
  });

  it('priority: urgent to low, newest first within each', () => {
    expect(inListOrder(newestFirst(), 'priority').map((c) => c.id)).toEqual(['waits-short', 'waits-long', 'quiet', 'answered']);
  });

  it('recent: as the collection gives them', () => {
    expect(inListOrder(newestFirst(), 'recent').map((c) => c.id)).toEqual(['answered', 'waits-short', 'quiet', 'waits-long']);
  });
});
