/**
 * How files are taken and served: an upload is kept as sent, never as an encoding of it; a download
 * runs nothing in the browser, whatever types the configuration allows.
 */
import { gzipSync } from 'node:zlib';
import { MongoClient, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../runtime/app';
import { AGENT, Api } from './support/clients';
import { testConfig } from './support/app';
import { solidPng } from '../support/png';
import { jpeg, largestExifSegment, orientationEntry, tiff } from '../activities/store/images';

let app: RunningApp;
let api: Api;
let client: MongoClient;
let db: Db;
/** Each test's visitor is its own: none runs into another's limit. */
const VISITOR_BURST = 7;
/** A visitor's ranges of files granted to it, beyond its own burst. */
const RANGES_BURST = 12;

beforeAll(async () => {
  // An operator may allow types a browser would run as a page of its own.
  const config = testConfig({
    fileMediaTypes: ['image/png', 'image/jpeg', 'image/svg+xml', 'text/html', 'application/pdf', 'text/plain'],
    visitorRate: { perSecond: 0.01, burst: VISITOR_BURST },
    visitorRangeRate: { perSecond: 0.01, burst: RANGES_BURST },
  });
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

  it("gives a phone photo's width and height as browsers show it, turned by its Exif orientation, past a 64 KiB Exif block", async () => {
    // Stored 400×100 with orientation 6 (rotate 90°), as a phone held upright writes it.
    const exif = largestExifSegment(tiff('II', [orientationEntry(6)]));
    const up = await upload('upright.jpg', new Uint8Array(jpeg(400, 100, exif)), { 'Content-Type': 'image/jpeg' });
    expect(up.status).toBe(201);
    expect(up.body.file).toMatchObject({ width: 100, height: 400 });
    const sent = await api.call('POST', '/v1/messages', AGENT, { conversationId: 'fs-1', item: { type: 'message', parts: [{ type: 'file', fileId: up.body.file.id }] } });
    expect(sent.status).toBe(201);
    expect(sent.body.item.parts[0]).toMatchObject({ fileId: up.body.file.id, width: 100, height: 400 });
  });
});

describe('downloads', () => {
  const served = async (filename: string, mediaType: string, body: string | Uint8Array) => {
    const up = await upload(filename, body, { 'Content-Type': mediaType });
    expect(up.status, filename).toBe(201);
    return fetch(`${app.url}${up.body.file.url}`, { headers: api.headers(AGENT) });
  };
  const sandboxed = (res: Response) => [res.headers.get('content-security-policy'), res.headers.get('x-content-type-options')];
  const SANDBOX = ["sandbox; default-src 'none'; style-src 'unsafe-inline'", 'nosniff'];

  it('serves inline only the raster images whose bytes the upload checked, any other type as an attachment, each in a CSP sandbox', async () => {
    const kinds = [
      { filename: 'dot.png', mediaType: 'image/png', body: solidPng(1, 1), disposition: 'inline' },
      { filename: 'logo.svg', mediaType: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.domain)"/>', disposition: 'attachment' },
      { filename: 'page.html', mediaType: 'text/html', body: '<script>alert(document.domain)</script>', disposition: 'attachment' },
      { filename: 'report.pdf', mediaType: 'application/pdf', body: '%PDF-1.7', disposition: 'attachment' },
    ];
    for (const { filename, mediaType, body, disposition } of kinds) {
      const res = await served(filename, mediaType, body);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(mediaType);
      expect(res.headers.get('content-disposition')).toBe(`${disposition}; filename=${filename}`);
      expect(sandboxed(res), filename).toEqual(SANDBOX);
    }
    // A refusal of a download too.
    expect(sandboxed(await fetch(`${app.url}/v1/files/file_nope`, { headers: api.headers(AGENT) }))).toEqual(SANDBOX);
  });
});

describe("a visitor's downloads", () => {
  it("are charged to the visitor's limit like its other calls, with query credentials too; the team's are not", async () => {
    const visitor = { visitorId: await api.newVisitor() }; // one token
    await api.call('POST', '/v1/conversations', visitor, { conversationId: 'fs-limit' }); // two
    const up = await api.call('POST', '/v1/files?conversationId=fs-limit&filename=dot.png', visitor, solidPng(1, 1), { 'Content-Type': 'image/png' }); // three
    expect(up.status).toBe(201);
    const viaHeaders = () => fetch(`${app.url}${up.body.file.url}`, { headers: api.headers(visitor) });
    const viaQuery = () => fetch(`${app.url}${up.body.file.url}?publicKey=${app.keys.publicKey}&visitorId=${visitor.visitorId}`, { headers: { Referer: `${app.url}/` } });
    const statuses = [];
    for (const download of [viaHeaders, viaQuery, viaHeaders, viaQuery, viaHeaders]) statuses.push((await download()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const refused = await viaQuery();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refused.json()).toMatchObject({ error: { code: 'ERR_RATE_LIMITED' } });
    // A team member's downloads are not the visitor's.
    for (let i = 0; i < VISITOR_BURST + 1; i++) expect((await api.call('GET', up.body.file.url, AGENT)).status).toBe(200);
  });

  describe('as a media player reads them, a range at a time', () => {
    /** A file of the visitor's own, in a conversation of its own, having taken `1 + files` of its tokens to get there besides its bootstrap. */
    async function visitorWithFiles(...names: string[]) {
      const visitor = { visitorId: await api.newVisitor() };
      const conversationId = `fs-media-${visitor.visitorId}`;
      expect((await api.call('POST', '/v1/conversations', visitor, { conversationId })).status).toBe(201);
      const ids: string[] = [];
      for (const name of names) {
        const up = await api.call('POST', `/v1/files?conversationId=${conversationId}&filename=${name}`, visitor, MEDIA, { 'Content-Type': 'text/plain' });
        expect(up.status).toBe(201);
        ids.push(up.body.file.id);
      }
      /** As a media element asks, with query credentials, or with headers as the pages' fetch does. */
      const get = async (fileId: string, range?: string, via: 'query' | 'headers' = 'query', more: Record<string, string> = {}) => {
        const url = via === 'query' ? `${app.url}/v1/files/${fileId}?publicKey=${app.keys.publicKey}&visitorId=${visitor.visitorId}` : `${app.url}/v1/files/${fileId}`;
        const res = await fetch(url, { headers: { ...(via === 'headers' ? api.headers(visitor) : { Referer: `${app.url}/` }), ...(range ? { Range: range } : {}), ...more } });
        return { status: res.status, retryAfter: res.headers.get('retry-after'), body: Buffer.from(await res.arrayBuffer()) };
      };
      return { visitor, ids, get };
    }
    const MEDIA = 'a'.repeat(500) + 'b'.repeat(500);
    /** A player's opening range, then its next as it buffers and seeks (measured in Chromium: 8 for a playback with six seeks). */
    const PLAYBACK = ['bytes=0-', 'bytes=700-', 'bytes=300-', 'bytes=950-', 'bytes=50-', 'bytes=600-', 'bytes=400-499', 'bytes=-10', 'bytes=200-', 'bytes=800-', 'bytes=100-'];

    it("go on past the visitor's burst for a file it was granted by its first range, and leave the visitor's own tokens for its other calls", async () => {
      const { visitor, ids, get } = await visitorWithFiles('clip.txt'); // three tokens with the bootstrap
      expect(PLAYBACK.length).toBeGreaterThan(VISITOR_BURST);
      const answers = [];
      for (const [i, range] of PLAYBACK.entries()) answers.push(await get(ids[0]!, range, i % 3 === 2 ? 'headers' : 'query')); // the first takes a fourth
      expect(answers.map((answer) => answer.status)).toEqual(PLAYBACK.map(() => 206));
      expect(answers[6]!.body.toString()).toBe('a'.repeat(100));
      expect(answers[7]!.body.toString()).toBe('b'.repeat(10));
      // The page's images and calls still have the three tokens left of the visitor's burst.
      const others = [];
      for (let i = 0; i < VISITOR_BURST - 4; i++) others.push((await api.call('GET', '/v1/conversations', visitor)).status);
      expect(others).toEqual([200, 200, 200]);
    });

    it("refuse a flood of ranges once that allowance, the visitor's own tokens and a burst borrowed are spent, saying when to retry", async () => {
      const { visitor, ids, get } = await visitorWithFiles('clip.txt');
      expect((await get(ids[0]!, 'bytes=0-')).status).toBe(206); // a fourth token: the grant
      const statuses = [];
      for (let i = 0; i < RANGES_BURST + 2 * VISITOR_BURST; i++) statuses.push((await get(ids[0]!, `bytes=${i}-`)).status);
      expect(statuses).toEqual([...Array(RANGES_BURST + 2 * VISITOR_BURST - 4).fill(206), 429, 429, 429, 429]);
      const refused = await get(ids[0]!, 'bytes=0-');
      expect(refused.status).toBe(429);
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(JSON.parse(refused.body.toString())).toMatchObject({ error: { code: 'ERR_RATE_LIMITED' } });
      expect((await api.call('GET', '/v1/conversations', visitor)).status).toBe(429);
    });

    it('grant a file neither by a whole download of it nor by a range of it the visitor may not see', async () => {
      const { visitor, ids, get } = await visitorWithFiles('own.txt'); // three tokens with the bootstrap
      const own = ids[0]!;
      // The team's upload to the visitor's conversation, in no public item yet: not the visitor's to see.
      const teams = await api.call('POST', `/v1/files?conversationId=fs-media-${visitor.visitorId}&filename=internal.txt`, AGENT, MEDIA, { 'Content-Type': 'text/plain' });
      expect(teams.status).toBe(201);
      const teamsFile = teams.body.file.id as string;
      const answers = [
        await get(own), // whole: a fourth token, and no grant
        await get(own, 'bytes=1-'), // so this range is a first one: a fifth, and the grant
        await get(teamsFile, 'bytes=0-'), // not the visitor's to see: a sixth, and no grant
        await get(teamsFile, 'bytes=1-'), // so charged again: the seventh and last
      ];
      // And again, each borrowing one of the visitor's next tokens, a burst of them.
      for (let i = 0; i <= VISITOR_BURST; i++) answers.push(await get(teamsFile, `bytes=${i + 2}-`));
      answers.push(await get(own, 'bytes=3-')); // granted: from the allowance
      expect(answers.map((answer) => answer.status)).toEqual([200, 206, 404, 404, ...Array(VISITOR_BURST).fill(404), 429, 206]);
    });

    it('charge whole downloads and headers a download ignores to the visitor as before, borrowing nothing for them', async () => {
      const { ids, get } = await visitorWithFiles('clip.txt', 'other.txt'); // four tokens with the bootstrap
      const [clip, other] = ids as [string, string];
      expect((await get(clip, 'bytes=0-')).status).toBe(206); // a fifth: the grant
      for (const range of ['bytes=100-', 'bytes=900-', 'bytes=-1']) expect((await get(clip, range)).status, range).toBe(206);
      // The last two of the visitor's burst, then none left for any of these, though its ranges of the clip still have some.
      expect([(await get(clip)).status, (await get(clip, undefined, 'headers')).status, (await get(clip)).status]).toEqual([200, 200, 429]);
      for (const ignored of ['bytes=zz', 'bytes=0-1,5-6', 'bytes=9-3', 'items=0-1']) expect((await get(clip, ignored)).status, ignored).toBe(429);
      expect((await get(clip, 'bytes=500-')).status).toBe(206);
      // A first range of a file not granted borrows (next tests); a whole download after it still has nothing to draw on.
      expect((await get(other, 'bytes=0-')).status).toBe(206);
      expect((await get(other)).status).toBe(429);
    });

    it("charge a range of a granted file answered with the whole file to the visitor's bucket, as a whole download, leaving the allowance to the parts", async () => {
      const { visitor, ids, get } = await visitorWithFiles('clip.txt'); // three tokens with the bootstrap
      const clip = ids[0]!;
      expect((await get(clip, 'bytes=0-')).status).toBe(206); // a fourth: the grant
      const whole = [
        await get(clip, 'bytes=0-'), // the fifth
        await get(clip, `bytes=-${2 * MEDIA.length}`), // the sixth
        await get(clip, 'bytes=1-', 'query', { 'If-Range': '"another copy"' }), // the seventh, and last
      ];
      expect(whole.map((answer) => [answer.status, answer.body.length])).toEqual([
        [206, MEDIA.length],
        [206, MEDIA.length],
        [200, MEDIA.length],
      ]);
      expect((await api.call('GET', '/v1/conversations', visitor)).status).toBe(429);
      // The parts still come from the allowance; the whole, borrowed (a new player of the clip starts).
      expect((await get(clip, 'bytes=1-')).status).toBe(206);
      expect((await get(clip, 'bytes=0-')).status).toBe(206);
    });

    it("start for a visitor who spent its tokens posting messages: a player's first range borrows from the visitor's next ones", async () => {
      const { visitor, ids, get } = await visitorWithFiles('voice-note.txt'); // three tokens with the bootstrap
      const conversationId = `fs-media-${visitor.visitorId}`;
      const posted = [];
      for (let i = 0; i < VISITOR_BURST - 2; i++) posted.push((await api.call('POST', '/v1/messages', visitor, { conversationId, item: { type: 'message', text: `quick ${i}` } })).status);
      expect(posted).toEqual([201, 201, 201, 201, 429]);
      // As a player opens the file (refused, it would show an error for good), and goes on with its next ranges.
      expect((await get(ids[0]!, 'bytes=0-')).status).toBe(206);
      expect((await get(ids[0]!, 'bytes=700-')).status).toBe(206);
    });

    it("start for a visitor who spent its tokens downloading, borrowing one burst at most, which its next calls wait to regain", async () => {
      const { visitor, ids, get } = await visitorWithFiles('photo.txt', 'clip.txt'); // four tokens with the bootstrap
      const [photo, clip] = ids as [string, string];
      const downloads = [];
      for (let i = 0; i < VISITOR_BURST - 3; i++) downloads.push((await get(photo)).status);
      expect(downloads).toEqual([200, 200, 200, 429]);
      expect((await get(clip, 'bytes=0-')).status).toBe(206);
      // The rest of a burst goes to first ranges (of files unknown here, never granted), and no more.
      const firsts = [];
      for (let i = 0; i < VISITOR_BURST; i++) firsts.push((await get('file_unknown', 'bytes=0-')).status);
      expect(firsts).toEqual([...Array(VISITOR_BURST - 1).fill(404), 429]);
      // The visitor's next call waits for the burst it owes and a token more, at 100 s a token.
      const next = await api.call('GET', '/v1/conversations', visitor);
      expect(next.status).toBe(429);
      expect(Number(next.headers.get('retry-after'))).toBeGreaterThan(100 * VISITOR_BURST);
    });
  });
});
