/**
 * A line the pages show, as their own words with what people wrote among them (a name, a tag, a
 * title) kept apart: shown, each thing written reads in its own direction (written.ts).
 */

/** What a person wrote, set apart from the page's own words around it. */
export interface Written {
  written: string;
}

export type Words = ReadonlyArray<string | Written>;

/** The line as plain text (a notification, a search, a test). */
export const wordsText = (words: Words): string => words.map((word) => (typeof word === 'string' ? word : word.written)).join('');

/** What people wrote, one after another with `separator` between, `last` before the last ("Sarah, Sam and Kim"). */
export const writtenList = (texts: readonly string[], separator: string, last = separator): Words =>
  texts.flatMap((text, i): Array<string | Written> => (i === 0 ? [{ written: text }] : [i === texts.length - 1 ? last : separator, { written: text }]));
