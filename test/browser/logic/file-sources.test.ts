import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../web/shared/api-client';
import { FileSources } from '../../../web/shared/file-sources';

/** An API whose file fetches are counted, answering `blob:<url>`, or failing for `fail` urls. */
function countingApi(fail: Set<string> = new Set()) {
  const fetched: string[] = [];
  return {
    fetched,
    api: {
      fileObjectUrl: async (url: string) => {
        fetched.push(url);
        if (fail.has(url)) throw new Error('404');
        return `blob:${url}`;
      },
    },
  };
}

describe('FileSources', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('fetches a file once however often it is drawn', async () => {
    const { api, fetched } = countingApi();
    const sources = new FileSources(api);
    expect(await Promise.all([sources.sourceOf('/v1/files/a'), sources.sourceOf('/v1/files/a')])).toEqual(['blob:/v1/files/a', 'blob:/v1/files/a']);
    await sources.sourceOf('/v1/files/a');
    expect(fetched).toEqual(['/v1/files/a']);
  });

  it('lets the least recently drawn go past a hundred, revoking its URL, and fetches it again when drawn again', async () => {
    const revoked = vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => undefined);
    const { api, fetched } = countingApi();
    const sources = new FileSources(api);
    await sources.sourceOf('/v1/files/0');
    for (let i = 1; i <= 100; i++) await sources.sourceOf(`/v1/files/${i}`);
    await vi.waitFor(() => expect(revoked).toHaveBeenCalledWith('blob:/v1/files/0'));
    await sources.sourceOf('/v1/files/0');
    expect(fetched.filter((url) => url === '/v1/files/0')).toHaveLength(2);
  });

  it('waits as long as a 429 says and tries again, a few times, before it fails', async () => {
    vi.useFakeTimers();
    const fetched: string[] = [];
    let refusals = 2;
    const api = {
      fileObjectUrl: async (url: string) => {
        fetched.push(url);
        if (url.endsWith('busy') || refusals-- > 0) throw new ApiError(429, 'ERR_RATE_LIMITED', 'Too many requests', { retryAfterSeconds: 2 });
        return `blob:${url}`;
      },
    };
    const sources = new FileSources(api);
    const source = sources.sourceOf('/v1/files/a');
    await vi.advanceTimersByTimeAsync(1_999);
    expect(fetched).toHaveLength(1);
    // Each wait is 2 s and up to 1 s more.
    await vi.advanceTimersByTimeAsync(4_002);
    expect(await source).toBe('blob:/v1/files/a');
    expect(fetched).toHaveLength(3);

    const busy = sources.sourceOf('/v1/files/busy');
    busy.catch(() => undefined);
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(busy).rejects.toThrow('Too many requests');
    expect(fetched.filter((url) => url.endsWith('busy'))).toHaveLength(4);
  });

  it('does not ask again for a file that failed until a while has passed', async () => {
    vi.useFakeTimers();
    const { api, fetched } = countingApi(new Set(['/v1/files/gone']));
    const sources = new FileSources(api);
    await expect(sources.sourceOf('/v1/files/gone')).rejects.toThrow('404');
    await expect(sources.sourceOf('/v1/files/gone')).rejects.toThrow('404');
    expect(fetched).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_000);
    await expect(sources.sourceOf('/v1/files/gone')).rejects.toThrow('404');
    expect(fetched).toHaveLength(2);
  });

  it('fetches a file that failed again when asked again, and keeps one that did not', async () => {
    const fail = new Set(['/v1/files/flaky']);
    const { api, fetched } = countingApi(fail);
    const sources = new FileSources(api);
    await expect(sources.sourceOf('/v1/files/flaky')).rejects.toThrow('404');
    await sources.sourceOf('/v1/files/fine');
    fail.clear();
    expect(await sources.sourceOf('/v1/files/flaky', true)).toBe('blob:/v1/files/flaky');
    expect(await sources.sourceOf('/v1/files/fine', true)).toBe('blob:/v1/files/fine');
    expect(fetched).toEqual(['/v1/files/flaky', '/v1/files/fine', '/v1/files/flaky']);
  });
});
