/**
 * Text a person wrote (a visitor, an agent, an admin: a message, a name, a reason, a page's title)
 * in an element of its own that takes its direction from its own script (`dir="auto"`): a Hebrew
 * name reads right to left, its punctuation at its own end, whatever the direction of the page or
 * of the sentence around it. What the pages word themselves (labels, sentences) stays as it is.
 */
import { h, type Props } from './dom';
import type { Words } from './words';

/** `text`, in a `tag` element that reads in the direction of its own script. */
export const written = <K extends keyof HTMLElementTagNameMap>(tag: K, props: Props, text: string): HTMLElementTagNameMap[K] => h(tag, { ...props, dir: 'auto' }, text);

/** A line as nodes: each thing a person wrote in it, in a span of its own direction. */
export const showWords = (words: Words): Array<string | HTMLElement> => words.map((word) => (typeof word === 'string' ? word : written('span', {}, word.written)));
