import type { ClientSession, Filter } from 'mongodb';
import { AppError } from '../../domain/errors';
import type { Collections, SettingDoc } from './documents';
import { isDuplicateKey } from './duplicate-key';

/** One document per (website, key), its `_id` built from both. */
const settingId = (websiteId: string, key: string): string => JSON.stringify([websiteId, key]);

/** A stored setting: its value, when it was stored and how many times (its revision, which orders values where the clocks of several hosts may not). */
export interface SettingRecord<T> {
  value: T;
  updatedAt: string;
  revision: number;
}

export interface PutSettingOptions {
  session?: ClientSession;
  /**
   * The revisions the writer holds (`If-Match`): the value is stored only over one of them (0: none
   * stored yet), checked by the write itself, so of two writers holding the same revision one wins.
   * Absent: stored whatever is there.
   */
  ifRevision?: readonly number[];
}

/**
 * The filter of a conditional write and whether it may insert. A setting never stored (revision 0)
 * has no document, or one written before revisions were counted (no `revision`): the write inserts
 * it, or finds it without a revision; a document another writer inserted meanwhile makes that
 * insert a duplicate key, refused like any other revision. No equality on `revision` when it may
 * insert: MongoDB would seed the new document with it.
 */
function conditionOn(_id: string, ifRevision: readonly number[] | undefined): { filter: Filter<SettingDoc>; upsert: boolean } {
  if (ifRevision === undefined) return { filter: { _id }, upsert: true };
  const oneOf: Filter<SettingDoc> = { revision: { $in: ifRevision.filter((revision) => revision > 0) } };
  if (!ifRevision.includes(0)) return { filter: { _id, ...oneOf }, upsert: false };
  const never: Filter<SettingDoc> = { revision: { $exists: false } };
  return { filter: ifRevision.length === 1 ? { _id, ...never } : { _id, $or: [never, oneOf] }, upsert: true };
}

const staleRevision = () => new AppError('ERR_PRECONDITION_FAILED', 'Someone else saved these settings since the revision If-Match names: read them again, and save over what they are now');

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

    /**
     * Stores a website setting, replacing any previous value (in the transaction of `session`, if
     * given), and answers it as stored; with `ifRevision`, only over one of those revisions, else
     * `ERR_PRECONDITION_FAILED` and nothing written.
     */
    async putSetting<T>(websiteId: string, key: string, value: T, { session, ifRevision }: PutSettingOptions = {}): Promise<SettingRecord<T>> {
      const _id = settingId(websiteId, key);
      const { filter, upsert } = conditionOn(_id, ifRevision);
      const update = { $set: { websiteId, key, value, updatedAt: new Date().toISOString() }, $inc: { revision: 1 } };
      const stored = await settings.findOneAndUpdate(filter, update, { upsert, session, returnDocument: 'after' }).catch((error: unknown) => {
        if (isDuplicateKey(error)) throw staleRevision();
        throw error;
      });
      if (!stored) throw staleRevision();
      return { value, updatedAt: stored.updatedAt, revision: stored.revision ?? 0 };
    },
  };
}
