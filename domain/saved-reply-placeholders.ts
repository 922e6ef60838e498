/**
 * Placeholders in a saved reply's text, filled in the inbox's composer as the reply is inserted:
 * `Hi {{visitor.firstName}},` becomes `Hi Ada,` in Ada's conversation. After a `|` comes what to
 * write when the value is not known (`{{visitor.firstName | there}}`, an anonymous visitor); a
 * placeholder with neither stays as written, for the agent to replace before sending. The names
 * are checked when a reply is saved, so a mistyped one is refused then, not shown to a visitor.
 */
import type { ContactSummary } from './people';

export const PLACEHOLDER_NAMES = ['visitor.name', 'visitor.firstName', 'visitor.email', 'agent.name', 'agent.firstName'] as const;
export type PlaceholderName = (typeof PLACEHOLDER_NAMES)[number];
export type PlaceholderValues = Partial<Record<PlaceholderName, string>>;

/** `{{ name }}` or `{{ name | fallback }}`; spaces around either part are not part of it. */
const PLACEHOLDER = /\{\{\s*([^{}|]*?)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g;

const isPlaceholderName = (name: string): name is PlaceholderName => (PLACEHOLDER_NAMES as readonly string[]).includes(name);

/** The placeholder names in `text` that are none of `PLACEHOLDER_NAMES`, each once. */
export function unknownPlaceholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]!).filter((name) => !isPlaceholderName(name)))];
}

/** A placeholder left in the filled text: where it stands, to select for the agent. */
export interface UnfilledPlaceholder {
  start: number;
  end: number;
}

/** `text` with each placeholder replaced by its value, or its fallback; those with neither stay, and are listed. */
export function fillPlaceholders(text: string, values: PlaceholderValues): { text: string; unfilled: UnfilledPlaceholder[] } {
  const unfilled: UnfilledPlaceholder[] = [];
  let filled = '';
  let from = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const [whole, name, fallback] = match;
    filled += text.slice(from, match.index);
    from = match.index + whole.length;
    const value = isPlaceholderName(name!) ? values[name] : undefined;
    if (value !== undefined) filled += value;
    else if (fallback !== undefined) filled += fallback;
    else {
      unfilled.push({ start: filled.length, end: filled.length + whole.length });
      filled += whole;
    }
  }
  return { text: filled + text.slice(from), unfilled };
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
