/**
 * AI assistant configuration as the product models it. The zod schema that validates it at the API
 * lives in activities/ai/config.ts; workflows read the same shape (as plain data from an activity).
 */
import type { Priority } from './conversation';

/** The tools an assistant may be allowed; each maps to a reply, a note or a lifecycle operation. */
export const AI_TOOL_NAMES = ['reply', 'note', 'set_priority', 'tag', 'resolve', 'escalate'] as const;
export type AiToolName = (typeof AI_TOOL_NAMES)[number];

export interface KnowledgeSnippet {
  id: string;
  title: string;
  text: string;
}

/** For the offline rule-based model: visitor text containing any keyword adds tags and/or sets priority. */
export interface KeywordRule {
  keywords: string[];
  tags?: string[];
  priority?: Priority;
}

export interface EscalationRules {
  /** Phrases meaning "let me talk to a person"; matched on whole words, case-insensitively. */
  humanRequestPhrases: string[];
  /** Hand over when the visitor takes more than this many turns without the AI resolving (messages one debounce merges are one turn); 0 = never. */
  maxVisitorTurns: number;
  /** Any of these tags on the conversation hands it to humans. */
  tags: string[];
  /** Any of these priorities hands it to humans. */
  priorities: Priority[];
  /** A reply containing one of these means the model could not answer: the reply is posted, then the conversation escalates. */
  uncertaintyPhrases: string[];
  /** Said to the visitor when a rule (not the model) hands the conversation over. */
  handoffMessage: string;
  /**
   * Said instead of `handoffMessage` when nobody of the team the conversation goes to is online;
   * outside business hours (when set) a sentence naming when they open next follows it.
   */
  awayMessage: string;
}

export interface BusinessHours {
  /** IANA time zone, e.g. `Europe/Paris`. */
  timeZone: string;
  /** Days of the week the team works, 0 = Sunday. */
  days: number[];
  /** `HH:MM`, inclusive. */
  start: string;
  /** `HH:MM`, exclusive. */
  end: string;
}

export interface AssistantConfig {
  id: string;
  name: string;
  /** `openai:<model>` (OpenAI or any OpenAI-compatible server) or `builtin:rules` (offline rule-based model). */
  model: string;
  instructions: string;
  knowledge: KnowledgeSnippet[];
  permissions: AiToolName[];
  escalation: EscalationRules;
  keywordRules: KeywordRule[];
  /** Model calls per turn at most. */
  stepBudget: number;
  /** Quiet time after a visitor message before the AI answers; a newer message restarts it. */
  debounceMs: number;
  businessHours?: BusinessHours;
  /** When true (and business hours are set), the AI answers only outside business hours. */
  onlyOutsideBusinessHours: boolean;
  enabled: boolean;
  /** On escalation, raise the conversation's priority to at least this. */
  raisePriorityOnEscalation?: Priority;
  /**
   * What the widget shows first in a new conversation, said by this assistant: a visitor's
   * `defaultTimelineItems` that say them (at the start) are stored as the assistant's (server/services/welcome-messages.ts).
   */
  welcomeMessages?: string[];
}

/** What the conversation workflow needs of the configuration to run a turn (no prompt material). */
export type AssistantPolicy = Pick<
  AssistantConfig,
  'id' | 'name' | 'permissions' | 'escalation' | 'stepBudget' | 'debounceMs' | 'businessHours' | 'onlyOutsideBusinessHours' | 'enabled' | 'raisePriorityOnEscalation'
>;
