import { describe, expect, it } from 'vitest';
import type { Website } from '../../../domain/people';
import { newId } from '../../../activities/store/ids';
import { useStore } from './fixtures';

const ctx = useStore('websites');

const website = (overrides: Partial<Website> = {}): Website => ({
  id: newId('web'),
  name: 'Acme',
  publicKey: newId('web').replace('web_', 'pk_'),
  secretKey: newId('web').replace('web_', 'sk_'),
  identitySecret: 'secret',
  allowedOrigins: [],
  createdAt: new Date().toISOString(),
  ...overrides,
});

describe('Store', () => {
  describe('#ensureWebsite', () => {
    it('stores a new website and finds it by id and by either key', async () => {
      const w = website();
      expect(await ctx.get().ensureWebsite(w)).toEqual(w);
      expect(await ctx.get().getWebsite(w.id)).toEqual(w);
      expect(await ctx.get().getWebsiteByPublicKey(w.publicKey)).toEqual(w);
      expect(await ctx.get().getWebsiteBySecretKey(w.secretKey)).toEqual(w);
      expect(await ctx.get().getWebsiteByPublicKey('pk_unknown')).toBeNull();
    });

    it('returns the stored website unchanged when the id exists', async () => {
      const w = website();
      await ctx.get().ensureWebsite(w);
      expect(await ctx.get().ensureWebsite({ ...website(), id: w.id, name: 'Renamed' })).toEqual(w);
    });

    it('applies the configured keys and origins to an existing website, and only those', async () => {
      const w = website();
      await ctx.get().ensureWebsite(w);
      const configured = { secretKey: 'sk_rotated', allowedOrigins: ['https://shop.example'] };
      expect(await ctx.get().ensureWebsite({ ...website(), id: w.id }, { ...configured, publicKey: undefined })).toEqual({ ...w, ...configured });
      expect(await ctx.get().getWebsiteBySecretKey(w.secretKey)).toBeNull();
      expect(await ctx.get().getWebsiteBySecretKey('sk_rotated')).toMatchObject({ id: w.id, publicKey: w.publicKey });
      const fresh = website();
      expect(await ctx.get().ensureWebsite(fresh, { secretKey: 'sk_fresh' })).toEqual({ ...fresh, secretKey: 'sk_fresh' });
    });

    it('refuses a second website with the same public key', async () => {
      const w = website();
      await ctx.get().ensureWebsite(w);
      await expect(ctx.get().ensureWebsite(website({ publicKey: w.publicKey }))).rejects.toMatchObject({ code: 11000 });
    });
  });
});
