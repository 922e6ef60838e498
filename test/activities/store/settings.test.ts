import { MongoClient } from 'mongodb';
import type { SettingDoc } from '../../../activities/store/documents';
import { describe, expect, it } from 'vitest';
import { useStore } from './fixtures';

const ctx = useStore('settings');

describe('Store', () => {
  describe('#putSetting', () => {
    it('stores a value per website and key, replacing the previous one', async () => {
      const store = ctx.get();
      expect(await store.getSetting('web_1', 'ai:ai_1')).toBeUndefined();
      await store.putSetting('web_1', 'ai:ai_1', { model: 'gpt-x', temperature: 0.2 });
      await store.putSetting('web_2', 'ai:ai_1', { model: 'other' });
      await store.putSetting('web_1', 'ai:ai_1', { model: 'gpt-y' });
      expect(await store.getSetting('web_1', 'ai:ai_1')).toEqual({ model: 'gpt-y' });
      expect(await store.getSetting('web_2', 'ai:ai_1')).toEqual({ model: 'other' });
    });

    it('counts how many times a value was stored, which orders values where clocks may not', async () => {
      const store = ctx.get();
      expect(await store.getSettingRecord('web_3', 'limits')).toBeUndefined();
      await store.putSetting('web_3', 'limits', { max: 1 });
      await store.putSetting('web_3', 'limits', { max: 2 });
      const record = await store.getSettingRecord('web_3', 'limits');
      expect(record).toEqual({ value: { max: 2 }, revision: 2, updatedAt: expect.any(String) });
      expect(Date.now() - Date.parse(record!.updatedAt)).toBeLessThan(60_000);
    });


    it('answers the value as stored, with its new revision', async () => {
      const store = ctx.get();
      expect(await store.putSetting('web_4', 'limits', { max: 1 })).toEqual({ value: { max: 1 }, revision: 1, updatedAt: expect.any(String) });
      expect((await store.putSetting('web_4', 'limits', { max: 1 })).revision).toBe(2);
    });
  });

  describe('#putSetting with ifRevision', () => {
    const refused = { code: 'ERR_PRECONDITION_FAILED' };

    it('stores over a revision named, and refuses any other, writing nothing', async () => {
      const store = ctx.get();
      await store.putSetting('web_5', 'limits', { max: 1 });
      expect((await store.putSetting('web_5', 'limits', { max: 2 }, { ifRevision: [1] })).revision).toBe(2);
      await expect(store.putSetting('web_5', 'limits', { max: 3 }, { ifRevision: [1] })).rejects.toMatchObject(refused);
      await expect(store.putSetting('web_5', 'limits', { max: 3 }, { ifRevision: [] })).rejects.toMatchObject(refused);
      expect(await store.getSettingRecord('web_5', 'limits')).toMatchObject({ value: { max: 2 }, revision: 2 });
      expect((await store.putSetting('web_5', 'limits', { max: 4 }, { ifRevision: [7, 2] })).revision).toBe(3);
    });

    it('takes 0 for a setting never stored: the first of two such writes stores it, the second is refused', async () => {
      const store = ctx.get();
      await expect(store.putSetting('web_6', 'limits', { max: 1 }, { ifRevision: [5] })).rejects.toMatchObject(refused);
      expect(await store.getSettingRecord('web_6', 'limits')).toBeUndefined();
      const outcomes = await Promise.allSettled([1, 2].map((max) => store.putSetting('web_6', 'limits', { max }, { ifRevision: [0] })));
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: refused });
      const stored = outcomes.find((o) => o.status === 'fulfilled')!.value;
      expect(await store.getSettingRecord('web_6', 'limits')).toEqual({ ...stored, revision: 1 });
      await expect(store.putSetting('web_6', 'limits', { max: 3 }, { ifRevision: [0] })).rejects.toMatchObject(refused);
    });

    it('of two writes holding the same revision stores one and refuses the other', async () => {
      const store = ctx.get();
      await store.putSetting('web_7', 'limits', { max: 1 });
      const outcomes = await Promise.allSettled([2, 3].map((max) => store.putSetting('web_7', 'limits', { max }, { ifRevision: [1] })));
      expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
      const stored = outcomes.find((o) => o.status === 'fulfilled')!.value;
      expect(await store.getSettingRecord('web_7', 'limits')).toEqual({ ...stored, revision: 2 });
    });

    it('takes 0 for a setting stored before revisions were counted', async () => {
      const client = await MongoClient.connect(ctx.mongo().uri);
      try {
        await client.db(ctx.dbName).collection<SettingDoc>('settings').insertOne({ _id: JSON.stringify(['web_8', 'limits']), websiteId: 'web_8', key: 'limits', value: { max: 1 }, updatedAt: new Date().toISOString() });
      } finally {
        await client.close();
      }
      const store = ctx.get();
      expect((await store.getSettingRecord('web_8', 'limits'))?.revision).toBe(0);
      await expect(store.putSetting('web_8', 'limits', { max: 2 }, { ifRevision: [1] })).rejects.toMatchObject(refused);
      expect(await store.putSetting('web_8', 'limits', { max: 2 }, { ifRevision: [0] })).toMatchObject({ value: { max: 2 }, revision: 1 });
    });
  });
});
