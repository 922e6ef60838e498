import type { Website } from '../../domain/people';
import { withoutInternal, type Collections, type WebsiteDoc } from './documents';

/** What the configuration says of a website, each field only when it says something. */
export type ConfiguredWebsiteFields = Partial<Pick<Website, 'publicKey' | 'secretKey' | 'identitySecret' | 'allowedOrigins'>>;

const toWebsite = (doc: WebsiteDoc | null): Website | null => (doc ? withoutInternal<Website>(doc, ['teamRevision', 'teamChangesBegun']) : null);

export function websiteMethods({ websites }: Collections) {
  return {
    /**
     * Stores the website when its id is new, and the `configured` fields in any case (so rotating a
     * key or locking the widget to an origin takes effect on an existing website); returns the
     * stored website.
     */
    async ensureWebsite(website: Website, configured: ConfiguredWebsiteFields = {}): Promise<Website> {
      const set = Object.fromEntries(Object.entries(configured).filter(([, value]) => value !== undefined));
      const created = Object.fromEntries(Object.entries(website).filter(([field]) => !(field in set)));
      const doc = await websites.findOneAndUpdate(
        { _id: website.id },
        { ...(Object.keys(set).length > 0 ? { $set: set } : {}), $setOnInsert: created },
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
