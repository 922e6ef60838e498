import type { ClientSession } from 'mongodb';
import type { Collections } from './documents';

/** One document per (website, key), its `_id` built from both. */
const settingId = (websiteId: string, key: string): string => JSON.stringify([websiteId, key]);

/** A stored setting: its value, when it was stored and how many times (its revision, which orders values where the clocks of several hosts may not). */
export interface SettingRecord<T> {
  value: T;
  updatedAt: string;
  revision: number;
}

export function settingMethods({ settings }: Collections) {
  const getSettingRecord = async <T = unknown>(websiteId: string, key: string, session?: ClientSession): Promise<SettingRecord<T> | undefined> => {
    const doc = await settings.findOne({ _id: settingId(websiteId, key) }, { session });
    return doc ? { value: doc.value as T, updatedAt: doc.updatedAt, revision: doc.revision ?? 0 } : undefined;
  };
  return {
    /** The stored value of a website setting (e.g. an AI assistant's configuration), or undefined; read in `session`'s transaction if given. */
    async getSetting<T = unknown>(websiteId: string, key: string, session?: ClientSession): Promise<T | undefined> {
      return (await getSettingRecord<T>(websiteId, key, session))?.value;
    },

    /** A website setting as stored (`SettingRecord`), or undefined. */
    getSettingRecord,

    /** Stores a website setting, replacing any previous value (in the transaction of `session`, if given). */
    async putSetting<T>(websiteId: string, key: string, value: T, session?: ClientSession): Promise<T> {
      const _id = settingId(websiteId, key);
      await settings.updateOne({ _id }, { $set: { websiteId, key, value, updatedAt: new Date().toISOString() }, $inc: { revision: 1 } }, { upsert: true, session });
      return value;
    },
  };
}
