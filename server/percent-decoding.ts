/**
 * Parts of a URL as the client wrote them: percent-encoded UTF-8, or not (`%ff`, `%E0%A4%A`, `%ZZ`,
 * an encoded lone surrogate `%ED%A0%80`). The router and node's querystring decode what is not
 * leniently, or fail without naming the part; here such a part is kept apart, for the route's
 * schema to refuse naming it: a path parameter by `escapeUndecodablePath`, a query parameter by
 * `parseQuery`.
 */

/** The text a URL component stands for, or undefined where it is not percent-encoded UTF-8. */
export function decodedComponent(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

export const isDecodable = (text: string): boolean => decodedComponent(text) !== undefined;

/** A query parameter whose name or value is not percent-encoded UTF-8, as sent (`name=value`). */
export class UndecodableParameter {
  constructor(readonly sent: string) {}
}

export const isUndecodable = (value: unknown): value is UndecodableParameter => value instanceof UndecodableParameter;

type QueryValue = string | UndecodableParameter;
export type ParsedQuery = Record<string, QueryValue | QueryValue[]>;

/** Pairs read of a query, as node's querystring reads by default (its `maxKeys`). */
const MAX_PAIRS = 1_000;

/** A query's name or value: `+` is a space, as forms write it. */
const decodedQueryPart = (text: string): string | undefined => decodedComponent(text.replaceAll('+', ' '));

/**
 * The app's `query parser`, read as Express's default (node's querystring) reads it: `&`-separated
 * pairs, a name without `=` has the empty value, a repeated name gives an array in order, and no
 * name reaches an object's prototype. But querystring decodes a pair that is not percent-encoded
 * UTF-8 into U+FFFD (`?filename=a%ED%A0%80.txt` stored `a���.txt`, `?tag=%E0%A4%A` filtered by a
 * tag nobody wrote) or keeps `%ZZ` as if sent `%25ZZ`. Here such a pair is an
 * `UndecodableParameter` under its name (as sent, if the name is what does not decode), which
 * `queryObject` refuses.
 */
export function parseQuery(text: string | null | undefined): ParsedQuery {
  const query: ParsedQuery = Object.create(null) as ParsedQuery;
  // querystring's maxKeys: the pairs after the first thousand are not read (a long URL of `a&a&…` costs no more).
  for (const pair of (text ?? '').split('&', MAX_PAIRS)) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const [sentName, sentValue] = at === -1 ? [pair, ''] : [pair.slice(0, at), pair.slice(at + 1)];
    const name = decodedQueryPart(sentName);
    const value = decodedQueryPart(sentValue);
    const entry = name === undefined || value === undefined ? new UndecodableParameter(pair) : value;
    const key = name ?? sentName;
    const before = query[key];
    if (before === undefined) query[key] = entry;
    else if (Array.isArray(before)) before.push(entry);
    else query[key] = [before, entry];
  }
  return query;
}
