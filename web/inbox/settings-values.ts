/**
 * A settings form's values, and what saving them means when someone else may have changed the
 * same settings since the page drew them: a save refused for its `If-Match` (settings-form.ts)
 * compares three copies, as drawn, as edited, and as the server has them now.
 */

/** A form's fields by key (the field's path in the API's body, e.g. `escalation.handoffMessage`): a text, or a switch. */
export type FormValues = Readonly<Record<string, string | boolean>>;

export type SaveOutcome =
  | { kind: 'unchanged' }
  /** Fields the reader changed that someone else changed too, to something else: nothing is saved. */
  | { kind: 'conflict'; keys: string[] }
  /** The server's values now with the reader's changes over them, and the keys of those changes. */
  | { kind: 'save'; values: FormValues; changed: string[] };

/** The keys whose value differs between two copies of a form. */
export const changedKeys = (from: FormValues, to: FormValues): string[] => Object.keys(to).filter((key) => to[key] !== from[key]);

/**
 * What saving `edited` means, given the form as it was `drawn` and the server's values `now`: the
 * reader's changes go over the server's values (a field only someone else changed keeps theirs);
 * a field both changed, to different values, is a conflict, which the reader decides.
 */
export function saveOutcome(drawn: FormValues, edited: FormValues, now: FormValues): SaveOutcome {
  const changed = changedKeys(drawn, edited);
  if (changed.length === 0) return { kind: 'unchanged' };
  const conflicts = changed.filter((key) => now[key] !== drawn[key] && now[key] !== edited[key]);
  if (conflicts.length > 0) return { kind: 'conflict', keys: conflicts };
  return { kind: 'save', values: { ...now, ...Object.fromEntries(changed.map((key) => [key, edited[key] as string | boolean])) }, changed };
}

/** A refused field as the API's error names it: `{path, message}`, the path starting `body.`. */
export interface FieldRefusal {
  path: string;
  message: string;
}

/**
 * Where each message goes: to the slot (a field, or a group of them, by its path) whose path is the
 * longest that is the message's path or a part of it before a dot (`body.welcomeMessages.2` goes to
 * `welcomeMessages`); a message no slot takes (a field the page does not show) is `unplaced`.
 */
export function placeMessages(refusals: readonly FieldRefusal[], slots: readonly string[]): { bySlot: Map<string, string[]>; unplaced: string[] } {
  const bySlot = new Map<string, string[]>();
  const unplaced: string[] = [];
  for (const { path, message } of refusals) {
    const field = path.replace(/^body\.?/, '');
    const slot = slotOf(field, slots);
    if (slot === undefined) unplaced.push(field === '' ? message : `${field}: ${message}`);
    else bySlot.set(slot, [...(bySlot.get(slot) ?? []), message]);
  }
  return { bySlot, unplaced };
}

/** The slot a field's path belongs to: the longest slot path that is it or a part of it before a dot. */
export const slotOf = (path: string, slots: readonly string[]): string | undefined =>
  slots.filter((slot) => path === slot || path.startsWith(`${slot}.`)).sort((a, b) => b.length - a.length)[0];

/** The refused fields an API error's `details.fields` lists, if it lists any. */
export function refusedFields(details: unknown): FieldRefusal[] {
  const fields = (details as { fields?: unknown } | undefined)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.filter((field): field is FieldRefusal => typeof field?.path === 'string' && typeof field?.message === 'string');
}
