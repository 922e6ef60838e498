import type { Website } from '../../domain/people';
import { withoutInternal, type Collections, type WebsiteDoc } from './documents';

const toWebsite = (doc: WebsiteDoc | null): Website | null => (doc ? withoutInternal<Website>(doc) : null);

export function websiteMethods({ websites }: Collections) {
  return {
    /** Stores the website when its id is new, and its keys and allowed origins in any case; returns the stored website. */
    async ensureWebsite(website: Website): Promise<Website> {
      // Keys and allowed origins come from the configuration on every start, so rotating a key or
      // locking the widget to an origin takes effect; the name and creation time stay as stored.
      const { publicKey, secretKey, identitySecret, allowedOrigins, ...created } = website;
      const doc = await websites.findOneAndUpdate(
        { _id: website.id },
        { $set: { publicKey, secretKey, identitySecret, allowedOrigins }, $setOnInsert: created },
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
