/**
 * Text the page gives the widget (its title, the signed-in user's name) as one line the server
 * takes: white space as single spaces, no control or text-direction characters, cut where a
 * character ends. The widget sends it cleaned rather than have the whole request refused for it.
 */
import { MISLEADING_IN_NAME, showsNothing } from '../../domain/readable-text';

/** Controls and text-direction characters, which such a line may not carry. */
const UNREADABLE = new RegExp(MISLEADING_IN_NAME.source, 'gu');
/** With the `u` flag a well-formed pair is one character: this matches halves alone only. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;

/** `text` as such a line of at most `max` UTF-16 units; undefined when nothing of it would show. */
export function readableLine(text: string, max: number): string | undefined {
  // Cut where a character ends: half of one (an emoji's) would make the whole request unstorable.
  const line = text.replace(/\s+/g, ' ').replace(UNREADABLE, '').trim().slice(0, max).replace(LONE_SURROGATE, '').trim();
  return showsNothing(line) ? undefined : line;
}
