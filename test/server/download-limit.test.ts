/**
 * When a visitor's refused download may be retried: a range of a file granted to it draws on the
 * ranges allowance and then on the visitor's own bucket, which a request asking for a range may
 * leave owing one burst at most, so it may come back as soon as the allowance has a token again or
 * the bucket owes less than that; a first range only the latter; a whole download only when the
 * bucket has a token, what it owes regained.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useTestApp, type TestAppHandle } from './support/app';

/** Refills a token in a second. */
const FAST = 1;
/** Refills a token in five seconds. */
const SLOW = 0.2;
const RANGES_BURST = 2;
/** What getting to a granted file takes: the bootstrap, the conversation, two uploads and the granting range. */
const VISITOR_BURST = 5;
/** How long a file stays granted after its last range was served (README). */
const GRANT_MS = 5 * 60_000;

/** A new visitor with two files of its own, the first granted to it, and every token of its bucket spent. */
async function visitorOutOfTokens(t: TestAppHandle) {
  const visitor = { visitorId: await t.api.newVisitor() };
  const conversationId = `dl-${visitor.visitorId}`;
  expect((await t.api.call('POST', '/v1/conversations', visitor, { conversationId })).status).toBe(201);
  const upload = async (filename: string) => {
    const up = await t.api.call('POST', `/v1/files?conversationId=${conversationId}&filename=${filename}`, visitor, 'some bytes', { 'Content-Type': 'text/plain' });
    expect(up.status).toBe(201);
    return up.body.file.id as string;
  };
  const [granted, other] = [await upload('clip.txt'), await upload('other.txt')];
  /** As a media element asks for it, with query credentials. */
  const get = async (fileId: string, range?: string) => {
    const url = `${t.app.url}/v1/files/${fileId}?publicKey=${t.app.keys.publicKey}&visitorId=${visitor.visitorId}`;
    const res = await fetch(url, { headers: { Referer: `${t.app.url}/`, ...(range ? { Range: range } : {}) } });
    await res.arrayBuffer();
    return { status: res.status, retryAfter: res.headers.get('retry-after') };
  };
  expect((await get(granted, 'bytes=0-')).status).toBe(206); // the visitor's last token, and the grant
  return { granted, other, get };
}

function useAppWithRates(visitorPerSecond: number, rangesPerSecond: number): TestAppHandle {
  return useTestApp({ visitorRate: { perSecond: visitorPerSecond, burst: VISITOR_BURST }, visitorRangeRate: { perSecond: rangesPerSecond, burst: RANGES_BURST } });
}

/**
 * A new visitor with its bucket and the ranges allowance both spent, and the burst its ranges may
 * borrow, the clock the buckets read stopped (timers run as ever) so that no token comes back but
 * when the test moves it on.
 */
async function bothSpent(t: TestAppHandle) {
  const start = Date.now();
  vi.useFakeTimers({ toFake: ['Date'], now: start });
  const files = await visitorOutOfTokens(t);
  for (let i = 0; i < RANGES_BURST + VISITOR_BURST; i++) expect((await files.get(files.granted, `bytes=${i}-`)).status).toBe(206);
  return { start, ...files };
}

describe("a visitor's refused download", () => {
  afterEach(() => vi.useRealTimers());

  describe('when the ranges allowance refills sooner than the visitor', () => {
    const t = useAppWithRates(SLOW, FAST);

    it("may retry a range of a granted file after the allowance's wait, and is served then", async () => {
      const { start, granted, get } = await bothSpent(t);
      expect(await get(granted, 'bytes=5-')).toEqual({ status: 429, retryAfter: '1' });
      vi.setSystemTime(start + 1_000);
      expect((await get(granted, 'bytes=5-')).status).toBe(206);
    });

    it("is told the visitor's own wait for what only the visitor's bucket pays: a whole download the burst owed and a token, a range of a file not granted a token", async () => {
      const { start, granted, other, get } = await bothSpent(t);
      expect(await get(granted)).toEqual({ status: 429, retryAfter: String((VISITOR_BURST + 1) * 5) });
      expect(await get(other, 'bytes=0-')).toEqual({ status: 429, retryAfter: '5' });
      // The allowance's token back does not serve them.
      vi.setSystemTime(start + 1_000);
      expect(await get(granted)).toEqual({ status: 429, retryAfter: String((VISITOR_BURST + 1) * 5 - 1) });
      expect(await get(other, 'bytes=0-')).toEqual({ status: 429, retryAfter: '4' });
      vi.setSystemTime(start + 5_000);
      expect((await get(other, 'bytes=0-')).status).toBe(206);
      // Borrowed again: the whole download waits as long as before.
      expect(await get(granted)).toEqual({ status: 429, retryAfter: String((VISITOR_BURST + 1) * 5) });
    });

    it("is told the visitor's own wait for a range of a granted file answered with the whole file, which the allowance does not pay", async () => {
      const { start, granted, get } = await bothSpent(t);
      expect(await get(granted, 'bytes=0-')).toEqual({ status: 429, retryAfter: '5' });
      expect(await get(granted, 'bytes=1-')).toEqual({ status: 429, retryAfter: '1' });
      vi.setSystemTime(start + 1_000);
      expect(await get(granted, 'bytes=0-')).toEqual({ status: 429, retryAfter: '4' });
      expect((await get(granted, 'bytes=1-')).status).toBe(206);
    });

    it("is told the visitor's own wait for a range of a file whose grant lapses before the allowance refills", async () => {
      const { start, granted, other, get } = await bothSpent(t);
      // Nearly five minutes on, both full again, spent on the other file: its first range (a
      // token of the visitor's, and its grant), its next ones, whole downloads of it, then ranges
      // of it borrowing a burst.
      const late = start + GRANT_MS - 500;
      vi.setSystemTime(late);
      for (const range of ['bytes=0-', 'bytes=1-', 'bytes=2-']) expect((await get(other, range)).status).toBe(206);
      for (let i = 1; i < VISITOR_BURST; i++) expect((await get(other)).status).toBe(200);
      for (let i = 0; i < VISITOR_BURST; i++) expect((await get(other, `bytes=${i + 3}-`)).status).toBe(206);
      // The first file's grant lapses within the allowance's second: a retry then is charged to the visitor alone.
      expect(await get(granted, 'bytes=5-')).toEqual({ status: 429, retryAfter: '5' });
      vi.setSystemTime(late + 5_000);
      expect((await get(granted, 'bytes=5-')).status).toBe(206);
    });
  });

  describe('when the visitor refills sooner than the ranges allowance', () => {
    const t = useAppWithRates(FAST, SLOW);

    it("may retry a range of a granted file after the visitor's wait, and is served then from the visitor's bucket", async () => {
      const { start, granted, get } = await bothSpent(t);
      expect(await get(granted, 'bytes=5-')).toEqual({ status: 429, retryAfter: '1' });
      expect(await get(granted)).toEqual({ status: 429, retryAfter: String(VISITOR_BURST + 1) });
      vi.setSystemTime(start + 1_000);
      expect((await get(granted, 'bytes=5-')).status).toBe(206);
      // That took the visitor's token: the allowance has none before its own five seconds.
      expect(await get(granted, 'bytes=6-')).toEqual({ status: 429, retryAfter: '1' });
    });
  });

  describe("when the caller's IP has spent its limit", () => {
    /** The bootstrap, the conversation, two uploads and the granting range, then this many more. */
    const IP_BURST = VISITOR_BURST + 3;
    const t = useTestApp({
      ipRate: { perSecond: 0.01, burst: IP_BURST },
      visitorRate: { perSecond: SLOW, burst: VISITOR_BURST },
      visitorRangeRate: { perSecond: FAST, burst: RANGES_BURST },
    });

    it("is refused with the IP's wait, though the visitor's ranges could still draw on the allowance or borrow", async () => {
      vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
      const { granted, other, get } = await visitorOutOfTokens(t);
      expect((await get(granted, 'bytes=1-')).status).toBe(206); // from the allowance
      expect((await get(other, 'bytes=0-')).status).toBe(206); // borrowed
      expect((await get(other, 'bytes=1-')).status).toBe(206); // from the allowance
      for (const range of ['bytes=2-', 'bytes=0-']) expect(await get(granted, range)).toEqual({ status: 429, retryAfter: '100' });
    });
  });
});
