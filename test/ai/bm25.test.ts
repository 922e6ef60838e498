import { describe, expect, it } from 'vitest';
import { Bm25Index } from '../../activities/ai/bm25';
import { tokenize } from '../../activities/ai/tokenize';
import { defaultAssistantConfig } from '../../activities/ai/config';

describe('tokenize', () => {
  it('lowercases, drops stop words and folds plurals', () => {
    expect(tokenize('How do I get REFUNDS for my Invoices?')).toEqual(['refund', 'invoice']);
  });
});

describe('Bm25Index', () => {
  const { knowledge } = defaultAssistantConfig();
  const index = new Bm25Index(knowledge, (s) => `${s.title} ${s.text}`);

  describe('#search', () => {
    it.each([
      ['I forgot my password, how can I reset it?', 'password-reset'],
      ['Can I get my money back? I want a refund', 'refunds'],
      ['How much does the Pro plan cost per month?', 'pricing'],
      ['export my notes as markdown', 'export'],
      ['does the app work offline?', 'offline-sync'],
    ])('ranks the right snippet first for %j', (query, id) => {
      expect(index.search(query)[0]?.doc.id).toBe(id);
    });

    it('returns nothing when no term matches', () => {
      expect(index.search('weather forecast in Lisbon')).toEqual([]);
    });

    it('weighs rare terms above common ones', () => {
      const docs = [
        { id: 'a', text: 'notes notes notes sync' },
        { id: 'b', text: 'notes archive' },
        { id: 'c', text: 'notes' },
      ];
      const hits = new Bm25Index(docs, (d) => d.text).search('archive notes');
      expect(hits.map((h) => h.doc.id)).toEqual(['b', 'a', 'c']);
    });
  });
});
