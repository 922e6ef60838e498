import { describe, expect, it } from 'vitest';
import { useEmbeddedMongo } from './harness';

describe('EmbeddedMongo', () => {
  const h = useEmbeddedMongo('fail_points');
  const admin = () => h.client.db('admin');

  describe('configureFailPoint failCommand', () => {
    it('fails the named commands the given number of times, with the given code', async () => {
      await admin().command({ configureFailPoint: 'failCommand', mode: { times: 2 }, data: { failCommands: ['find'], errorCode: 91 } });
      const c = h.db.collection('things');
      await c.insertOne({ a: 1 });
      for (let i = 0; i < 2; i++) await expect(h.db.command({ find: 'things' })).rejects.toMatchObject({ code: 91 });
      expect((await h.db.command({ find: 'things' })).cursor.firstBatch).toHaveLength(1);
    });

    it('stays on until turned off with alwaysOn', async () => {
      await admin().command({ configureFailPoint: 'failCommand', mode: 'alwaysOn', data: { failCommands: ['count'], errorCode: 2, errmsg: 'no counting' } });
      await expect(h.db.command({ count: 'things' })).rejects.toMatchObject({ code: 2, message: 'no counting' });
      await expect(h.db.command({ count: 'things' })).rejects.toMatchObject({ code: 2 });
      await admin().command({ configureFailPoint: 'failCommand', mode: 'off' });
      expect(await h.db.command({ count: 'things' })).toMatchObject({ ok: 1 });
    });

    it('refuses an unknown fail point or a malformed mode', async () => {
      await expect(admin().command({ configureFailPoint: 'nope', mode: 'alwaysOn' })).rejects.toMatchObject({ codeName: 'BadValue' });
      await expect(admin().command({ configureFailPoint: 'failCommand', mode: { times: 0 }, data: { failCommands: ['find'], errorCode: 1 } })).rejects.toMatchObject({ codeName: 'BadValue' });
      await expect(admin().command({ configureFailPoint: 'failCommand', mode: 'alwaysOn', data: {} })).rejects.toMatchObject({ codeName: 'BadValue' });
    });
  });
});
