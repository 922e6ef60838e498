import type { ClientSession } from 'mongodb';
import type { Collections } from './documents';

/** One document per (website, key), its `_id` built from both. */
const settingId = (websiteId: string, key: string): string => JSON.stringify([websiteId, key]);

export function settingMethods({ settings }: Collections) {
  return {
    /** The stored value of a website setting (e.g. an AI assistant's configuration), or undefined. */
    async getSetting<T = unknown>(websiteId: string, key: string): Promise<T | undefined> {
      const doc = await settings.findOne({ _id: settingId(websiteId, key) });
      return doc?.value as T | undefined;
    },

    /** When a website setting was last stored, or undefined. */
    async settingUpdatedAt(websiteId: string, key: string): Promise<string | undefined> {
      return (await settings.findOne({ _id: settingId(websiteId, key) }, { projection: { updatedAt: 1 } }))?.updatedAt;
    },

    /** Stores a website setting, replacing any previous value (in the transaction of `session`, if given). */
    async putSetting<T>(websiteId: string, key: string, value: T, session?: ClientSession): Promise<T> {
      const _id = settingId(websiteId, key);
      await settings.replaceOne({ _id }, { websiteId, key, value, updatedAt: new Date().toISOString() }, { upsert: true, session });
      return value;
    },
  };
}
