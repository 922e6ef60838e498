/**
 * Downloads as HTTP clients expect them: single byte ranges (a player seeking, a download resumed),
 * a strong ETag and Last-Modified to revalidate with, HEAD answering GET's headers; and none of it telling a caller
 * who may not see a file that it exists.
 */
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../runtime/app';
import { testConfig } from './support/app';
import { AGENT, Api, type Who } from './support/clients';

const t = {} as { app: RunningApp; api: Api };
let client: MongoClient;
/** The store's database, to see how GridFS cut a file into chunks. */
let db: Db;

beforeAll(async () => {
  const config = testConfig();
  t.app = await startApp(config);
  t.api = new Api(t.app);
  client = new MongoClient(t.app.mongoUri);
  db = client.db(config.store.dbName);
});
afterAll(async () => {
  await client?.close();
  await t.app?.close();
});

/** GridFS's default chunk size, which the store's bucket keeps (the test checks it does). */
const CHUNK = 255 * 1024;
const TEXT = '0123456789abcdef';
/** Three chunks and a remnant, each byte telling where it stands: printable ASCII, text as its upload declares. */
const LARGE = Buffer.from(Array.from({ length: 3 * CHUNK + 1000 }, (_, i) => 32 + (i % 95)));

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** An answer's headers but those of the moment and the connection (fetch closes after a HEAD). */
const representation = ({ headers }: Answer) => {
  const { date: _date, connection: _connection, 'keep-alive': _keepAlive, 'x-request-id': _requestId, ...rest } = headers;
  return rest;
};

async function download(who: Who, fileId: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Answer> {
  const res = await fetch(`${t.app.url}/v1/files/${fileId}`, { method, headers: { ...t.api.headers(who), ...headers } });
  return { status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()) };
}

/** A visitor with a conversation of its own and, in it, the text file and the large one. */
async function owner() {
  const visitor = { visitorId: await t.api.newVisitor() };
  const created = await t.api.call('POST', '/v1/conversations', visitor, {});
  const conversationId = created.body.conversation.id as string;
  const upload = async (filename: string, body: string | Uint8Array) => {
    const up = await t.api.call('POST', `/v1/files?conversationId=${conversationId}&filename=${filename}`, visitor, body, { 'Content-Type': 'text/plain' });
    expect(up.status).toBe(201);
    return up.body.file.id as string;
  };
  return { visitor, conversationId, text: await upload('digits.txt', TEXT), large: await upload('large.txt', new Uint8Array(LARGE)) };
}

describe('GET /v1/files/:id', () => {
  describe('with a Range', () => {
    it('answers each form of a single byte range with a 206 of only those bytes, keeping the file headers', async () => {
      const { visitor, text } = await owner();
      const whole = await download(visitor, text);
      expect(whole.status).toBe(200);
      expect(whole.headers['accept-ranges']).toBe('bytes');
      const forms: Array<[string, string, string]> = [
        ['bytes=0-3', '0123', 'bytes 0-3/16'],
        ['bytes=10-', 'abcdef', 'bytes 10-15/16'],
        ['bytes=-3', 'def', 'bytes 13-15/16'],
        ['bytes=14-999', 'ef', 'bytes 14-15/16'], // past the end: to the end
        ['bytes=-999', TEXT, 'bytes 0-15/16'], // a suffix longer than the file: all of it
        ['Bytes=5-5', '5', 'bytes 5-5/16'],
      ];
      for (const [range, bytes, contentRange] of forms) {
        const part = await download(visitor, text, { Range: range });
        expect(part.status, range).toBe(206);
        expect(part.body.toString(), range).toBe(bytes);
        expect(part.headers['content-range'], range).toBe(contentRange);
        expect(part.headers['content-length'], range).toBe(String(bytes.length));
        for (const kept of ['content-type', 'content-disposition', 'cache-control', 'content-security-policy', 'x-content-type-options', 'etag', 'accept-ranges']) {
          expect(part.headers[kept], `${range}: ${kept}`).toBe(whole.headers[kept]);
        }
      }
    });

    it('reads a range from the GridFS chunks that hold it, across their boundaries', async () => {
      const { visitor, large } = await owner();
      expect(await db.collection<{ _id: string }>('files.files').findOne({ _id: large })).toMatchObject({ chunkSize: CHUNK });
      expect(await db.collection('files.chunks').countDocuments({ files_id: large })).toBe(4);
      const ranges: Array<[number, number]> = [
        [CHUNK - 10, CHUNK + 9], // across the first boundary
        [CHUNK, 2 * CHUNK - 1], // exactly the second chunk
        [100, 3 * CHUNK + 5], // across three boundaries into the remnant
        [2 * CHUNK + 7, 2 * CHUNK + 7], // one byte inside a chunk
        [3 * CHUNK - 1, LARGE.length - 1], // the last byte of a chunk and the remnant
      ];
      for (const [start, end] of ranges) {
        const part = await download(visitor, large, { Range: `bytes=${start}-${end}` });
        expect(part.status).toBe(206);
        expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${LARGE.length}`);
        expect(part.body.equals(LARGE.subarray(start, end + 1)), `${start}-${end}`).toBe(true);
      }
      const tail = await download(visitor, large, { Range: 'bytes=-1500' });
      expect(tail.body.equals(LARGE.subarray(LARGE.length - 1500))).toBe(true);
      const resumed = await download(visitor, large, { Range: `bytes=${CHUNK + 1}-` });
      expect(resumed.body.equals(LARGE.subarray(CHUNK + 1))).toBe(true);
    });

    it('answers 416 with the file size for a range with no byte in the file', async () => {
      const { visitor, text } = await owner();
      for (const range of ['bytes=16-20', 'bytes=100-', 'bytes=-0', 'bytes=99999999999999999999-']) {
        const refused = await download(visitor, text, { Range: range });
        expect(refused.status, range).toBe(416);
        expect(refused.headers['content-range'], range).toBe('bytes */16');
        expect(refused.headers['content-type']).toMatch(/^application\/json/);
        expect(refused.headers['cache-control'], range).toBe('no-store');
        expect(JSON.parse(refused.body.toString())).toEqual({
          error: { code: 'ERR_RANGE_NOT_SATISFIABLE', message: "The range asks for no byte of the file's 16", details: { size: 16 } },
        });
      }
    });

    it('ignores a malformed or multi-range header, serving the whole file', async () => {
      const { visitor, text } = await owner();
      for (const range of ['garbage', 'bytes=0-1,3-4', 'bytes=0-1,100-200', 'bytes=5-2', 'items=0-3', 'bytes=-', 'bytes=a-b', 'bytes=0x1-2', 'bytes=1.5-3']) {
        const whole = await download(visitor, text, { Range: range });
        expect(whole.status, range).toBe(200);
        expect(whole.body.toString(), range).toBe(TEXT);
        expect(whole.headers['content-range'], range).toBeUndefined();
      }
    });
  });

  describe('HEAD', () => {
    it("answers GET's status and headers without the bytes, for the whole file, a range and an unsatisfiable one", async () => {
      const { visitor, large } = await owner();
      for (const headers of [{}, { Range: 'bytes=10-19' }, { Range: `bytes=${LARGE.length}-` }] as Array<Record<string, string>>) {
        const [get, head] = [await download(visitor, large, headers), await download(visitor, large, headers, 'HEAD')];
        expect(head.status).toBe(get.status);
        expect(representation(head)).toEqual(representation(get));
        expect(head.body.length).toBe(0);
      }
    });
  });

  describe('revalidation', () => {
    it('gives each file a strong ETag of its own that stays the same, for every reader and method', async () => {
      const { visitor, text, large } = await owner();
      const etag = (await download(visitor, text)).headers.etag!;
      expect(etag).toMatch(/^"[!#-~]+"$/); // strong: no W/ prefix
      expect((await download(visitor, text)).headers.etag).toBe(etag);
      expect((await download(visitor, text, {}, 'HEAD')).headers.etag).toBe(etag);
      expect((await download(AGENT, text)).headers.etag).toBe(etag);
      expect((await download({ agent: null }, text)).headers.etag).toBe(etag);
      expect((await download(visitor, large)).headers.etag).not.toBe(etag);
    });

    it('tells caches that the answer holds for the credentials it was asked with only, so a browser another person signs in on asks again', async () => {
      const { visitor, text } = await owner();
      for (const answer of [await download(visitor, text), await download(visitor, text, { 'If-None-Match': (await download(visitor, text)).headers.etag! })]) {
        const varies = answer.headers.vary?.split(',').map((name) => name.trim().toLowerCase());
        expect(varies).toEqual(expect.arrayContaining(['authorization', 'x-actor-user-id', 'x-public-key', 'x-visitor-id']));
      }
    });

    it('answers If-None-Match naming the ETag with a 304 and no body', async () => {
      const { visitor, text } = await owner();
      const etag = (await download(visitor, text)).headers.etag!;
      for (const inm of [etag, `"other", ${etag}`, `W/${etag}`, '*']) {
        const cached = await download(visitor, text, { 'If-None-Match': inm });
        expect(cached.status, inm).toBe(304);
        expect(cached.body.length).toBe(0);
        expect(cached.headers.etag).toBe(etag);
        expect(cached.headers['cache-control']).toBe('private, max-age=3600');
      }
      // Conditions are weighed before ranges.
      expect((await download(visitor, text, { 'If-None-Match': etag, Range: 'bytes=0-1' })).status).toBe(304);
      const changed = await download(visitor, text, { 'If-None-Match': '"another-file"' });
      expect(changed.status).toBe(200);
      expect(changed.body.toString()).toBe(TEXT);
    });

    it('gives the upload time, to the second, as Last-Modified, the same for every reader and method and on a 304', async () => {
      const before = Math.floor(Date.now() / 1000) * 1000;
      const { visitor, text } = await owner();
      const after = Date.now();
      const whole = await download(visitor, text);
      const lastModified = whole.headers['last-modified']!;
      expect(lastModified).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      expect(Date.parse(lastModified)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(lastModified)).toBeLessThanOrEqual(after);
      expect((await download(visitor, text, {}, 'HEAD')).headers['last-modified']).toBe(lastModified);
      expect((await download(AGENT, text)).headers['last-modified']).toBe(lastModified);
      expect((await download(visitor, text, { 'If-None-Match': whole.headers.etag! })).headers['last-modified']).toBe(lastModified);
    });

    it('answers If-Modified-Since no earlier than Last-Modified with a 304, in any HTTP-date form, but only without If-None-Match', async () => {
      const { visitor, text } = await owner();
      const whole = await download(visitor, text);
      const lastModified = whole.headers['last-modified']!;
      const at = new Date(lastModified);
      const earlier = new Date(at.getTime() - 1000).toUTCString();
      const weekday = at.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
      const [, day, month, year, time] = /^\w+, (\d{2}) (\w{3}) (\d{4}) (\S+) GMT$/.exec(lastModified)!;
      const sameMoment = [
        lastModified,
        `${weekday}, ${day}-${month}-${year!.slice(2)} ${time} GMT`, // RFC 850
        `${lastModified.slice(0, 3)} ${month} ${day!.replace(/^0/, ' ')} ${time} ${year}`, // asctime
      ];
      for (const since of [...sameMoment, new Date(at.getTime() + 86_400_000).toUTCString()]) {
        const cached = await download(visitor, text, { 'If-Modified-Since': since });
        expect(cached.status, since).toBe(304);
        expect(cached.body.length).toBe(0);
        expect(cached.headers.etag).toBe(whole.headers.etag);
        // Conditions are weighed before ranges.
        expect((await download(visitor, text, { 'If-Modified-Since': since, Range: 'bytes=0-1' })).status, since).toBe(304);
      }
      // Changed since (a second before the upload), or not an HTTP-date, or several: the file.
      for (const since of [earlier, 'garbage', '5', at.toISOString(), `${lastModified}, ${lastModified}`, lastModified.replace('GMT', 'UTC'), lastModified.toUpperCase()]) {
        const changed = await download(visitor, text, { 'If-Modified-Since': since });
        expect([changed.status, changed.body.toString()], since).toEqual([200, TEXT]);
      }
      // If-None-Match decides alone when sent (RFC 9110 §13.2.2).
      expect((await download(visitor, text, { 'If-None-Match': '"another-file"', 'If-Modified-Since': lastModified })).status).toBe(200);
      expect((await download(visitor, text, { 'If-None-Match': whole.headers.etag!, 'If-Modified-Since': earlier })).status).toBe(304);
    });

    it('serves a range under If-Range naming the Last-Modified date exactly, the whole file for any other date', async () => {
      const { visitor, text } = await owner();
      const lastModified = (await download(visitor, text)).headers['last-modified']!;
      const part = await download(visitor, text, { Range: 'bytes=0-1', 'If-Range': lastModified });
      expect([part.status, part.body.toString(), part.headers['content-range']]).toEqual([206, '01', 'bytes 0-1/16']);
      for (const shift of [-1000, 1000]) {
        const other = new Date(Date.parse(lastModified) + shift).toUTCString();
        const whole = await download(visitor, text, { Range: 'bytes=0-1', 'If-Range': other });
        expect([whole.status, whole.body.toString()], other).toEqual([200, TEXT]);
      }
    });

    it('serves a range under If-Range only when it names the ETag, the whole file otherwise', async () => {
      const { visitor, text } = await owner();
      const etag = (await download(visitor, text)).headers.etag!;
      const matching = await download(visitor, text, { Range: 'bytes=0-1', 'If-Range': etag });
      expect([matching.status, matching.body.toString()]).toEqual([206, '01']);
      for (const ifRange of ['"another-file"', `W/${etag}`, new Date(Date.now() + 60_000).toUTCString()]) {
        for (const range of ['bytes=0-1', 'bytes=100-']) {
          const whole = await download(visitor, text, { Range: range, 'If-Range': ifRange });
          expect([whole.status, whole.body.toString()], `${ifRange} ${range}`).toEqual([200, TEXT]);
        }
      }
    });
  });

  describe('to a caller who may not see the file', () => {
    it('answers the same 404 as for a file that does not exist, whatever ranges and conditions it sends', async () => {
      const { visitor, conversationId, text } = await owner();
      const etag = (await download(visitor, text)).headers.etag!;
      // The team's file on a private note of the visitor's own conversation is as unknown to the visitor.
      const noted = await t.api.call('POST', `/v1/files?conversationId=${conversationId}&filename=internal.txt`, AGENT, TEXT, { 'Content-Type': 'text/plain' });
      const note = { type: 'note', text: 'see attached', parts: [{ type: 'file', fileId: noted.body.file.id }] };
      expect((await t.api.call('POST', '/v1/messages', AGENT, { conversationId, item: note })).status).toBe(201);
      const noteEtag = (await download(AGENT, noted.body.file.id)).headers.etag!;
      const stranger = { visitorId: await t.api.newVisitor() };
      const nobodys = `file_${'0'.repeat(text.length - 'file_'.length)}`;
      const sendings: Array<Record<string, string>> = [
        {},
        { Range: 'bytes=0-3' },
        { Range: 'bytes=100-200' },
        { Range: 'garbage' },
        { 'If-None-Match': etag },
        { 'If-None-Match': '*' },
        { Range: 'bytes=0-3', 'If-Range': etag },
        { 'If-None-Match': noteEtag },
        { Range: 'bytes=0-3', 'If-Range': noteEtag },
        { 'If-Modified-Since': new Date(Date.now() + 60_000).toUTCString() },
        { Range: 'bytes=0-3', 'If-Range': new Date().toUTCString() },
      ];
      const answer = async (fileId: string, headers: Record<string, string>, method: string, who: Who = stranger) => {
        const { status, headers: got, body } = await download(who, fileId, headers, method);
        // Each request's own: its time and its id.
        const { date: _date, 'x-request-id': _requestId, ...rest } = got;
        return { status, headers: rest, body: body.toString().replace(fileId, ':id') };
      };
      for (const method of ['GET', 'HEAD']) {
        const unknown = await answer(nobodys, {}, method);
        expect(unknown.status).toBe(404);
        for (const headers of sendings) {
          expect(await answer(text, headers, method), `${method} ${JSON.stringify(headers)}`).toEqual(unknown);
          expect(await answer(nobodys, headers, method), `${method} ${JSON.stringify(headers)}`).toEqual(unknown);
          expect(await answer(noted.body.file.id, headers, method, visitor), `${method} ${JSON.stringify(headers)}`).toEqual(unknown);
        }
      }
    });
  });
});
