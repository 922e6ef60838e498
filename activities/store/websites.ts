import type { Website } from '../../domain/people';
import { withoutInternal, type Collections, type WebsiteDoc } from './documents';

const toWebsite = (doc: WebsiteDoc | null): Website | null => (doc ? withoutInternal<Website>(doc) : null);

export function websiteMethods({ websites }: Collections) {
  return {
    /** Stores the website when its id is new; returns the stored website (an existing one unchanged). */
    async ensureWebsite(website: Website): Promise<Website> {
      const doc = await websites.findOneAndUpdate(
        { _id: website.id },
        { $setOnInsert: { ...website } },
        { upsert: true, returnDocument: 'after' },
      );
      return toWebsite(doc)!;
    },

    /** The website with this id, or null. */
    async getWebsite(id: string): Promise<Website | null> {
      return toWebsite(await websites.findOne({ _id: id }));
    },

    /** The website whose widget key (`pk_…`) this is, or null. */
    async getWebsiteByPublicKey(publicKey: string): Promise<Website | null> {
      return toWebsite(await websites.findOne({ publicKey }));
    },

    /** The website whose secret key (`sk_…`) this is, or null. */
    async getWebsiteBySecretKey(secretKey: string): Promise<Website | null> {
      return toWebsite(await websites.findOne({ secretKey }));
    },
  };
}
