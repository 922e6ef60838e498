/**
 * Small talk the offline model answers itself instead of handing it to the team, as assistants in
 * the field do: a message made only of greetings ("hi there"), thanks ("thank you so much!") or
 * acknowledgements ("ok great, that worked"). Anything more ("thanks, but it still fails") is not
 * small talk.
 */

const GREETING_WORDS = ['hi', 'hello', 'hey', 'hiya', 'howdy', 'greetings', 'morning', 'afternoon', 'evening', 'there', 'team', 'everyone', 'folks', 'guys'];
const THANKS_WORDS = ['thanks', 'thank', 'thx', 'ty', 'cheers', 'appreciated', 'appreciate', 'grateful'];
const ACKNOWLEDGEMENT_WORDS = ['ok', 'okay', 'alright', 'great', 'perfect', 'cool', 'awesome', 'nice', 'brilliant', 'excellent', 'wonderful', 'fine', 'got', 'understood', 'sounds', 'works', 'worked', 'helps', 'helped', 'helpful'];
/**
 * Words that go with the others ("thank you so much", "that worked", "got it", "good morning"),
 * meaning nothing alone. A bare "yes" or "sure" is not here: it answers something, which the
 * rules cannot tell.
 */
const FILLER_WORDS = ['good', 'you', 'so', 'very', 'much', 'many', 'a', 'lot', 'it', 'that', 'this', 'again', 'really', 'for', 'the', 'help', 'your', 'all', 'now', 'then', 'oh', 'ah'];

const GREETINGS = new Set(GREETING_WORDS);
const CLOSINGS = new Set([...THANKS_WORDS, ...ACKNOWLEDGEMENT_WORDS]);
const FILLERS = new Set(FILLER_WORDS);

export const GREETING_REPLY = 'Hello! How can I help you today?';
export const CLOSING_REPLY = "You're welcome! Is there anything else I can help you with?";

/** What a message is as small talk, or undefined when it says more than that. */
function smallTalkOf(text: string): 'greeting' | 'closing' | undefined {
  const words = text.toLowerCase().split(/[^\p{L}\p{N}']+/u).map((word) => word.replace(/'/g, '')).filter(Boolean);
  if (!words.every((word) => GREETINGS.has(word) || CLOSINGS.has(word) || FILLERS.has(word))) return undefined;
  if (words.some((word) => CLOSINGS.has(word))) return 'closing';
  return words.some((word) => GREETINGS.has(word)) ? 'greeting' : undefined;
}

/**
 * The reply to messages that are all small talk: thanks for anything that thanks or acknowledges,
 * else a greeting; undefined when any of them says more (it is a question for the knowledge, or
 * for the team).
 */
export function smallTalkReply(messages: readonly string[]): string | undefined {
  const kinds = messages.map(smallTalkOf);
  if (kinds.length === 0 || kinds.includes(undefined)) return undefined;
  return kinds.includes('closing') ? CLOSING_REPLY : GREETING_REPLY;
}
