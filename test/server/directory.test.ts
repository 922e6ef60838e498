import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Store } from '../../activities/store';
import type { Visitor, Website } from '../../domain/people';
import { MAX_KEY_LENGTH, storeDirectory, WEBSITE_PEEK_MS } from '../../server/directory';

/** A store whose visitor reads answer when the test says so, with what the store holds by then. */
function visitorStore() {
  const held: Visitor = { id: 'vis_1', websiteId: 'web_1', createdAt: 't0', lastSeenAt: 't0' };
  const reads: Array<() => void> = [];
  const store = {
    upsertVisitor: (_websiteId: string, _visitorId?: string) => {
      const snapshot = { ...held };
      return new Promise<Visitor>((resolve) => reads.push(() => resolve(snapshot)));
    },
  };
  const answerNext = () => reads.shift()!();
  return { held, reads, answerNext, directory: storeDirectory(store as unknown as Store) };
}

describe('storeDirectory', () => {
  describe('#visitor', () => {
    it('keeps a visitor for later requests, and shares one read among requests that miss together', async () => {
      const { reads, answerNext, directory } = visitorStore();
      const first = directory.visitor('web_1', 'vis_1');
      const second = directory.visitor('web_1', 'vis_1');
      expect(reads).toHaveLength(1);
      answerNext();
      expect(await first).toEqual(await second);
      expect(await directory.visitor('web_1', 'vis_1')).toEqual(await first);
      expect(reads).toHaveLength(0);
    });

    it('does not keep a read that was under way when the visitor was forgotten (linked to a contact)', async () => {
      const { held, reads, answerNext, directory } = visitorStore();
      const before = directory.visitor('web_1', 'vis_1');
      // The read took its snapshot; then the visitor is linked and forgotten before the read answers.
      held.contactId = 'ct_1';
      directory.forgetVisitor('web_1', 'vis_1');
      answerNext();
      expect((await before).contactId).toBeUndefined();
      const after = directory.visitor('web_1', 'vis_1');
      expect(reads).toHaveLength(1);
      answerNext();
      expect((await after).contactId).toBe('ct_1');
    });
  });

  describe('#websiteBySecretKey', () => {
    it('answers a key longer than any website key has as unknown without reading the store', async () => {
      const reads: string[] = [];
      const lookup = async (key: string) => {
        reads.push(key);
        return null;
      };
      const store = { getWebsiteBySecretKey: lookup, getWebsiteByPublicKey: lookup };
      const directory = storeDirectory(store as unknown as Store);
      expect(await directory.websiteBySecretKey(`sk_${'x'.repeat(12_000)}`)).toBeUndefined();
      expect(await directory.websiteByPublicKey(`pk_${'x'.repeat(MAX_KEY_LENGTH)}`)).toBeUndefined();
      expect(reads).toEqual([]);
      expect(await directory.websiteBySecretKey('sk_unknown')).toBeUndefined();
      expect(reads).toEqual(['sk_unknown']);
    });
  });

  describe('#websiteByPublicKey', () => {
    afterEach(() => vi.useRealTimers());

    /** A store holding one website, counting its reads per key. */
    function websiteStore() {
      const website = { id: 'web_1', publicKey: 'pk_known' } as Website;
      const reads = new Map<string, number>();
      const store = {
        getWebsiteByPublicKey: async (key: string) => {
          reads.set(key, (reads.get(key) ?? 0) + 1);
          return key === website.publicKey ? website : null;
        },
      };
      return { website, reads, directory: storeDirectory(store as unknown as Store) };
    }

    it('keeps a known website through a flood of unknown keys, neither reading it again nor forgetting it for CORS', async () => {
      const { website, reads, directory } = websiteStore();
      await directory.websiteByPublicKey('pk_known');
      for (let i = 0; i < 100_000; i++) await directory.websiteByPublicKey(`pk_made_up_${i}`);
      expect(await directory.websiteByPublicKey('pk_known')).toBe(website);
      expect(directory.lastReadWebsiteByPublicKey('pk_known')).toBe(website);
      expect(reads.get('pk_known')).toBe(1);
    });

    it('keeps an unknown key for a few seconds only, so a website that appears meanwhile is soon found', async () => {
      const { reads, directory } = websiteStore();
      vi.useFakeTimers({ now: 1_000_000 });
      await directory.websiteByPublicKey('pk_unknown');
      vi.setSystemTime(1_000_000 + 4_000);
      await directory.websiteByPublicKey('pk_unknown');
      expect(reads.get('pk_unknown')).toBe(1);
      vi.setSystemTime(1_000_000 + 5_000);
      await directory.websiteByPublicKey('pk_unknown');
      expect(reads.get('pk_unknown')).toBe(2);
    });
  });

  describe('#lastReadWebsiteByPublicKey', () => {
    afterEach(() => vi.useRealTimers());

    it('answers the website as last read, also after its time to be read again, and never reads the store itself', async () => {
      const website = { id: 'web_1', publicKey: 'pk_known' } as Website;
      const reads: string[] = [];
      const store = {
        getWebsiteByPublicKey: async (key: string) => {
          reads.push(key);
          return key === website.publicKey ? website : null;
        },
      };
      const directory = storeDirectory(store as unknown as Store);
      expect(directory.lastReadWebsiteByPublicKey('pk_known')).toBeUndefined();
      expect(reads).toEqual([]);
      vi.useFakeTimers({ now: 1_000_000 });
      await directory.websiteByPublicKey('pk_known');
      vi.setSystemTime(1_000_000 + WEBSITE_PEEK_MS - 1);
      expect(directory.lastReadWebsiteByPublicKey('pk_known')).toBe(website);
      expect(directory.lastReadWebsiteByPublicKey('pk_other')).toBeUndefined();
      expect(reads).toEqual(['pk_known']);
    });

    it('forgets a website read longer ago than WEBSITE_PEEK_MS, so an origin it no longer allows is not let through for good', async () => {
      const website = { id: 'web_1', publicKey: 'pk_known' } as Website;
      const store = { getWebsiteByPublicKey: async () => website };
      const directory = storeDirectory(store as unknown as Store);
      vi.useFakeTimers({ now: 1_000_000 });
      await directory.websiteByPublicKey('pk_known');
      vi.setSystemTime(1_000_000 + WEBSITE_PEEK_MS);
      expect(directory.lastReadWebsiteByPublicKey('pk_known')).toBeUndefined();
      vi.setSystemTime(1_000_000 + 3_600_000);
      expect(directory.lastReadWebsiteByPublicKey('pk_known')).toBeUndefined();
    });
  });
});
