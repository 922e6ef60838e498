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
  });
});
