/**
 * What a message's text may be, checked by the server (the `message` and `note` types, and every
 * item's `text` at the edge) and by the composer before it sends, so the two agree.
 */
import { showsNothing } from './readable-text';

/** Longest text, in Unicode code points (an emoji is one, as people count it), counted after trimming. */
export const MAX_TEXT_CODE_POINTS = 10_000;

/**
 * Control characters but tab and line breaks, C1 included (U+0080–U+009F: a terminal reads U+009B
 * as the start of an escape sequence): NUL and the like show as boxes, or not at all.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

const EVERY_CONTROL = new RegExp(CONTROL.source, 'g');

/**
 * Text the product did not take from a person (a model's reply) made one a message may hold:
 * control characters taken out, trimmed, cut to `max` code points with an ellipsis; empty when
 * nothing would show.
 */
export function asMessageText(text: string, max = MAX_TEXT_CODE_POINTS): string {
  const kept = text.replace(EVERY_CONTROL, '').trim();
  if (showsNothing(kept)) return '';
  return codePointLength(kept) <= max ? kept : `${[...kept].slice(0, max - 1).join('').trimEnd()}…`;
}

/** How many code points `text` holds. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * What is wrong with `text` (already trimmed) as a message's text, or undefined when nothing is.
 * `max` is lower for text that becomes a message's from a shorter field (a quick reply's label).
 */
export function messageTextProblem(text: string, max = MAX_TEXT_CODE_POINTS): string | undefined {
  if (showsNothing(text)) return 'text is empty';
  if (CONTROL.test(text)) return 'no control characters (but tab and line breaks)';
  const length = codePointLength(text);
  if (length > max) return `at most ${max.toLocaleString('en-US')} characters (this is ${length.toLocaleString('en-US')})`;
  return undefined;
}
