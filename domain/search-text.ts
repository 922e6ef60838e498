/**
 * The inbox's search text as a regular expression: the text taken literally (no character of it is
 * pattern syntax), case-insensitively (with the `i` flag) and accents loosely ("cafe" finds "café",
 * "café" finds "cafe"). The source is one MongoDB's regex engine (PCRE) and JavaScript's read the
 * same way, so the store's query and the inbox's own check of live changes agree.
 */

/** Longest search text, in code points after trimming. */
export const MAX_SEARCH_LENGTH = 200;

/** Combining accents (U+0300–U+036F), which text stored decomposed carries after its letter. */
const ACCENTS = '\u0300-\u036f';
const ACCENTED_LETTER = new RegExp(`^([a-z])[${ACCENTS}]+$`, 'i');
/** What is pattern syntax in either engine, escaped with a backslash (literal in both). */
const SYNTAX = /[\\^$.*+?()[\]{}|]/g;

/** Latin letters with accents, as composed text has them: `e` → `éèêëēĕėęě…` (lower case: the `i` flag takes the others). */
const ACCENTED_FORMS: ReadonlyMap<string, string> = (() => {
  const forms = new Map<string, string>();
  const ranges: Array<[number, number]> = [
    [0x00c0, 0x024f], // Latin-1 Supplement letters and Latin Extended-A and -B
    [0x1e00, 0x1eff], // Latin Extended Additional (Vietnamese among others)
  ];
  for (const [from, to] of ranges) {
    for (let code = from; code <= to; code++) {
      const letter = String.fromCodePoint(code);
      const base = ACCENTED_LETTER.exec(letter.normalize('NFD'))?.[1];
      if (base && letter === letter.toLowerCase()) forms.set(base.toLowerCase(), (forms.get(base.toLowerCase()) ?? '') + letter);
    }
  }
  return forms;
})();

/** One character of the search text as a pattern: a Latin letter, accented or not, as any of its forms, accents after it or not. */
function characterPattern(character: string): string {
  const base = /^[a-z]$/i.test(character) ? character : ACCENTED_LETTER.exec(character.normalize('NFD'))?.[1];
  if (base === undefined) return character.replace(SYNTAX, '\\$&');
  const forms = ACCENTED_FORMS.get(base.toLowerCase()) ?? '';
  return `[${base.toLowerCase()}${forms}][${ACCENTS}]*`;
}

/** The pattern that finds `text` (trimmed and composed, as the server takes it) in stored text; use it with the `i` flag. */
export const searchPattern = (text: string): string => Array.from(text, characterPattern).join('');

/** Whether a stored text holds the search text (as the store's query finds it). */
export function searchMatcher(text: string): (stored: string | undefined) => boolean {
  const pattern = new RegExp(searchPattern(text), 'i');
  return (stored) => stored !== undefined && pattern.test(stored);
}
