/**
 * Entity tags of downloads (RFC 9110 §8.8.3) and the `If-None-Match` that revalidates with them.
 */
import type { FileInfo } from '../activities/store';

/**
 * A strong entity tag for a stored file's download. Everything the download answers (the bytes,
 * the type, the name) is written once, with the files document, when the upload ends, and no
 * route changes it after; so every instance, before and after restarts, gives a file the same
 * tag. The id alone names the file for good (random, never given again); its size and upload time
 * are in the tag too, so that only the very document it was made from matches it.
 */
export const fileETag = (file: Pick<FileInfo, 'id' | 'size' | 'uploadedAt'>): string => `"${file.id}-${file.size}-${Date.parse(file.uploadedAt)}"`;

const ENTITY_TAG = /(?:W\/)?("[^"]*")/g;

/**
 * Whether `If-None-Match` names `etag` (weakly, as §13.1.2 compares) or is `*`: the client holds
 * this representation, and a `304` is the answer. Express's `req.fresh` is not used: it takes a
 * request's `Cache-Control: no-cache` for a reload and answers in full, and `fetch` sends that
 * with every conditional request a client makes itself.
 */
export function matchesNoneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return [...ifNoneMatch.matchAll(ENTITY_TAG)].some(([, opaque]) => opaque === etag);
}
