/**
 * The `blob:` URLs of the files a page shows, fetched once each: the timeline is drawn again on
 * every change, and each drawing asks for its images' sources. The newest few are kept; an older
 * one is let go (its URL revoked) and fetched again if drawn again. A failed fetch is not asked
 * again for a while, whatever the drawings do.
 */
import type { ApiClient } from './api-client';

/** Sources kept at most: a page showing more images than this fetches the oldest again when drawn. */
const KEPT = 100;
const FAILURE_MEMORY_MS = 30_000;

export class FileSources {
  /** Insertion order is use order: the first is the least recently used. */
  private readonly byUrl = new Map<string, Promise<string>>();

  constructor(private readonly api: Pick<ApiClient, 'fileObjectUrl'>) {}

  sourceOf(fileUrl: string): Promise<string> {
    const known = this.byUrl.get(fileUrl);
    if (known) {
      this.byUrl.delete(fileUrl);
      this.byUrl.set(fileUrl, known);
      return known;
    }
    const source = this.api.fileObjectUrl(fileUrl);
    this.byUrl.set(fileUrl, source);
    source.then(
      () => this.letGoBeyond(KEPT),
      () => setTimeout(() => this.byUrl.get(fileUrl) === source && this.byUrl.delete(fileUrl), FAILURE_MEMORY_MS),
    );
    return source;
  }

  private letGoBeyond(kept: number): void {
    for (const [url, source] of this.byUrl) {
      if (this.byUrl.size <= kept) return;
      this.byUrl.delete(url);
      source.then((objectUrl) => URL.revokeObjectURL(objectUrl), () => undefined);
    }
  }
}
