import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTERS } from '../../../web/inbox/filters';
import { placeIn, queryOf } from '../../../web/inbox/inbox-address';

describe('the inbox address', () => {
  describe('queryOf', () => {
    it('names the conversation and only the filters that are not the defaults', () => {
      expect(queryOf({ filters: DEFAULT_FILTERS })).toBe('');
      expect(queryOf({ conversationId: 'conv_1', filters: DEFAULT_FILTERS })).toBe('?conversation=conv_1');
      expect(queryOf({ conversationId: 'conv_1', filters: { ...DEFAULT_FILTERS, status: 'all', tag: 'vip & co', assignedToMe: true } })).toBe(
        '?conversation=conv_1&status=all&tag=vip+%26+co&assignedToMe=true',
      );
      expect(queryOf({ filters: { ...DEFAULT_FILTERS, search: 'refund #42' } })).toBe('?search=refund+%2342');
      expect(queryOf({ filters: { ...DEFAULT_FILTERS, sort: 'priority' } })).toBe('?sort=priority');
    });
  });

  describe('placeIn', () => {
    it('reads back what queryOf writes', () => {
      const place = { conversationId: 'conv_1', filters: { status: 'resolved', priority: 'urgent', tag: 'vip & co', assignedToMe: true, handler: 'waiting', search: 'café refund', sort: 'waiting' } } as const;
      expect(placeIn(queryOf(place))).toEqual(place);
    });

    it('takes the defaults for filters it does not know, and no conversation for an empty one', () => {
      expect(placeIn('?status=closed&priority=extreme&handler=robot&assignedToMe=yes&sort=oldest&conversation=')).toEqual({ filters: DEFAULT_FILTERS });
      expect(placeIn('')).toEqual({ filters: DEFAULT_FILTERS });
    });

    it('takes as much of a search as the server takes (200 characters, counted as such)', () => {
      expect(placeIn(`?search=${'é'.repeat(150)}${'😀'.repeat(100)}`).filters.search).toBe(`${'é'.repeat(150)}${'😀'.repeat(50)}`);
    });
  });
});
