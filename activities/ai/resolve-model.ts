/** Which model a configuration's `model` spec means. */
import { createOpenAI } from '@ai-sdk/openai';
import type { LanguageModelV3 } from '@ai-sdk/provider';
import type { AssistantConfig } from '../../domain/assistant';
import { createRuleBasedModel } from './rule-based-model';

export type ModelResolver = (spec: string, config: AssistantConfig) => LanguageModelV3;

export interface OpenAiSettings {
  apiKey?: string;
  /** Any OpenAI-compatible server; such servers get the Chat Completions API, which they all speak. */
  baseURL?: string;
}

/**
 * `openai:<model>` → that OpenAI model when an API key is set; anything else, or no key, → the
 * built-in rule-based model (so a fresh install answers offline).
 */
export function createModelResolver(settings: OpenAiSettings = { apiKey: process.env.OPENAI_API_KEY, baseURL: process.env.OPENAI_BASE_URL }): ModelResolver {
  const openai = settings.apiKey ? createOpenAI({ apiKey: settings.apiKey, baseURL: settings.baseURL }) : undefined;
  return (spec, config) => {
    const modelId = spec.startsWith('openai:') ? spec.slice('openai:'.length) : undefined;
    if (openai && modelId) return settings.baseURL ? openai.chat(modelId) : openai(modelId);
    return createRuleBasedModel(config);
  };
}
