/**
 * Five stars offered once the conversation is resolved; a click posts an item of type `rating`. Each
 * has a focus key, so a view drawn again with `mountKeepingFocus` keeps a keyboard user on theirs.
 */
import { h } from '../shared/dom';

export function renderRatingPrompt(onRate: (score: number) => void): HTMLElement {
  const stars = [1, 2, 3, 4, 5].map((score) =>
    h('button', { type: 'button', class: 'sw-star', 'aria-label': `${score} out of 5`, data: { score, focusKey: `star-${score}` }, on: { click: () => onRate(score) } }, '★'),
  );
  return h('div', { class: 'sw-rating', data: { testid: 'rating-prompt' } }, h('p', {}, 'How did we do?'), h('div', { class: 'sw-stars' }, ...stars));
}
