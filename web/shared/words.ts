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

/** What people wrote, one after another with `separator` between ("Sarah, Sam"). */
export const writtenList = (texts: readonly string[], separator: string): Words =>
  texts.flatMap((text, i): Array<string | Written> => (i === 0 ? [{ written: text }] : [separator, { written: text }]));
