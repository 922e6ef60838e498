/** How files are taken and served: an upload is kept as sent, never as an encoding of it. */
import { gzipSync } from 'node:zlib';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../runtime/app';
import { AGENT, Api } from './support/clients';
import { testConfig } from './support/app';

let app: RunningApp;
let api: Api;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  const config = testConfig();
  app = await startApp(config);
  api = new Api(app);
  client = new MongoClient(app.mongoUri);
  db = client.db(config.store.dbName);
  expect((await api.call('POST', '/v1/conversations', { visitorId: await api.newVisitor() }, { conversationId: 'fs-1' })).status).toBe(201);
});
afterAll(async () => {
  await client?.close();
  await app?.close();
});

const upload = (filename: string, body: string | Uint8Array, headers: Record<string, string>) =>
  api.call('POST', `/v1/files?conversationId=fs-1&filename=${filename}`, AGENT, body, headers);

describe('uploads', () => {
  it('refuses a body with a Content-Encoding, which would be kept compressed as if it were the file, and keeps nothing of it', async () => {
    for (const encoding of ['gzip', 'GZIP', 'identity, gzip']) {
      const refused = await upload('notes.txt', gzipSync('plain words'), { 'Content-Type': 'text/plain', 'Content-Encoding': encoding });
      expect(refused.status, encoding).toBe(415);
      expect(refused.body.error).toEqual({ code: 'ERR_UNSUPPORTED_MEDIA_TYPE', message: `Uploads are kept as sent: send the file itself, without Content-Encoding (got ${encoding})` });
      expect(refused.headers.get('accept-encoding')).toBe('identity');
    }
    expect(await db.collection('files.files').countDocuments({ filename: 'notes.txt' })).toBe(0);

    const identity = await upload('plain.txt', 'plain words', { 'Content-Type': 'text/plain', 'Content-Encoding': 'identity' });
    expect(identity.status).toBe(201);
    const served = await fetch(`${app.url}${identity.body.file.url}`, { headers: api.headers(AGENT) });
    expect(await served.text()).toBe('plain words');
  });
});
