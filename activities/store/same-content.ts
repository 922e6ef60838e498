/** Content comparison for idempotent retries: key order and `undefined` fields do not matter. */

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v)]));
  }
  return value;
}

/** A stable string for a JSON-like value (sorted keys), equal for equal content. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonical(value));
}

/** Whether two values hold the same content, ignoring the listed top-level fields. */
export function sameContent(a: object, b: object, ignore: readonly string[] = []): boolean {
  const strip = (v: object) => Object.fromEntries(Object.entries(v).filter(([k]) => !ignore.includes(k)));
  return canonicalJson(strip(a)) === canonicalJson(strip(b));
}
