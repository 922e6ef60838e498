/**
 * The built-in offline model (`builtin:rules`): the default assistant's, answering without any API key.
 *
 * It is NOT a language model: it is a small set of deterministic rules behind the AI SDK's
 * `LanguageModelV3` interface, so the very same loop (tools, steps, workflow decisions) runs with or
 * without a real model. Each call it reads the prompt (the visitor's unanswered messages, which
 * tools are offered, and what earlier steps of this turn did) and then, in order:
 *
 * 1. classifies: the configured keyword rules become `tag` / `set_priority` tool calls;
 * 2. answers: if the visitor asks for a person, or no knowledge snippet matches any of the
 *    visitor's unanswered messages well (BM25) and they are not all small talk (small-talk.ts),
 *    it calls `escalate` with a reason; otherwise it calls `reply` with the best snippet of each
 *    message that has one, or with small talk. Unanswered: since the assistant or an agent last
 *    spoke, or the conversation changed hands (prompt.ts);
 * 3. if its reply was rejected, it escalates; after that it has nothing more to say.
 *
 * Same prompt in, same calls out.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
} from '@ai-sdk/provider';
import { cutText } from '../../domain/cut-text';
import type { AssistantConfig, KeywordRule, KnowledgeSnippet } from '../../domain/assistant';
import { PRIORITIES, type Priority } from '../../domain/conversation';
import { findPhrase } from '../../workflows/conversation/ai/escalation-rules';
import { Bm25Index } from './bm25';
import { closesQuestions, TRANSCRIPT_OPTION, type TranscriptRole } from './prompt';
import { smallTalkReply } from './small-talk';
import { tokenize } from './tokenize';

/**
 * BM25 score a snippet needs to count as the answer. About one rare word of the question in the
 * snippet's title, or two in its text: below that, lexical overlap is mostly chance.
 */
const MIN_SCORE = 2;
/** MIN_SCORE was set on the default assistant's knowledge, of six snippets: a smaller one is scored as if it had six. */
const MIN_COLLECTION = 6;

type RulesConfig = Pick<AssistantConfig, 'knowledge' | 'keywordRules'> & { escalation: Pick<AssistantConfig['escalation'], 'humanRequestPhrases'> };

interface PlannedCall {
  toolName: string;
  input: Record<string, unknown>;
}

/** What the prompt tells the rules. */
interface PromptReading {
  /** The visitor's unanswered messages, oldest first. */
  unanswered: string[];
  offeredTools: Set<string>;
  /** Tools called earlier in this turn, with whether the workflow accepted them. */
  called: Map<string, boolean>;
  step: number;
}

export function createRuleBasedModel(config: RulesConfig): LanguageModelV3 {
  const index = new Bm25Index<KnowledgeSnippet>(config.knowledge, (s) => `${s.title} ${s.title} ${s.text}`, MIN_COLLECTION);

  const doGenerate = async (options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> => {
    const reading = readPrompt(options);
    const calls = nextCalls(reading, classify(config.keywordRules, reading.unanswered.join('\n')), answer(config, index, reading.unanswered));
    const content: LanguageModelV3Content[] = calls.map((call, i) => ({
      type: 'tool-call',
      toolCallId: `rules-${reading.step}-${i}`,
      toolName: call.toolName,
      input: JSON.stringify(call.input),
    }));
    if (content.length === 0) content.push({ type: 'text', text: 'Nothing more to do for this message.' });
    const outputWords = content.reduce((n, part) => n + JSON.stringify(part).split(/\s+/).length, 0);
    const finish = calls.length > 0 ? 'tool-calls' : 'stop';
    return {
      content,
      finishReason: { unified: finish, raw: finish },
      usage: {
        inputTokens: { total: promptWords(options.prompt), noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: outputWords, text: outputWords, reasoning: undefined },
      },
      warnings: [],
    };
  };

  return {
    specificationVersion: 'v3',
    provider: 'builtin',
    modelId: 'rules',
    supportedUrls: {},
    doGenerate,
    async doStream(options) {
      const result = await doGenerate(options);
      return { stream: streamOf(result) };
    },
  };
}

function readPrompt(options: LanguageModelV3CallOptions): PromptReading {
  const offeredTools = new Set((options.tools ?? []).filter((t) => t.type === 'function').map((t) => t.name));
  const called = new Map<string, boolean>();
  const namesById = new Map<string, string>();
  let unanswered: string[] = [];
  let step = 0;
  for (const message of options.prompt) {
    const entry = transcriptEntry(message);
    if (entry?.role === 'visitor' && message.role === 'user') {
      unanswered.push(message.content.map((part) => (part.type === 'text' ? part.text : '')).join(' '));
    } else if (entry && closesQuestions(entry)) {
      unanswered = [];
    } else if (entry === undefined && message.role === 'assistant') {
      step += 1;
      for (const part of message.content) if (part.type === 'tool-call') namesById.set(part.toolCallId, part.toolName);
    } else if (message.role === 'tool') {
      for (const part of message.content) {
        const name = part.type === 'tool-result' ? namesById.get(part.toolCallId) : undefined;
        if (name && part.type === 'tool-result') called.set(name, part.output.type === 'json' || part.output.type === 'text');
      }
    }
  }
  return { unanswered, offeredTools, called, step };
}

/** What the prompt's transcript says of a message (prompt.ts marks them); undefined for this turn's own steps. */
function transcriptEntry(message: LanguageModelV3Prompt[number]): { role: TranscriptRole; turnsPage?: true } | undefined {
  const option = message.providerOptions?.[TRANSCRIPT_OPTION] as { role?: TranscriptRole; turnsPage?: true } | undefined;
  return option?.role ? { role: option.role, turnsPage: option.turnsPage } : undefined;
}

/** Tag and priority calls the keyword rules ask for (the highest priority wins). */
function classify(rules: readonly KeywordRule[], text: string): PlannedCall[] {
  const words = ` ${tokenize(text).join(' ')} `;
  const matching = rules.filter((rule) => rule.keywords.some((keyword) => words.includes(` ${tokenize(keyword).join(' ')} `)));
  const tags = [...new Set(matching.flatMap((rule) => rule.tags ?? []))];
  const priorities = matching.flatMap((rule) => (rule.priority ? [rule.priority] : []));
  const calls: PlannedCall[] = [];
  if (tags.length > 0) calls.push({ toolName: 'tag', input: { tags } });
  if (priorities.length > 0) {
    const highest = priorities.reduce<Priority>((a, b) => (PRIORITIES.indexOf(b) > PRIORITIES.indexOf(a) ? b : a), priorities[0] as Priority);
    calls.push({ toolName: 'set_priority', input: { priority: highest } });
  }
  return calls;
}

/**
 * A reply answering each unanswered message its best-matching snippet answers (each snippet once,
 * in the order asked), or an escalation saying why there is none. Messages no snippet answers
 * ("thanks!") are passed over when another one is answered; when all of them are small talk
 * (greetings, thanks), the reply is small talk too.
 */
function answer(config: RulesConfig, index: Bm25Index<KnowledgeSnippet>, unanswered: readonly string[]): PlannedCall {
  const summary = cutText(unanswered.join('\n'), 500);
  if (unanswered.some((text) => findPhrase(text, config.escalation.humanRequestPhrases) !== undefined)) {
    return { toolName: 'escalate', input: { reason: 'The visitor asked to talk to a person', summary } };
  }
  const answerOf = (text: string): string[] => {
    const best = index.search(text)[0];
    return best && best.score >= MIN_SCORE ? [best.doc.text] : [];
  };
  const answers = new Set<string>();
  for (const text of unanswered) {
    // Each question of a message gets its own snippet; a message no part of which is answered is tried whole.
    const found = questionsOf(text).flatMap(answerOf);
    for (const snippet of found.length > 0 ? found : answerOf(text)) answers.add(snippet);
  }
  if (answers.size === 0) {
    const smallTalk = smallTalkReply(unanswered);
    if (smallTalk) return { toolName: 'reply', input: { text: smallTalk } };
    return { toolName: 'escalate', input: { reason: 'No answer to this question in the knowledge base', summary } };
  }
  return { toolName: 'reply', input: { text: [...answers].join('\n\n') } };
}

/** A message's questions: its sentences, and the parts of one joined by "and how/what/…" (two words at least each). */
function questionsOf(text: string): string[] {
  return text
    .split(/[?!.\n]+|,?\s+(?:and|also)\s+(?=(?:how|what|where|when|why|can|could|do|does|is|are)\b)/i)
    .map((part) => part.trim())
    .filter((part) => tokenize(part).length >= 2);
}

/** The calls for this step, given what earlier steps of the turn already did. */
function nextCalls(reading: PromptReading, classification: PlannedCall[], planned: PlannedCall): PlannedCall[] {
  const { offeredTools, called } = reading;
  const offered = (call: PlannedCall) => offeredTools.has(call.toolName);
  const classified = called.has('tag') || called.has('set_priority');
  const toClassify = classification.filter(offered);
  if (!classified && toClassify.length > 0) return toClassify;

  const escalation: PlannedCall = { toolName: 'escalate', input: { reason: 'The assistant could not reply', summary: cutText(reading.unanswered.join('\n'), 500) } };
  if (!called.has('reply') && !called.has('escalate')) {
    if (offered(planned)) return [planned];
    return offered(escalation) ? [escalation] : [];
  }
  const replyRejected = called.get('reply') === false;
  return replyRejected && !called.has('escalate') && offered(escalation) ? [escalation] : [];
}

function promptWords(prompt: LanguageModelV3Prompt): number {
  return prompt.reduce((n, message) => n + JSON.stringify(message.content).split(/\s+/).length, 0);
}

/** The generated result as a stream: what `streamText` callers of this model receive. */
function streamOf(result: LanguageModelV3GenerateResult): ReadableStream<LanguageModelV3StreamPart> {
  const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }];
  result.content.forEach((part, i) => {
    if (part.type === 'text') {
      const id = `text-${i}`;
      parts.push({ type: 'text-start', id }, { type: 'text-delta', id, delta: part.text }, { type: 'text-end', id });
    } else if (part.type === 'tool-call') {
      const id = part.toolCallId;
      parts.push(
        { type: 'tool-input-start', id, toolName: part.toolName },
        { type: 'tool-input-delta', id, delta: part.input },
        { type: 'tool-input-end', id },
        part,
      );
    }
  });
  parts.push({ type: 'finish', usage: result.usage, finishReason: result.finishReason });
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part);
      controller.close();
    },
  });
}
