/**
 * Holds back a message whose text still has a placeholder a saved reply left unfilled
 * (`{{visitor.email}}` of an anonymous visitor): a visitor would read it as it is. The placeholder
 * is selected, to be typed over, and a note says so; sending the same text again sends it as it is
 * (the agent may mean it), and so does a private note, which only the team reads.
 */
import { unfilledIn } from '../../domain/saved-reply-placeholders';
import { showNote } from '../shared/toast';

export function unfilledPlaceholderCheck(): (box: HTMLTextAreaElement, asNote: boolean) => boolean {
  /** The text already held back once: sent as it is when tried again. */
  let heldBack: string | undefined;
  return (box, asNote) => {
    const [first, ...others] = unfilledIn(box.value);
    if (!first || asNote || heldBack === box.value) return true;
    heldBack = box.value;
    box.focus();
    box.setSelectionRange(first.start, first.end);
    const more = others.length === 0 ? '' : ` (and ${others.length} more)`;
    showNote(`Replace ${box.value.slice(first.start, first.end)}${more} before sending, or send again to send it as it is.`);
    return false;
  };
}
