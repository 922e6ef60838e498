/** A saved reply as the composer's picker and the Settings page list it. */
import { h } from '../shared/dom';
import type { SavedReply } from '../shared/wire';
import { written } from '../shared/written';

/** Its shortcut, and its title and `text` (all of it, or the start) as their author wrote them. */
export const savedReplyParts = (reply: SavedReply, text: string): HTMLElement[] => [
  h('span', { class: 'saved-reply-shortcut' }, `/${reply.shortcut}`),
  written('span', { class: 'saved-reply-title' }, reply.title),
  written('span', { class: 'saved-reply-text muted' }, text),
];
