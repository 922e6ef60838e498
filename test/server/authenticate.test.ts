import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import type { Visitor, Website } from '../../domain/people';
import type { AuthDirectory } from '../../server/auth';
import { authenticated, callerOf } from '../../server/middleware/authenticate';
import { parseQuery } from '../../server/percent-decoding';

const website = { id: 'web_1', publicKey: 'pk_test-key', allowedOrigins: [] as string[] } as Website;
const directory = {
  websiteByPublicKey: async (key: string) => (key === website.publicKey ? website : undefined),
  visitor: async (websiteId: string, visitorId?: string) => ({ id: visitorId!, websiteId }) as Visitor,
} as unknown as AuthDirectory;

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

describe('authenticated', () => {
  describe('with query credentials', () => {
    it('parses the query string once per request, however many parameters it reads (Express 5 parses it again on every read of req.query)', async () => {
      let parses = 0;
      const app = express();
      app.set('query parser', (text: string) => {
        parses += 1;
        return parseQuery(text);
      });
      app.get('/file', authenticated(directory, { queryCredentials: true }), (_req, res) => {
        const caller = callerOf(res);
        res.json(caller.kind === 'visitor' ? { visitorId: caller.visitorId } : {});
      });
      const server = app.listen(0, '127.0.0.1');
      servers.push(server);
      await new Promise((resolve) => server.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/file?publicKey=${website.publicKey}&visitorId=vis_1`);
      expect(await res.json()).toEqual({ visitorId: 'vis_1' });
      expect(parses).toBe(1);
    });
  });
});
