/** Building blocks shared by the request schemas. */
import { z } from 'zod';
import { displayName, label, readableText } from '../../domain/label-schema';
import { codePointLength } from '../../domain/message-text';
import { MAX_TAG_LENGTH } from '../../domain/operation-schema';
import { MAX_NAME_LENGTH } from '../../domain/people';
import { MAX_SEARCH_LENGTH } from '../../domain/search-text';
import { isDecodable, isUndecodable } from '../percent-decoding';

/** `.` and `..` are path steps to a URL: `/v1/conversations/..` is `/v1`, so no route could reach such an id. */
const notPathStep = <T extends z.ZodString>(id: T) => id.refine((value) => value !== '.' && value !== '..', 'a path step (. or ..) is not an id');

/** Client-chosen conversation ids: URL- and log-safe. */
export const clientId = notPathStep(z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/, 'expected 1-128 of A-Z a-z 0-9 _ . : -'));
/**
 * Client-chosen item ids: as conversation ids, without `:`. Ids of items the server writes itself
 * (a workflow's events, an assistant's replies) hold `:`, so no client can take one first and
 * leave the workflow unable to write it.
 */
export const clientItemId = notPathStep(z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'expected 1-128 of A-Z a-z 0-9 _ . - (":" is kept for ids the server gives)'));
export const entityId = z.string().min(1).max(128);
/** A timeline item's `seq` as a client names it (the newest item it shows, say): a whole number from 1. */
export const itemSeq = z.number().int().positive();

export const shortText = z.string().trim().min(1).max(200);
/** A person's name, as people read it in timelines and lists: a team member's, a contact's. */
export const personName = displayName(z.string().trim().min(1).max(MAX_NAME_LENGTH));
/**
 * A tag named as it may be stored, to remove it: tags added before they were one line and composed
 * (a tab in one, `u` and a combining mark) can still be taken off, named exactly as listed.
 */
export const storedTag = readableText(z.string().trim().min(1).max(MAX_TAG_LENGTH));
/** A tag to filter by: as stored, composed as new tags are (a tag typed decomposed finds them). */
export const tagFilter = storedTag.transform((value) => value.normalize('NFC'));
export const title = label(shortText);

/** Search text (`q`): taken literally, 1 to 200 characters once trimmed, composed as stored text is. */
export const searchText = readableText(z.string().trim().min(1, 'give 1 to 200 characters'))
  .refine((text) => codePointLength(text) <= MAX_SEARCH_LENGTH, `at most ${MAX_SEARCH_LENGTH} characters`)
  .transform((text) => text.normalize('NFC'));

/**
 * Query numbers arrive as strings: decimal digits only (no `0x10`, no empty value taken as 0),
 * given once (`?limit=5&limit=6` is refused by `queryObject`, not read as NaN).
 */
export const queryInt = (min: number, max: number) =>
  z
    .string({ error: 'expected a whole number' })
    .regex(/^-?\d{1,16}$/, 'expected a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/**
 * A query time, ISO 8601 with `Z` or an offset, as the store keeps times (UTC to the millisecond),
 * which compare in time order as strings.
 */
export const queryTime = z.iso
  .datetime({ offset: true, error: 'expected an ISO 8601 time with Z or an offset, as 2026-01-31T09:00:00Z' })
  .transform((value, ctx) => {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return new Date(time).toISOString();
    ctx.addIssue({ code: 'custom', message: 'no such time' });
    return z.NEVER;
  });

/** Refuses a part of the URL that is not percent-encoded UTF-8, naming it: a path parameter or a query parameter. */
const refuseUndecodable = (ctx: z.RefinementCtx, name: string, input: unknown): void =>
  ctx.addIssue({ code: 'custom', path: [name], message: 'not percent-encoded UTF-8', input });

/** Query keys written for a parser that reads brackets (`priority[]`, `status[$ne]`), which this server's does not. */
const BRACKETED_KEY = /[[\]]/;

/** What some HTTP clients add to every GET to defeat caches (`_=<time>`): it asks for nothing, so even a strict query takes it. */
const CACHE_BUSTER = '_';

/**
 * A query's parameters. Bracketed keys are refused: read as nothing, `?priority[]=low` would answer
 * as if unfiltered, so each is a `400` naming it; and so is a parameter that is not percent-encoded
 * UTF-8 (see `parseQuery`), which would be read as what the client never wrote. Other parameters
 * are ignored, unless `strict`: then each is a `400` naming it too (`updated_since` for a filter the
 * route does not have would otherwise answer the whole list, the mistake unseen), but the cache-buster.
 */
export const queryObject = <S extends z.ZodRawShape>(shape: S, { strict = false, repeats = false }: { strict?: boolean; repeats?: boolean } = {}) =>
  z.preprocess((query, ctx) => {
    if (!query || typeof query !== 'object') return query;
    const single: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(query)) {
      if (BRACKETED_KEY.test(key)) ctx.addIssue({ code: 'custom', path: [key], message: 'not a parameter: give one plain value, as priority=low', input: query });
      else if ([value].flat().some(isUndecodable)) refuseUndecodable(ctx, key, value);
      else if (strict && key !== CACHE_BUSTER && !Object.hasOwn(shape, key)) ctx.addIssue({ code: 'custom', path: [key], message: 'unknown parameter', input: query });
      // No parameter takes several values: said as such, rather than the value's own schema refusing a list.
      else if (Array.isArray(value) && !repeats) ctx.addIssue({ code: 'custom', path: [key], message: `given ${value.length} times: give ${key} once`, input: query });
      else single[key] = value;
    }
    return single;
  }, z.object(shape));

/** The query of a route that lists or reads: a parameter it does not take is a `400` naming it. */
export const strictQuery = <S extends z.ZodRawShape>(shape: S) => queryObject(shape, { strict: true });

/** A query whose parameters are read by name elsewhere (a download's credentials), checked for what `queryObject` refuses. */
export const anyQuery = queryObject({});

/** What every route's query is checked for, whatever it reads: no bracketed key, nothing undecodable (a parameter it does not read may repeat). */
export const anyRouteQuery = queryObject({}, { repeats: true });

/**
 * A route's path parameters. One that was not percent-encoded UTF-8 reaches the route as sent
 * (`escapeUndecodablePath`), and is refused here, naming it.
 */
export const pathParams = <S extends z.ZodType>(schema: S) =>
  z.preprocess((params, ctx) => {
    for (const [key, value] of Object.entries(params as Record<string, string>)) {
      if (!isDecodable(value)) refuseUndecodable(ctx, key, value);
    }
    return params;
  }, schema);

export const pageQuery = {
  limit: queryInt(1, 100).default(20),
  cursor: z.string().min(1).max(512).optional(),
};

/** `Idempotency-Key` (optional): the client's name for one change, kept across its retries. */
export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, { error: '1 to 255 visible ASCII characters' })
    .optional(),
});
