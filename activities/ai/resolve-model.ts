/** Which model a configuration's `model` spec means, and whether this server can run it. */
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { ApplicationFailure } from '@temporalio/common';
import type { AssistantConfig } from '../../domain/assistant';
import { createRuleBasedModel } from './rule-based-model';

export type ModelResolver = (spec: string, config: AssistantConfig) => LanguageModelV3;

export interface OpenAiSettings {
  apiKey?: string;
  /** Any OpenAI-compatible server; such servers get the Chat Completions API, which they all speak. */
  baseURL?: string;
}

const OPENAI_PREFIX = 'openai:';

/**
 * Why a server with these settings cannot run the model a spec names (an `openai:` model needs an
 * API key), or undefined when it can. The one rule for saving a configuration and for running it.
 */
export function modelProblem(spec: string, settings: Pick<OpenAiSettings, 'apiKey'>): string | undefined {
  if (spec === 'builtin:rules') return undefined;
  if (!spec.startsWith(OPENAI_PREFIX)) return `Unknown model "${spec}": expected "openai:<model>" or "builtin:rules"`;
  return settings.apiKey ? undefined : `The model "${spec}" needs OPENAI_API_KEY, which this server does not have: set it, or give the assistant "builtin:rules"`;
}

/**
 * `builtin:rules` → the rule-based model; `openai:<model>` → that OpenAI model. A model this server
 * cannot run fails the call (non-retryable, naming what is missing) rather than answering with the
 * rule-based model instead, which nothing would tell apart: the turn hands the conversation to the team.
 */
export function createModelResolver(settings: OpenAiSettings): ModelResolver {
  const openai = settings.apiKey ? createOpenAI({ apiKey: settings.apiKey, baseURL: settings.baseURL }) : undefined;
  return (spec, config) => {
    const problem = modelProblem(spec, settings);
    if (problem) throw ApplicationFailure.nonRetryable(problem, 'AiConfigError');
    if (openai && spec.startsWith(OPENAI_PREFIX)) {
      const modelId = spec.slice(OPENAI_PREFIX.length);
      return settings.baseURL ? openai.chat(modelId) : openai(modelId);
    }
    return createRuleBasedModel(config);
  };
}
