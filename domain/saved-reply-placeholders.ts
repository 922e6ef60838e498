/**
 * Placeholders in a saved reply's text, filled in the inbox's composer as the reply is inserted:
 * `Hi {{visitor.firstName}},` becomes `Hi Ada,` in Ada's conversation. After a `|` comes what to
 * write when the value is not known (`{{visitor.firstName | there}}`, an anonymous visitor); a
 * placeholder with neither stays as written, for the agent to replace before sending. Only names
 * under `visitor.` and `agent.` are placeholders: any other `{{…}}` (a Handlebars or Liquid
 * example a team sends its customers) is text, left alone. A name under those that is none of
 * `PLACEHOLDER_NAMES` is refused when a reply is saved, so a typo is caught then, not sent.
 */
import type { ContactSummary } from './people';

export const PLACEHOLDER_NAMES = ['visitor.name', 'visitor.firstName', 'visitor.email', 'agent.name', 'agent.firstName'] as const;
export type PlaceholderName = (typeof PLACEHOLDER_NAMES)[number];
export type PlaceholderValues = Partial<Record<PlaceholderName, string>>;

/**
 * `{{name}}` or `{{name|fallback}}`, the parts trimmed in code: spaces matched inside the
 * pattern, beside a lazy part, would let a long run of them take cubic time to refuse.
 */
const BRACED = /\{\{([^{}|]*)(?:\|([^{}]*))?\}\}/g;
/** What makes braced text a placeholder: the namespaces the inbox fills. */
const PLACEHOLDER_NAMESPACE = /^(?:visitor|agent)\./;

const isPlaceholderName = (name: string): name is PlaceholderName => (PLACEHOLDER_NAMES as readonly string[]).includes(name);

/** Each `{{…}}` in `text` whose name is in a placeholder namespace, where it stands and its parts trimmed. */
function* placeholdersIn(text: string): Generator<{ start: number; end: number; name: string; fallback?: string }> {
  for (const match of text.matchAll(BRACED)) {
    const name = match[1]!.trim();
    if (!PLACEHOLDER_NAMESPACE.test(name)) continue;
    yield { start: match.index, end: match.index + match[0].length, name, ...(match[2] === undefined ? {} : { fallback: match[2].trim() }) };
  }
}

/** The placeholder names in `text` that are none of `PLACEHOLDER_NAMES`, each once. */
export function unknownPlaceholders(text: string): string[] {
  return [...new Set([...placeholdersIn(text)].map(({ name }) => name).filter((name) => !isPlaceholderName(name)))];
}

/**
 * `text` with each placeholder replaced by its value, or its fallback; one with neither stays as
 * written (`unfilledIn` finds it), as does one of a name unknown (a reply saved before names were checked).
 */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  let filled = '';
  let from = 0;
  for (const { start, end, name, fallback } of placeholdersIn(text)) {
    filled += text.slice(from, start) + ((isPlaceholderName(name) ? (values[name] ?? fallback) : undefined) ?? text.slice(start, end));
    from = end;
  }
  return filled + text.slice(from);
}

/** Where a placeholder stands in text. */
export interface PlaceholderSpan {
  start: number;
  end: number;
}

/** The known placeholders `text` holds, unfilled: sent as they are, a visitor would read `{{visitor.email}}`. */
export function unfilledIn(text: string): PlaceholderSpan[] {
  return [...placeholdersIn(text)].filter(({ name }) => isPlaceholderName(name)).map(({ start, end }) => ({ start, end }));
}

/** A name's first word: what `firstName` holds (a name of one word is its own first name). */
const firstWord = (name: string): string | undefined => name.trim().split(/\s+/)[0] || undefined;

/** What the placeholders stand for in a conversation: its contact (none for an anonymous visitor) and the agent writing. */
export function placeholderValues(contact: Pick<ContactSummary, 'name' | 'email'> | undefined, agentName: string | undefined): PlaceholderValues {
  const entries: Array<[PlaceholderName, string | undefined]> = [
    ['visitor.name', contact?.name?.trim() || undefined],
    ['visitor.firstName', contact?.name === undefined ? undefined : firstWord(contact.name)],
    ['visitor.email', contact?.email || undefined],
    ['agent.name', agentName?.trim() || undefined],
    ['agent.firstName', agentName === undefined ? undefined : firstWord(agentName)],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}
