/** How the inbox names conversations and shows their state as pills. */
import { h } from '../shared/dom';
import type { Conversation } from '../shared/wire';
import { writtenList, type Words } from '../shared/words';
import { aiStateOf } from './ai-state';
import { isWaitingForHuman } from './filters';

/** Its title, else who the visitor is: the identified contact's name or email, else the visitor's id, shortened. */
export const conversationTitle = (c: Conversation): string => c.title ?? visitorName(c);

export const visitorName = ({ contact, visitorId }: Conversation): string => contact?.name ?? contact?.email ?? `Visitor ${visitorId.slice(-6)}`;

/** Who the visitor is, in full, under the conversation's title: the contact's name and email as given, or that it is anonymous. */
export function visitorDetails(c: Conversation): Words {
  const { contact } = c;
  // Linked to a contact not read this time (the server could not): not anonymous all the same.
  if (!contact) return [c.contactId === undefined ? `Anonymous visitor ${c.visitorId}` : `Identified visitor ${c.visitorId}`];
  if (contact.name === undefined && contact.email === undefined) return [`Contact ${contact.externalId}`];
  return writtenList([contact.name, contact.email].filter((part) => part !== undefined), ' · ');
}

/** Its state as pills; `visitorOnline`: a socket of the visitor who started it is open. */
export function statePills(c: Conversation, visitorOnline: boolean): HTMLElement[] {
  const ai = aiStateOf(c);
  return [
    visitorOnline && h('span', { class: 'pill pill-online', data: { testid: 'visitor-online' } }, 'online'),
    // The pill's colour says it is the priority; a screen reader is told in words.
    h('span', { class: 'sr-only' }, 'priority'),
    h('span', { class: `pill pill-${c.priority}`, data: { testid: 'priority' } }, c.priority),
    c.status === 'resolved' ? h('span', { class: 'pill pill-muted', data: { testid: 'status' } }, 'resolved') : h('span', { class: 'pill', data: { testid: 'status' } }, 'open'),
    ai.kind === 'answering' && h('span', { class: 'pill pill-ai' }, 'AI'),
    ai.kind === 'paused' && h('span', { class: 'pill pill-muted' }, 'AI paused'),
    isWaitingForHuman(c) && h('span', { class: 'pill pill-high', data: { testid: 'waiting' } }, 'waiting'),
  ].filter((pill): pill is HTMLElement => pill !== false);
}
