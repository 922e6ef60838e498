/**
 * A download's conditional requests (RFC 9110 §13): whether the client's copy is current
 * (`If-None-Match`, else `If-Modified-Since`: a `304`), and whether the range it asks for belongs
 * to the copy it has (`If-Range`). Files never change once uploaded, so both validators are strong:
 * the ETag, and the upload time to the second (§8.8.2.2: the file cannot have changed twice, nor
 * once, within that second).
 */
import type { FileInfo } from '../activities/store';
import { fileETag, matchesNoneMatch } from './entity-tags';
import { parseHttpDate, toWholeSecond } from './http-dates';

export interface Validators {
  etag: string;
  /** When the representation last changed, in whole seconds (ms since the epoch), as `Last-Modified` says it. */
  lastModified: number;
}

export const fileValidators = (file: Pick<FileInfo, 'id' | 'size' | 'uploadedAt'>): Validators => ({
  etag: fileETag(file),
  lastModified: toWholeSecond(Date.parse(file.uploadedAt)),
});

/**
 * Whether a GET or HEAD is answered `304` (§13.2.2, steps 3 and 4): `If-None-Match` naming the
 * ETag (or `*`); only without it, `If-Modified-Since` no earlier than the last change. An
 * `If-Modified-Since` that is not one HTTP-date is ignored (§13.1.3).
 */
export function isNotModified(headers: { ifNoneMatch?: string; ifModifiedSince?: string }, validators: Validators): boolean {
  if (headers.ifNoneMatch !== undefined) return matchesNoneMatch(headers.ifNoneMatch, validators.etag);
  const since = headers.ifModifiedSince === undefined ? undefined : parseHttpDate(headers.ifModifiedSince.trim());
  return since !== undefined && validators.lastModified <= since;
}

const ENTITY_TAG = /^(?:W\/)?"/;

/**
 * Whether `If-Range` (§13.1.5) lets a range be served: absent, or naming this very representation,
 * by its ETag (compared strongly: a weak tag never does) or by exactly its `Last-Modified` date.
 * Anything else says the client's copy may be another, and it needs the whole file.
 */
export function ifRangeHolds(ifRange: string | undefined, validators: Validators): boolean {
  if (ifRange === undefined) return true;
  const value = ifRange.trim();
  if (ENTITY_TAG.test(value)) return value === validators.etag;
  return parseHttpDate(value) === validators.lastModified;
}
