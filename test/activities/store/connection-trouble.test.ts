import { describe, expect, it } from 'vitest';
import { openStore } from '../../../activities/store';
import { startEmbeddedMongo } from '../../../runtime/mongo';

const usesRealMongo = !!process.env.MONGODB_URI;
if (usesRealMongo) console.info('Store connection-trouble test skipped: it stops the embedded server, and MONGODB_URI is set.');

describe.skipIf(usesRealMongo)('Store', () => {
  describe('#log', () => {
    it('says so when the driver loses the server, instead of stalling silently', async () => {
      const server = await startEmbeddedMongo({ memory: true });
      const warnings: string[] = [];
      const store = await openStore({ uri: server.uri, dbName: 'trouble', log: { warn: (_obj, msg) => warnings.push(msg) } });
      try {
        await store.listPendingSignals();
        expect(warnings).toEqual([]);
        await server.close();
        for (let i = 0; i < 100 && warnings.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        expect(warnings).toContain('store: server monitoring failed; operations wait until the server is found again');
      } finally {
        await store.close();
      }
    });
  });
});
