/**
 * The `blob:` URLs of the files a page shows, fetched once each: the timeline is drawn again on
 * every change, and each drawing asks for its files' sources.
 */
import type { ApiClient } from './api-client';

export class FileSources {
  private readonly byUrl = new Map<string, Promise<string>>();

  constructor(private readonly api: Pick<ApiClient, 'fileObjectUrl'>) {}

  /** The file's source; a failed fetch is forgotten, so a later drawing tries again. */
  sourceOf(fileUrl: string): Promise<string> {
    let source = this.byUrl.get(fileUrl);
    if (!source) {
      source = this.api.fileObjectUrl(fileUrl);
      this.byUrl.set(fileUrl, source);
      source.catch(() => this.byUrl.delete(fileUrl));
    }
    return source;
  }
}
