/**
 * AI assistant configuration: the zod schema the server validates `PUT /v1/ai-agents/:id` with, and
 * the default assistant of the default website. The shape is `AssistantConfig` (domain/assistant.ts).
 */
import { z } from 'zod';
import { AI_TOOL_NAMES, type AssistantConfig, type AssistantPolicy } from '../../domain/assistant';
import { PRIORITIES } from '../../domain/conversation';
import { tag } from '../../domain/label-schema';
import { messageTextProblem } from '../../domain/message-text';
import { timeZoneName } from '../../domain/time-zone';
import { messageText } from '../../plugins/builtin/text';

/**
 * Requests for a person, each specific enough not to be said in passing: a bare "human" or "an
 * agent" also met "is the export human-readable?" and "is there an agent for that?".
 */
export const DEFAULT_HUMAN_REQUEST_PHRASES = [
  'talk to a human',
  'speak to a human',
  'speak with a human',
  'chat with a human',
  'get me a human',
  'talk to a person',
  'speak to a person',
  'speak with a person',
  'real person',
  'real human',
  'live person',
  'human agent',
  'live agent',
  'talk to someone',
  'speak to someone',
  'speak with someone',
  'talk to an agent',
  'speak to an agent',
  'speak with an agent',
  'talk to a representative',
  'speak to a representative',
  'customer service representative',
];

/**
 * The defaults before DEFAULT_HUMAN_REQUEST_PHRASES: a configuration saved with them (the seed
 * stored the default assistant's, as does a PUT leaving them out) reads as having today's
 * (withCurrentDefaults). A list a team changed, however little, stays theirs.
 */
const FORMER_HUMAN_REQUEST_PHRASES = [
  'human',
  'real person',
  'a person',
  'talk to someone',
  'speak to someone',
  'speak with someone',
  'live agent',
  'an agent',
  'representative',
  'operator',
  'customer service',
];

export const DEFAULT_UNCERTAINTY_PHRASES = [
  "i don't know",
  'i do not know',
  "i'm not sure",
  'i am not sure',
  "i can't answer",
  'i cannot answer',
  "i'm unable to answer",
  'i am unable to answer',
];

export const DEFAULT_HANDOFF_MESSAGE = "I'm passing you to someone from our team; they will reply here shortly.";
export const DEFAULT_AWAY_MESSAGE = "Our team is away right now; we'll reply here as soon as we're back. You can close this window: the answer will be waiting here.";

/** The away message's longest text: room for the sentence naming the next opening, well within a message's 10,000. */
const MAX_AWAY_LENGTH = 2_000;

/** Welcome messages an assistant may have, and their longest text (a message's own limit is 10,000). */
const MAX_WELCOME_MESSAGES = 5;
const MAX_WELCOME_LENGTH = 2_000;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM');
const nonEmpty = z.string().trim().min(1);

// Strict throughout: a misspelt field (`maxVisitorTurn`) is a 400 naming it, not a setting silently left at its default.
export const knowledgeSnippetSchema = z.strictObject({ id: nonEmpty, title: nonEmpty, text: nonEmpty });

export const keywordRuleSchema = z
  .strictObject({ keywords: z.array(nonEmpty).min(1), tags: z.array(tag).optional(), priority: z.enum(PRIORITIES).optional() })
  .refine((rule) => (rule.tags?.length ?? 0) > 0 || rule.priority !== undefined, 'a keyword rule needs tags or a priority');

export const escalationRulesSchema = z.strictObject({
  humanRequestPhrases: z.array(nonEmpty).default(DEFAULT_HUMAN_REQUEST_PHRASES),
  maxVisitorTurns: z.number().int().min(0).default(6),
  // Spelled as tags are stored (one line, composed), or a rule would never match the tag it names.
  tags: z.array(tag).default([]),
  priorities: z.array(z.enum(PRIORITIES)).default([]),
  uncertaintyPhrases: z.array(nonEmpty).default(DEFAULT_UNCERTAINTY_PHRASES),
  // Said to visitors as the assistant's messages: taken by a message's rules (withCurrentDefaults reads ones stored before).
  handoffMessage: messageText().default(DEFAULT_HANDOFF_MESSAGE),
  awayMessage: messageText(MAX_AWAY_LENGTH).default(DEFAULT_AWAY_MESSAGE),
});

/** A span whose end is before its start runs past midnight, counted for the day it starts (business-hours.ts). */
export const businessHoursSchema = z
  .strictObject({
    timeZone: timeZoneName.default('UTC'),
    days: z.array(z.number().int().min(0).max(6)).min(1, 'at least one day (0 = Sunday)').default([1, 2, 3, 4, 5]),
    start: hhmm.default('09:00'),
    end: hhmm.default('17:00'),
  })
  .refine((hours) => hours.start !== hours.end, { path: ['end'], message: 'must differ from start: a span of no time is never open' });

/** `openai:<model>` or `builtin:rules`. */
export const modelSpecSchema = z.string().regex(/^(openai:.+|builtin:rules)$/, 'expected "openai:<model>" or "builtin:rules"');

/** A configuration's fields, each validated on its own (request bodies extend it; see assistantConfigSchema). */
export const assistantConfigFields = z.object({
  id: nonEmpty,
  name: nonEmpty,
  model: modelSpecSchema.default('builtin:rules'),
  instructions: z.string().default(''),
  knowledge: z
    .array(knowledgeSnippetSchema)
    .refine((snippets) => new Set(snippets.map((s) => s.id)).size === snippets.length, 'knowledge snippet ids must be unique')
    .default([]),
  // A turn ends with a reply or a hand-over: without both tools, a question the assistant cannot answer has no way out.
  permissions: z
    .array(z.enum(AI_TOOL_NAMES))
    .refine((tools) => new Set(tools).size === tools.length, 'each permission once')
    .refine((tools) => tools.includes('reply') && tools.includes('escalate'), 'an assistant needs "reply" and "escalate"')
    .default([...AI_TOOL_NAMES]),
  escalation: escalationRulesSchema.prefault({}),
  keywordRules: z.array(keywordRuleSchema).default([]),
  // A turn may take a step to tag and prioritise before the one that replies (the offline model always does).
  stepBudget: z.number().int().min(2, 'at least 2: one step may go to tags and priority before the reply').max(20).default(4),
  debounceMs: z.number().int().min(0).max(60_000).default(1500),
  businessHours: businessHoursSchema.optional(),
  onlyOutsideBusinessHours: z.boolean().default(false),
  enabled: z.boolean().default(true),
  raisePriorityOnEscalation: z.enum(PRIORITIES).optional(),
  welcomeMessages: z
    .array(messageText(MAX_WELCOME_LENGTH))
    .max(MAX_WELCOME_MESSAGES)
    .refine((texts) => new Set(texts).size === texts.length, 'each welcome message once')
    .optional(),
});

/** What one field means only with another: answering outside business hours needs the hours. */
export function checkFieldsTogether(config: Pick<AssistantConfig, 'onlyOutsideBusinessHours' | 'businessHours'>, ctx: z.RefinementCtx): void {
  if (config.onlyOutsideBusinessHours && config.businessHours === undefined) {
    ctx.addIssue({ code: 'custom', path: ['onlyOutsideBusinessHours'], message: 'needs businessHours: without them there is no "outside"' });
  }
}

/** Validates a whole configuration; omitted fields take their defaults. */
export const assistantConfigSchema = assistantConfigFields.superRefine(checkFieldsTogether);

// The schema's output must stay the domain type: this line fails to compile when they drift apart.
const _sameShape: (c: z.output<typeof assistantConfigSchema>) => AssistantConfig = (c) => c;
void _sameShape;

/** Parses a configuration; throws a ZodError naming the failing fields. */
export function parseAssistantConfig(input: unknown): AssistantConfig {
  return assistantConfigSchema.parse(input);
}

/** Whether a stored text may be said as a message of at most `max` code points. */
const sayable = (text: unknown, max?: number): boolean => typeof text === 'string' && messageTextProblem(text.trim(), max) === undefined;

/**
 * A stored configuration's texts said to visitors, saved before they were checked as a message's
 * text: one that could not be said (a control character, nothing readable, too long) is not. A
 * welcome message is left out (the widget would send it back, and the conversation be refused); a
 * hand-off or away message is the default one. Stored ones stay as they are, until a write.
 */
function withSayableTexts(stored: AssistantConfig): AssistantConfig {
  const { escalation, welcomeMessages } = stored;
  const welcome = welcomeMessages?.filter((text) => sayable(text, MAX_WELCOME_LENGTH));
  const handoff = escalation !== undefined && !sayable(escalation.handoffMessage);
  const away = escalation?.awayMessage !== undefined && !sayable(escalation.awayMessage, MAX_AWAY_LENGTH);
  if (welcome?.length === welcomeMessages?.length && !handoff && !away) return stored;
  return {
    ...stored,
    ...(welcome ? { welcomeMessages: welcome } : {}),
    ...(escalation ? { escalation: { ...escalation, ...(handoff ? { handoffMessage: DEFAULT_HANDOFF_MESSAGE } : {}), ...(away ? { awayMessage: DEFAULT_AWAY_MESSAGE } : {}) } } : {}),
  };
}

/**
 * A stored configuration as read today: former default phrases become today's (see
 * FORMER_HUMAN_REQUEST_PHRASES), one saved before there was an away message has the default one,
 * and texts said to visitors that could not be said are not (withSayableTexts).
 */
export function withCurrentDefaults(saved: AssistantConfig): AssistantConfig {
  const stored = withSayableTexts(saved);
  const { escalation } = stored;
  if (!escalation) return stored;
  const phrases = escalation.humanRequestPhrases ?? [];
  const former = phrases.length === FORMER_HUMAN_REQUEST_PHRASES.length && phrases.every((phrase, i) => phrase === FORMER_HUMAN_REQUEST_PHRASES[i]);
  const noAwayMessage = escalation.awayMessage === undefined;
  if (!former && !noAwayMessage) return stored;
  return {
    ...stored,
    escalation: {
      ...escalation,
      ...(former ? { humanRequestPhrases: [...DEFAULT_HUMAN_REQUEST_PHRASES] } : {}),
      ...(noAwayMessage ? { awayMessage: DEFAULT_AWAY_MESSAGE } : {}),
    },
  };
}

/** The part of the configuration the conversation workflow needs (no prompt material). */
export function policyOf(config: AssistantConfig): AssistantPolicy {
  const { id, name, permissions, escalation, stepBudget, debounceMs, businessHours, onlyOutsideBusinessHours, enabled, raisePriorityOnEscalation } = config;
  return { id, name, permissions, escalation, stepBudget, debounceMs, businessHours, onlyOutsideBusinessHours, enabled, raisePriorityOnEscalation };
}

/** Knowledge about the demo product ("Acme Cloud Notes") the default assistant answers from. */
const DEMO_KNOWLEDGE = [
  {
    id: 'pricing',
    title: 'Plans, prices and what they cost',
    text: 'Acme Cloud Notes has three plans: Free (up to 3 notebooks), Pro at $8 per user per month (unlimited notebooks, offline mode, version history) and Business at $15 per user per month (SSO, admin console, priority support). Yearly billing saves 20%.',
  },
  {
    id: 'refunds',
    title: 'Refunds and cancellation',
    text: 'You can cancel your subscription at any time from Settings > Billing. Paid plans are refundable within 30 days of purchase; after cancellation your account returns to the Free plan at the end of the billing period and your notes are kept.',
  },
  {
    id: 'password-reset',
    title: 'Resetting your password',
    text: 'To reset your password, click "Forgot password" on the sign-in page and enter your email address. We send a reset link that is valid for one hour. If the email does not arrive, check your spam folder.',
  },
  {
    id: 'export',
    title: 'Exporting your notes',
    text: 'You can export all your notes from Settings > Data > Export. Exports are available as Markdown, PDF or HTML files in a zip archive; large accounts receive a download link by email.',
  },
  {
    id: 'offline-sync',
    title: 'Offline mode and sync',
    text: 'On the Pro and Business plans the desktop and mobile apps work offline. Changes sync automatically when the device reconnects; if the same note was edited on two devices, both versions are kept in the note history.',
  },
  {
    id: 'sharing',
    title: 'Sharing and collaboration',
    text: 'Share a notebook by opening it and choosing Share. Invite people by email as viewers or editors, or create a public read-only link. Editors see each other\'s changes in real time.',
  },
];

/** The default website's assistant: rule-based unless `overrides.model` names an OpenAI model. */
export function defaultAssistantConfig(overrides: Partial<AssistantConfig> = {}): AssistantConfig {
  return parseAssistantConfig({
    id: 'ai-assistant',
    name: 'Acme Assistant',
    instructions:
      'You are the support assistant of Acme Cloud Notes. Answer briefly and only from the knowledge provided. Tag billing questions "billing" and technical problems "technical". If you cannot answer, or the visitor wants a person, escalate.',
    knowledge: DEMO_KNOWLEDGE,
    keywordRules: [
      { keywords: ['invoice', 'refund', 'billing', 'charged', 'payment', 'subscription', 'price', 'pricing'], tags: ['billing'] },
      { keywords: ['error', 'bug', 'crash', 'sync', 'broken', 'not working'], tags: ['technical'] },
      { keywords: ['outage', 'down', 'data loss', 'lost my notes', 'security'], priority: 'urgent' },
      { keywords: ['urgent', 'asap', 'immediately'], priority: 'high' },
    ],
    raisePriorityOnEscalation: 'medium',
    ...overrides,
  });
}
