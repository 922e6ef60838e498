/**
 * The `blob:` URLs of the files a page shows, fetched once each: the timeline is drawn again on
 * every change, and each drawing asks for its images' sources. The newest few are kept; an older
 * one is let go (its URL revoked) and fetched again if drawn again. A fetch refused for the rate
 * (a page drawing more images at once than the visitor's burst) waits as long as the server says
 * and tries again, a few times; any other failure is not asked again for a while, whatever the
 * drawings do, unless asked `again` (the reader asked to retry, the connection came back).
 */
import { ApiError, type ApiClient } from './api-client';

/** Sources kept at most: a page showing more images than this fetches the oldest again when drawn. */
const KEPT = 100;
const FAILURE_MEMORY_MS = 30_000;
/** Tries again after a `429`, each after the server's `retryAfterSeconds` and up to half of it again. */
const RATE_LIMITED_RETRIES = 3;

/** How long a `429` says to wait, or undefined for any other failure. */
function retryAfterMs(failure: unknown): number | undefined {
  if (!(failure instanceof ApiError) || failure.status !== 429) return undefined;
  const seconds = (failure.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  return (typeof seconds === 'number' && seconds > 0 ? seconds : 1) * 1_000;
}

export class FileSources {
  /** Insertion order is use order: the first is the least recently used. */
  private readonly byUrl = new Map<string, Promise<string>>();
  private readonly failed = new WeakSet<Promise<string>>();

  constructor(private readonly api: Pick<ApiClient, 'fileObjectUrl'>) {}

  /** The file's `blob:` URL; `again` fetches anew one whose fetch failed (one that did not is kept). */
  sourceOf(fileUrl: string, again = false): Promise<string> {
    const known = this.byUrl.get(fileUrl);
    this.byUrl.delete(fileUrl);
    if (known && !(again && this.failed.has(known))) {
      this.byUrl.set(fileUrl, known);
      return known;
    }
    const source = this.fetchPatiently(fileUrl, RATE_LIMITED_RETRIES);
    this.byUrl.set(fileUrl, source);
    source.then(
      () => this.letGoBeyond(KEPT),
      () => {
        this.failed.add(source);
        setTimeout(() => this.byUrl.get(fileUrl) === source && this.byUrl.delete(fileUrl), FAILURE_MEMORY_MS);
      },
    );
    return source;
  }

  private async fetchPatiently(fileUrl: string, retries: number): Promise<string> {
    try {
      return await this.api.fileObjectUrl(fileUrl);
    } catch (failure) {
      const wait = retryAfterMs(failure);
      if (wait === undefined || retries === 0) throw failure;
      // Spread out: the images refused together should not all come back at the same moment.
      await new Promise((resolve) => setTimeout(resolve, wait * (1 + Math.random() / 2)));
      return this.fetchPatiently(fileUrl, retries - 1);
    }
  }

  private letGoBeyond(kept: number): void {
    for (const [url, source] of this.byUrl) {
      if (this.byUrl.size <= kept) return;
      this.byUrl.delete(url);
      source.then((objectUrl) => URL.revokeObjectURL(objectUrl), () => undefined);
    }
  }
}
