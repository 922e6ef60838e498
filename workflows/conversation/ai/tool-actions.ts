/** Turns a model's tool call into what the workflow does with it. Pure; checks the input's shape. */
import type { AiToolName } from '../../../domain/assistant';
import { AI_TOOL_NAMES } from '../../../domain/assistant';
import { PRIORITIES, type Priority } from '../../../domain/conversation';
import type { LifecycleOperation } from '../../../domain/operations';
import type { ModelToolCall } from './types';

export type ToolAction =
  | { kind: 'reply'; text: string }
  | { kind: 'note'; text: string }
  | { kind: 'operation'; operation: LifecycleOperation };

const isAiTool = (name: string): name is AiToolName => (AI_TOOL_NAMES as readonly string[]).includes(name);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const optionalString = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';

/** The action for a tool call, or why its input cannot be used. Permissions are checked by the caller. */
export function toToolAction(call: ModelToolCall): { action: ToolAction } | { error: string } {
  if (!isAiTool(call.toolName)) return { error: `Unknown tool "${call.toolName}"` };
  const input = (typeof call.input === 'object' && call.input !== null ? call.input : {}) as Record<string, unknown>;
  switch (call.toolName) {
    case 'reply':
    case 'note':
      return nonEmpty(input.text) ? { action: { kind: call.toolName, text: input.text } } : { error: '`text` must be a non-empty string' };
    case 'set_priority':
      return PRIORITIES.includes(input.priority as Priority)
        ? { action: { kind: 'operation', operation: { op: 'set_priority', priority: input.priority as Priority } } }
        : { error: `\`priority\` must be one of ${PRIORITIES.join(', ')}` };
    case 'tag': {
      const tags = input.tags;
      return Array.isArray(tags) && tags.length > 0 && tags.every(nonEmpty)
        ? { action: { kind: 'operation', operation: { op: 'add_tags', tags } } }
        : { error: '`tags` must be a non-empty list of strings' };
    }
    case 'resolve':
      return optionalString(input.reason)
        ? { action: { kind: 'operation', operation: { op: 'resolve', reason: input.reason } } }
        : { error: '`reason` must be a string' };
    case 'escalate':
      return nonEmpty(input.reason) && optionalString(input.summary)
        ? { action: { kind: 'operation', operation: { op: 'escalate', reason: input.reason, summary: input.summary } } }
        : { error: '`reason` must be a non-empty string' };
  }
}
