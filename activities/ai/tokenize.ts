/** Words for lexical matching: lowercase, no stop words, crude English suffix folding ("refunds" → "refund"). */

const STOP_WORDS = new Set(
  'a an and are as at be but by can could do does did for from have has had how i if in into is it its me my of on or our so that the their them then there these this to was we were what when where which who why will with would you your please hi hello thanks thank get got want need'.split(' '),
);

function fold(word: string): string {
  if (word.length > 5 && word.endsWith('ing')) return word.slice(0, -3);
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && word.endsWith('ed')) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

export function tokenize(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word))
    .map(fold);
}
