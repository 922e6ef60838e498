/** When a conversation goes to humans without asking the model: pure functions over the assistant's escalation rules. */
import type { EscalationRules } from '../../../domain/assistant';
import type { Priority } from '../../../domain/conversation';

export type EscalationCode =
  | 'human_requested'
  | 'too_many_turns'
  | 'escalation_tag'
  | 'escalation_priority'
  | 'model_escalated'
  | 'model_uncertain'
  | 'model_failed'
  | 'no_reply';

export interface EscalationReason {
  code: EscalationCode;
  /** Human-readable; becomes the escalate operation's `reason`. */
  message: string;
}

/** Lowercase words separated by single spaces, padded, so phrases match on whole words only. */
function normalize(text: string): string {
  const words = text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .split(/[^\p{L}\p{N}']+/u)
    .filter(Boolean);
  return ` ${words.join(' ')} `;
}

/** The first phrase that occurs in `text` as whole words, if any. */
export function findPhrase(text: string, phrases: readonly string[]): string | undefined {
  const haystack = normalize(text);
  return phrases.find((phrase) => {
    const needle = normalize(phrase);
    return needle.trim() !== '' && haystack.includes(needle);
  });
}

/** Escalation the conversation's tags or priority call for. */
export function escalationForState(rules: EscalationRules, state: { tags: readonly string[]; priority: Priority }): EscalationReason | undefined {
  const tag = state.tags.find((t) => rules.tags.includes(t));
  if (tag !== undefined) return { code: 'escalation_tag', message: `Conversation is tagged "${tag}", which is handled by humans` };
  if (rules.priorities.includes(state.priority)) {
    return { code: 'escalation_priority', message: `Conversation priority is ${state.priority}, which is handled by humans` };
  }
  return undefined;
}

/** Escalation decided before any model call, from the visitor's message and the conversation's state. */
export function escalationBeforeModel(
  rules: EscalationRules,
  input: { visitorText: string; visitorTurns: number; tags: readonly string[]; priority: Priority },
): EscalationReason | undefined {
  const phrase = findPhrase(input.visitorText, rules.humanRequestPhrases);
  if (phrase !== undefined) return { code: 'human_requested', message: `Visitor asked for a human ("${phrase}")` };
  if (rules.maxVisitorTurns > 0 && input.visitorTurns > rules.maxVisitorTurns) {
    return { code: 'too_many_turns', message: `Still unresolved after ${rules.maxVisitorTurns} visitor messages` };
  }
  return escalationForState(rules, input);
}

/** A reply in which the model says it cannot answer. */
export function isUncertainReply(rules: EscalationRules, text: string): boolean {
  return findPhrase(text, rules.uncertaintyPhrases) !== undefined;
}
