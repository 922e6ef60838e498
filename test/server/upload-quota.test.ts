/**
 * What visitors may upload in a day: each visitor, and the visitors of one address together, so
 * many bytes (visitor ids cost nothing), refused before the body is read; the team's uploads are
 * not counted.
 */
import { MongoClient } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../runtime/app';
import { AGENT, Api, type Who } from './support/clients';
import { testConfig } from './support/app';

let app: RunningApp | undefined;

afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** A quota of `bytes` a day. */
const perDay = (bytes: number) => ({ perSecond: bytes / 86_400, burst: bytes });

async function started(quota: { visitor: number; ip: number }): Promise<{ api: Api; storedFiles: (conversationId: string) => Promise<number> }> {
  const config = testConfig({ fileMaxBytes: 1_000, uploadQuota: { visitor: perDay(quota.visitor), ip: perDay(quota.ip) } });
  const running = await startApp(config);
  app = running;
  /** Files stored in the conversation, read from the store itself. */
  const storedFiles = async (conversationId: string) => {
    const client = await MongoClient.connect(running.mongoUri);
    try {
      return await client.db(config.store.dbName).collection('files.files').countDocuments({ 'metadata.conversationId': conversationId });
    } finally {
      await client.close();
    }
  };
  return { api: new Api(running), storedFiles };
}

/** A fresh visitor with a conversation of its own to upload to. */
async function visitorWithConversation(api: Api, conversationId: string): Promise<Who> {
  const visitor = { visitorId: await api.newVisitor() };
  expect((await api.call('POST', '/v1/conversations', visitor, { conversationId })).status).toBe(201);
  return visitor;
}

const upload = (api: Api, who: Who, conversationId: string, bytes: number, mediaType = 'text/plain') =>
  api.call('POST', `/v1/files?conversationId=${conversationId}&filename=f.txt`, who, new Uint8Array(bytes).fill(97), { 'Content-Type': mediaType });

describe('POST /v1/files', () => {
  describe('upload quota', () => {
    it("refuses a visitor's upload past FILE_UPLOAD_BYTES_PER_VISITOR_PER_DAY with a 429 naming the quota and when it fits, before storing any of it", async () => {
      const { api, storedFiles } = await started({ visitor: 2_500, ip: 100_000 });
      const visitor = await visitorWithConversation(api, 'quota-visitor');
      expect((await upload(api, visitor, 'quota-visitor', 1_000)).status).toBe(201);
      expect((await upload(api, visitor, 'quota-visitor', 1_000)).status).toBe(201);
      const refused = await upload(api, visitor, 'quota-visitor', 1_000);
      expect(refused.status).toBe(429);
      // 500 bytes left: 500 more come back in 500 / (2,500 a day) of a day, 17,280 s (less the seconds the test took).
      const wait = Number(refused.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(17_200);
      expect(wait).toBeLessThanOrEqual(17_280);
      expect(refused.body.error).toEqual({
        code: 'ERR_RATE_LIMITED',
        message: `Upload quota spent: a visitor may upload 2500 bytes a day; this upload of 1000 bytes fits in ${wait}s`,
        details: { retryAfterSeconds: wait, quotaBytesPerDay: 2_500 },
      });
      expect(await storedFiles('quota-visitor')).toBe(2);
      // What is left still takes a smaller file; another visitor and the team are not held back.
      expect((await upload(api, visitor, 'quota-visitor', 500)).status).toBe(201);
      const other = await visitorWithConversation(api, 'quota-other');
      expect((await upload(api, other, 'quota-other', 1_000)).status).toBe(201);
      for (let i = 0; i < 3; i++) expect((await upload(api, AGENT, 'quota-visitor', 1_000)).status).toBe(201);
    });

    it('refuses the visitors of one address together past FILE_UPLOAD_BYTES_PER_IP_PER_DAY, however many visitor ids they take', async () => {
      const { api } = await started({ visitor: 2_500, ip: 3_000 });
      for (let i = 0; i < 3; i++) {
        const visitor = await visitorWithConversation(api, `quota-ip-${i}`);
        expect((await upload(api, visitor, `quota-ip-${i}`, 1_000)).status).toBe(201);
      }
      const fresh = await visitorWithConversation(api, 'quota-ip-fresh');
      const refused = await upload(api, fresh, 'quota-ip-fresh', 1_000);
      expect(refused.status).toBe(429);
      const wait = Number(refused.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(28_700);
      expect(wait).toBeLessThanOrEqual(28_800);
      expect(refused.body.error.message).toBe(`Upload quota spent: the visitors of one address together may upload 3000 bytes a day; this upload of 1000 bytes fits in ${wait}s`);
      expect(refused.body.error.details).toEqual({ retryAfterSeconds: wait, quotaBytesPerDay: 3_000 });
    });

    it('charges nothing for an upload refused once read, nor beyond what an upload without a length kept', async () => {
      const { api } = await started({ visitor: 2_000, ip: 100_000 });
      const visitor = await visitorWithConversation(api, 'quota-given-back');
      // Text declared as PNG: read, refused, and its 1,000 bytes given back.
      expect((await upload(api, visitor, 'quota-given-back', 1_000, 'image/png')).status).toBe(415);
      // Without a Content-Length the most a file may be (1,000) is taken first, then all but the 10 bytes kept given back.
      const chunked = await fetch(`${app!.url}/v1/files?conversationId=quota-given-back&filename=s.txt`, {
        method: 'POST',
        headers: { ...api.headers(visitor), 'Content-Type': 'text/plain' },
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new Uint8Array(10).fill(97));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(201);
      expect((await upload(api, visitor, 'quota-given-back', 1_000)).status).toBe(201);
      expect((await upload(api, visitor, 'quota-given-back', 990)).status).toBe(201);
      expect((await upload(api, visitor, 'quota-given-back', 1)).status).toBe(429);
    });
  });
});
