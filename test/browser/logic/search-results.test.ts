import { describe, expect, it } from 'vitest';
import { SearchResults } from '../../../web/inbox/search-results';
import { searchCountText } from '../../../web/inbox/search-keys';
import { conversation } from './items';

const entry = (id: string, patch: Parameters<typeof conversation>[0] = {}) => ({ ...conversation({ id, ...patch }), unreadCount: 0 });
const ids = (entries: ReadonlyArray<{ id: string }>) => entries.map((e) => e.id);

describe('SearchResults', () => {
  describe('#shown', () => {
    it('shows every conversation without a search', () => {
      expect(ids(new SearchResults().shown([entry('a'), entry('b')], '  '))).toEqual(['a', 'b']);
    });

    it('shows those the server listed for the search, and, of the others, those whose own fields hold the text', () => {
      const results = new SearchResults();
      results.replace(' refund ', [entry('listed')]);
      results.add([entry('next-page')]);
      const live = [
        entry('listed'),
        entry('next-page'),
        entry('titled', { title: 'Réfund please' }),
        entry('tagged', { tags: ['refunds'] }),
        entry('contact', { contact: { id: 'k', externalId: 'x', name: 'Refund Rita' } }),
        entry('other', { title: 'Shipping' }),
      ];
      expect(ids(results.shown(live, 'refund'))).toEqual(['listed', 'next-page', 'titled', 'tagged', 'contact']);
    });

    it('counts no ids listed for other text while the read for this one is under way', () => {
      const results = new SearchResults();
      results.replace('ref', [entry('listed')]);
      expect(ids(results.shown([entry('listed')], 'refund'))).toEqual([]);
    });
  });
});

describe('searchCountText', () => {
  it('says how many were found, and when more pages follow', () => {
    expect(searchCountText(0, false)).toBe('No conversations found');
    expect(searchCountText(1, false)).toBe('1 conversation found');
    expect(searchCountText(3, false)).toBe('3 conversations found');
    expect(searchCountText(100, true)).toBe('More than 100 conversations found');
  });

  it('says the search goes on, and what it found so far, while the server looks through more', () => {
    expect(searchCountText(0, true, true)).toBe('Searching…');
    expect(searchCountText(1, true, true)).toBe('1 conversation found so far');
    expect(searchCountText(7, true, true)).toBe('7 conversations found so far');
  });
});
