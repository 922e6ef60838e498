/**
 * A website setting's routes as HTTP's conditional requests have them (RFC 9110 §13): a read
 * answers the setting with its revision as a strong `ETag`, and a write answers the revision it
 * stored; the write's `If-Match` goes to the store as the revisions it may replace (entity-tags.ts).
 */
import type { Request, Response } from 'express';
import type { Store } from '../activities/store';
import { revisionETag, revisionsNamed } from './entity-tags';

/** A setting as its route answers it (`view` fills in defaults), with the revision of that very document (0: never stored). */
export async function readRevised<T, V>(store: Pick<Store, 'getSettingRecord'>, websiteId: string, key: string, view: (stored: T | undefined) => V): Promise<{ value: V; revision: number }> {
  const stored = await store.getSettingRecord<T>(websiteId, key);
  return { value: view(stored?.value), revision: stored?.revision ?? 0 };
}

/** Sets the answer's `ETag` to the revision's. */
export function tagged(res: Response, revision: number): Response {
  return res.setHeader('ETag', revisionETag(revision));
}

/** The revisions a write's `If-Match` holds it to, for `putSetting`'s `ifRevision` (undefined: none, an unconditional write). */
export const heldRevisions = (req: Request): number[] | undefined => revisionsNamed(req.get('If-Match'));
