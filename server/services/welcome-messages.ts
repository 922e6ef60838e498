/**
 * A website's welcome messages: what its widget shows first in a new conversation, said by the
 * website's AI assistant (its configuration's `welcomeMessages`). A visitor opening a conversation
 * with them as `defaultTimelineItems` (as a Cossistant widget sends its default messages) gets them
 * stored as the assistant's words, not as its own: it cannot write as anyone, it can only name what
 * the website configured, and only at the start, before anything of its own.
 */
import { configOfAssistant } from '../../activities/ai';
import type { Store } from '../../activities/store';
import type { TeamMember } from '../../domain/people';
import type { Author } from '../../domain/timeline';
import type { ValidatedItem } from '../../plugins/registry';

export interface WelcomeMessages {
  /** Who says them: the website's assistant. */
  author: Author;
  texts: readonly string[];
}

/**
 * The welcome messages of the website whose team this is, and their author; undefined when it has
 * no assistant, or the assistant none. The team is in hand, so only the assistant's configuration
 * is read, as the widget's settings read it (one stored before welcome messages were checked as a
 * message's text leaves out those that could not be said, as the widget's list does).
 */
export async function welcomeMessagesOf(store: Pick<Store, 'getSetting'>, team: readonly TeamMember[]): Promise<WelcomeMessages | undefined> {
  const assistant = team.find((member) => member.kind === 'ai');
  const texts = assistant && (await configOfAssistant(store, assistant)).welcomeMessages;
  return assistant && texts?.length ? { author: { kind: 'ai', id: assistant.id }, texts } : undefined;
}

/** A visitor's item's text, if the item is a public message of text alone (as a welcome message is). */
const plainPublicText = (item: ValidatedItem): string | undefined =>
  item.type === 'message' && item.visibility === 'public' && item.fields.parts === undefined ? item.text : undefined;

/**
 * The visitor's initial items, the leading ones that say the welcome messages authored by the
 * assistant instead: in the configured order, each at most once (a visitor cannot make the assistant
 * say one ten times).
 */
export function withWelcomeAuthor(items: ValidatedItem[], welcome: WelcomeMessages | undefined): ValidatedItem[] {
  if (!welcome) return items;
  let next = 0; // the first welcome message not yet said
  let welcomes = 0;
  for (const item of items) {
    const text = plainPublicText(item);
    const at = text === undefined ? -1 : welcome.texts.indexOf(text, next);
    if (at < 0) break;
    next = at + 1;
    welcomes += 1;
  }
  return items.map((item, index) => (index < welcomes ? { ...item, author: welcome.author } : item));
}
