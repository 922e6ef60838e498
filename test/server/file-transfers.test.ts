/**
 * Files over the wire when the client goes away: an upload cut off midway leaves nothing in the
 * store, a download cut off is not a server failure, and the server serves on after either.
 */
import http from 'node:http';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../runtime/app';
import { Api } from './support/clients';
import { testConfig } from './support/app';
import { recordingLog, type LogLine } from '../support/log-lines';

const MiB = 1024 * 1024;
/** Error-level log lines the app wrote. */
let errors: LogLine[] = [];
let app: RunningApp;
let api: Api;
let client: MongoClient;
let db: Db;
let visitor: { visitorId: string };

beforeAll(async () => {
  const recorded = recordingLog('error');
  errors = recorded.lines;
  const log = recorded.log;
  const config = testConfig({ fileMaxBytes: 8 * MiB, fileMediaTypes: ['text/plain'] });
  app = await startApp(config, { log });
  api = new Api(app);
  const created = await api.call('GET', '/v1/websites', { 'X-Public-Key': app.keys.publicKey });
  visitor = { visitorId: created.body.visitor.id };
  await api.call('POST', '/v1/conversations', visitor, { conversationId: 'ft-1' });
  client = new MongoClient(app.mongoUri);
  db = client.db(config.store.dbName);
});
afterAll(async () => {
  await client?.close();
  await app?.close();
});

async function storedChunks(): Promise<number> {
  return db.collection('files.chunks').countDocuments();
}

async function eventually(check: () => Promise<boolean>, ms = 5_000): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return check();
}

describe('file transfers cut off by the client', () => {
  it('deletes what an upload wrote when its client goes away midway', async () => {
    // Chunked, no Content-Length: 600 KiB is past GridFS's first two 255 KiB chunks.
    const storedSome = await new Promise<boolean>((resolve) => {
      const req = http.request(`${app.url}/v1/files?conversationId=ft-1&filename=cut.txt`, {
        method: 'POST',
        headers: { ...api.headers(visitor), 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' },
      });
      req.on('error', () => resolve(false));
      // Cut off once the server has stored some of it.
      req.write(Buffer.alloc(600 * 1024, 97), () =>
        void eventually(async () => (await storedChunks()) > 0, 10_000).then((stored) => {
          req.destroy();
          resolve(stored);
        }),
      );
    });
    expect(storedSome).toBe(true);
    expect(await eventually(async () => (await storedChunks()) === 0)).toBe(true);
    expect(await db.collection('files.files').countDocuments({ filename: 'cut.txt' })).toBe(0);

    const whole = await api.call('POST', '/v1/files?conversationId=ft-1&filename=whole.txt', visitor, new Uint8Array(300 * 1024).fill(97), { 'Content-Type': 'text/plain' });
    expect(whole.status).toBe(201);
    expect(await storedChunks()).toBe(2);
  });

  it('leaves no upload waiting when its client goes away before the server has looked at it', async () => {
    const saveFile = app.store.saveFile;
    let pending = 0;
    app.store.saveFile = (...args) => {
      pending++;
      return saveFile(...args).finally(() => pending--);
    };
    try {
      for (let i = 0; i < 5; i++) {
        const req = http.request(`${app.url}/v1/files?conversationId=ft-1&filename=early.txt`, {
          method: 'POST',
          headers: { ...api.headers(visitor), 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' },
        });
        req.on('error', () => {});
        req.write('partial', () => req.destroy());
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await eventually(async () => pending === 0)).toBe(true);
    } finally {
      app.store.saveFile = saveFile;
    }
  });

  it('takes a download its client stopped reading as no failure, and serves on', async () => {
    const up = await api.call('POST', '/v1/files?conversationId=ft-1&filename=big.txt', visitor, new Uint8Array(6 * MiB).fill(97), { 'Content-Type': 'text/plain' });
    expect(up.status).toBe(201);
    await new Promise<void>((resolve) => {
      const req = http.get(`${app.url}${up.body.file.url}`, { headers: api.headers(visitor) }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(errors).toEqual([]);
    const again = await fetch(`${app.url}${up.body.file.url}`, { headers: api.headers(visitor) });
    expect(again.status).toBe(200);
    expect((await again.arrayBuffer()).byteLength).toBe(6 * MiB);
  });
});
