/** Scripted MockLanguageModelV3 results: one per model call, each a list of tool calls. */
import type { LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';

export type ScriptedStep = Array<[toolName: string, input: Record<string, unknown>]>;

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 5, text: 5, reasoning: undefined },
};

export function stepResult(calls: ScriptedStep, step = 0): LanguageModelV3GenerateResult {
  return {
    content: calls.map(([toolName, input], i) => ({ type: 'tool-call', toolCallId: `call-${step}-${i}`, toolName, input: JSON.stringify(input) })),
    finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
    usage,
    warnings: [],
  };
}

export function scriptedModel(...steps: ScriptedStep[]): MockLanguageModelV3 {
  return new MockLanguageModelV3({ doGenerate: steps.map((calls, i) => stepResult(calls, i)) });
}

/** A model whose every call fails with `message`. */
export function failingModel(message: string): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doGenerate: async () => {
      throw new Error(message);
    },
  });
}
