/**
 * A JSON merge patch (RFC 7396) over a stored value: an object merges into the stored one field by
 * field, anything else (a list, a scalar) replaces what was there. A `null` is kept as given: which
 * fields may be taken off is the resource's to say, and its schema refuses the others by name.
 */
export function mergePatch(stored: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch) || !isPlainObject(stored)) return patch;
  // Built from entries: a `__proto__` field stays a field (the strict schema refuses it), not a prototype.
  const merged = new Map(Object.entries(stored));
  for (const [field, value] of Object.entries(patch)) merged.set(field, mergePatch(Object.hasOwn(stored, field) ? stored[field] : undefined, value));
  return Object.fromEntries(merged);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
