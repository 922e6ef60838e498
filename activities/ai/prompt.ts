/**
 * How a turn is put to a model: the system prompt, the conversation as messages, then this turn's
 * earlier steps as tool calls and tool results. Visitor messages carry a provider option marking
 * them, so the rule-based model can tell the visitor from the team without parsing text.
 */
import type { JSONValue } from '@ai-sdk/provider';
import type { ModelMessage } from 'ai';
import type { AssistantConfig, KnowledgeSnippet } from '../../domain/assistant';
import type { AiStep, ContextEntry, ConversationContext, ToolOutcome } from '../../workflows/conversation/ai/types';
import { Bm25Index } from './bm25';

/** Provider-options key on transcript messages; other providers ignore keys they do not own. */
export const TRANSCRIPT_OPTION = 'supportChat';
export type TranscriptRole = ContextEntry['role'];

/** How many knowledge snippets go into an LLM's system prompt. */
const KNOWLEDGE_IN_PROMPT = 5;

const LABELS: Record<Exclude<TranscriptRole, 'visitor' | 'assistant'>, string> = {
  agent: '[support agent]',
  note: '[internal note, not visible to the visitor]',
  event: '[event]',
  item: '[item]',
};

export function systemPrompt(config: AssistantConfig, context: ConversationContext): string {
  const question = unansweredVisitorText(context.entries);
  const snippets = relevantKnowledge(config.knowledge, question);
  return [
    config.instructions,
    'You are talking with a website visitor in a support chat. Speak to the visitor only with the `reply` tool; text outside tool calls is never shown.',
    'Every step, call one or more tools. Use `escalate` when the knowledge below does not answer the question or the visitor wants a person.',
    snippets.length > 0 ? `Knowledge:\n${snippets.map((s) => `## ${s.title}\n${s.text}`).join('\n\n')}` : 'Knowledge: none.',
    context.truncated ? 'Older messages of this conversation were left out.' : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

export function toModelMessages(context: ConversationContext, steps: readonly AiStep[]): ModelMessage[] {
  return [...context.entries.map(transcriptMessage), ...steps.flatMap(stepMessages)];
}

/** Whether what the visitor said before this entry is answered, or no longer the assistant's to answer. */
export const closesQuestions = (entry: Pick<ContextEntry, 'role' | 'turnsPage'>): boolean => entry.role === 'assistant' || entry.role === 'agent' || entry.turnsPage === true;

/** The visitor's messages since the assistant or an agent last spoke (or the conversation changed hands), joined: what the turn answers. */
export function unansweredVisitorText(entries: readonly ContextEntry[]): string {
  const texts: string[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i] as ContextEntry;
    if (closesQuestions(entry)) break;
    if (entry.role === 'visitor') texts.unshift(entry.text);
  }
  return texts.join('\n');
}

function relevantKnowledge(knowledge: readonly KnowledgeSnippet[], question: string): KnowledgeSnippet[] {
  if (knowledge.length <= KNOWLEDGE_IN_PROMPT) return [...knowledge];
  return new Bm25Index(knowledge, (s) => `${s.title} ${s.text}`)
    .search(question)
    .slice(0, KNOWLEDGE_IN_PROMPT)
    .map((hit) => hit.doc);
}

function transcriptMessage(entry: ContextEntry): ModelMessage {
  const providerOptions = { [TRANSCRIPT_OPTION]: { role: entry.role, ...(entry.turnsPage ? { turnsPage: true } : {}) } };
  if (entry.role === 'visitor') return { role: 'user', content: entry.text, providerOptions };
  if (entry.role === 'assistant') return { role: 'assistant', content: entry.text, providerOptions };
  return { role: 'user', content: `${LABELS[entry.role]} ${entry.text}`, providerOptions };
}

function stepMessages(step: AiStep): ModelMessage[] {
  const calls = step.toolCalls.map((call) => ({ type: 'tool-call' as const, toolCallId: call.toolCallId, toolName: call.toolName, input: call.input }));
  return [
    { role: 'assistant', content: [...(step.text ? [{ type: 'text' as const, text: step.text }] : []), ...calls] },
    { role: 'tool', content: step.outcomes.map(toolResult) },
  ];
}

function toolResult(outcome: ToolOutcome) {
  const output =
    outcome.state === 'accepted'
      ? { type: 'json' as const, value: (outcome.output ?? { ok: true }) as JSONValue }
      : { type: 'error-text' as const, value: `${outcome.state}: ${outcome.error ?? 'no reason given'}` };
  return { type: 'tool-result' as const, toolCallId: outcome.toolCallId, toolName: outcome.toolName, output };
}
