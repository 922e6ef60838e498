/**
 * Entity tags (RFC 9110 §8.8.3) of downloads and of stored settings, and the `If-None-Match` and
 * `If-Match` headers that name them.
 */
import type { FileInfo } from '../activities/store';
import { invalidField } from './http-errors';

/**
 * A strong entity tag for a stored file's download. Everything the download answers (the bytes,
 * the type, the name) is written once, with the files document, when the upload ends, and no
 * route changes it after; so every instance, before and after restarts, gives a file the same
 * tag. The id alone names the file for good (random, never given again); its size and upload time
 * are in the tag too, so that only the very document it was made from matches it.
 */
export const fileETag = (file: Pick<FileInfo, 'id' | 'size' | 'uploadedAt'>): string => `"${file.id}-${file.size}-${Date.parse(file.uploadedAt)}"`;

/**
 * A strong entity tag for a stored setting's representation: its revision, which every write of it
 * counts up in the same update (activities/store/settings.ts), so every instance gives the same
 * tag, and a write that changes no field still gives a new one (it was a write: a colleague's
 * form drawn before it is older than the store). 0: never stored, the defaults.
 */
export const revisionETag = (revision: number): string => `"${revision}"`;

const ENTITY_TAG = /(W\/)?("[^"]*")/g;

/** The entity tags a header lists (opaque part with its quotes), each with whether it is weak. */
const listedTags = (header: string): Array<{ weak: boolean; opaque: string }> => [...header.matchAll(ENTITY_TAG)].map(([, weak, opaque]) => ({ weak: weak !== undefined, opaque: opaque! }));

/**
 * Whether `If-None-Match` names `etag` (weakly, as §13.1.2 compares) or is `*`: the client holds
 * this representation, and a `304` is the answer. Express's `req.fresh` is not used: it takes a
 * request's `Cache-Control: no-cache` for a reload and answers in full, and `fetch` sends that
 * with every conditional request a client makes itself.
 */
export function matchesNoneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return listedTags(ifNoneMatch).some(({ opaque }) => opaque === etag);
}

const REVISION_TAG = /^"(0|[1-9]\d{0,14})"$/;

/** An entity tag (§8.8.3): an optional `W/`, then quoted visible characters other than `"`. */
const ONE_TAG = '(?:W/)?"[\\x21\\x23-\\x7E\\x80-\\xFF]*"';
/** `If-Match`'s list (§5.6.1): tags separated by commas, empty elements and spaces around them allowed, and so is a list of none. */
const TAG_LIST = new RegExp(`^[\\s,]*(?:${ONE_TAG}(?:[ \\t]*,[\\s,]*${ONE_TAG})*)?[\\s,]*$`);

/**
 * The revisions an `If-Match` (§13.1.1) names: the strong tags that are revisionETag's (compared
 * strongly, a weak tag names none); an empty list, no revision matches. Undefined, the write holds to
 * none: for `*`, which every setting matches (one never stored still has its defaults), and without
 * the header (unconditional, as writes were before settings had ETags).
 */
export function revisionsNamed(ifMatch: string | undefined): number[] | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '*') return undefined;
  // Read as a list of none, such a header would refuse every write as someone else's (a `412`).
  if (!TAG_LIST.test(ifMatch)) throw invalidField('headers.if-match', 'expected * or entity tags as the ETag header gives them, such as "3"');
  return listedTags(ifMatch).flatMap(({ weak, opaque }) => {
    const revision = weak ? undefined : REVISION_TAG.exec(opaque)?.[1];
    return revision === undefined ? [] : [Number(revision)];
  });
}
