/** Characters that make text read otherwise than it is, refused in what people read. */

/** Direction marks (ALM, LRM, RLM): invisible letters of a direction, which right-to-left writing puts beside numbers and Latin words. */
const DIRECTION_MARKS = '\\u061C\\u200E\\u200F';
/** Embeddings, overrides and isolates: they turn the text after them around (`\u202Etxt.exe` shows as `exe.txt`). */
const DIRECTION_TURNS = '\\u202A-\\u202E\\u2066-\\u2069';
/** Text-direction controls. */
const DIRECTION_CONTROLS = `${DIRECTION_MARKS}${DIRECTION_TURNS}`;

/** Every text-direction control, to show as an escape where it would turn the text around it (`\u202e`). */
export const DIRECTION_CONTROL = new RegExp(`[${DIRECTION_CONTROLS}]`, 'gu');

/** Text with its direction controls shown as escapes: quoted by a page, the quote stays where it is. */
export const withDirectionShown = (text: string): string =>
  text.replace(DIRECTION_CONTROL, (control) => `\\u${control.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Format characters (zero-width spaces and joiners, direction marks, a BOM): unseen, they hide where text ends, or that it is empty. */
export const INVISIBLE_FORMAT = /\p{Cf}/u;
/**
 * Characters drawn as nothing that are neither format characters nor white space: the Hangul
 * fillers, the blank Braille pattern, the combining grapheme joiner and the variation selectors
 * (each a known way to post a "blank" name).
 */
const BLANK_LOOKING = '\\u034F\\u115F\\u1160\\u2800\\u3164\\uFE00-\\uFE0F\\uFFA0\\u{E0100}-\\u{E01EF}';
const EVERY_UNSEEN = new RegExp(`[\\p{Cf}${BLANK_LOOKING}]`, 'gu');

/** Whether `text` shows nothing: only white space, format characters and blank-looking ones, or nothing at all. */
export const showsNothing = (text: string): boolean => text.replace(EVERY_UNSEEN, '').trim() === '';

/** In a name (one line): any control character, line breaks included, or a direction control. */
export const MISLEADING_IN_NAME = new RegExp(`[\\p{Cc}${DIRECTION_CONTROLS}]`, 'u');

/** Control characters but tab and line breaks, C1 included. */
const CONTROLS_BUT_LINES = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F';

/** In a lifecycle operation's text (a plugin's reaction; reasons, titles, tags): control characters but tab and line breaks, or a direction control. */
export const UNREADABLE_IN_TEXT = new RegExp(`[${CONTROLS_BUT_LINES}${DIRECTION_CONTROLS}]`, 'u');

/** In text people write (reasons, comments, descriptions): as UNREADABLE_IN_TEXT, but direction marks are writing, and allowed. */
export const UNREADABLE_IN_WRITING = new RegExp(`[${CONTROLS_BUT_LINES}${DIRECTION_TURNS}]`, 'u');
