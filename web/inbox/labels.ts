/** How the inbox names conversations and shows their state as pills. */
import { h } from '../shared/dom';
import type { Conversation } from '../shared/wire';
import { aiStateOf } from './ai-state';
import { isWaitingForHuman } from './filters';

export const conversationTitle = (c: Conversation): string => c.title ?? `Visitor ${c.visitorId.slice(-6)}`;

export function statePills(c: Conversation): HTMLElement[] {
  const ai = aiStateOf(c);
  return [
    h('span', { class: `pill pill-${c.priority}`, data: { testid: 'priority' } }, c.priority),
    c.status === 'resolved' ? h('span', { class: 'pill pill-muted', data: { testid: 'status' } }, 'resolved') : h('span', { class: 'pill', data: { testid: 'status' } }, 'open'),
    ai.kind === 'answering' && h('span', { class: 'pill pill-ai' }, 'AI'),
    ai.kind === 'paused' && h('span', { class: 'pill pill-muted' }, 'AI paused'),
    isWaitingForHuman(c) && h('span', { class: 'pill pill-high', data: { testid: 'waiting' } }, 'waiting'),
  ].filter((pill): pill is HTMLElement => pill !== false);
}
