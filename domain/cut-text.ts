/**
 * Text shortened to at most `max` UTF-16 units, never between the two halves of a character outside
 * the Basic Multilingual Plane (an emoji): half of one is a lone surrogate, which shows as `�`, and
 * which the API refuses in what it is sent.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  const splitsPair = last >= 0xd800 && last <= 0xdbff;
  return text.slice(0, splitsPair ? max - 1 : max);
}

/** Text over `max` UTF-16 units cut (as `cutText`) to leave room for an ellipsis, which it ends with. */
export function clipWithEllipsis(text: string, max: number): string {
  return text.length > max ? `${cutText(text, max - 1)}…` : text;
}
