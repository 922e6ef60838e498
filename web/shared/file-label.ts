/** A file as a timeline or the composer names it: its name as its sender gave it, and its size. */
import { h } from './dom';
import { formatBytes } from './format';
import { written } from './written';

export const fileLabel = (className: string, name: string, size?: number): HTMLElement =>
  h('span', { class: className }, '📎 ', written('span', {}, name), size !== undefined && ` · ${formatBytes(size)}`);
