import { h } from '../shared/dom';

/** A group of the side panel's controls: focus on one that goes as the panel is drawn again moves to another of it (editsIn). */
export const section = (title: string, ...children: Array<Node | false | undefined>) =>
  h('section', { class: 'controls-section', data: { focusGroup: title } }, h('h3', {}, title), ...children);
