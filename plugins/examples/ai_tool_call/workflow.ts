/** `ai_tool_call`: a private record of every tool the AI assistant invoked, and what came of it. */
import { z } from 'zod';
import { defineItemType, definePlugin } from '../../define';

export const TOOL_CALL_STATES = ['accepted', 'rejected', 'failed'] as const;

const toolCallSchema = z
  .object({
    toolName: z.string().min(1).max(100),
    input: z.record(z.string(), z.unknown()),
    output: z.unknown().optional(),
    state: z.enum(TOOL_CALL_STATES),
    error: z.string().min(1).max(2_000).optional(),
  })
  .refine((call) => call.state === 'accepted' || call.error !== undefined, {
    path: ['error'],
    message: 'A rejected or failed tool call says why',
  });

export const aiToolCallType = defineItemType({
  name: 'ai_tool_call',
  schema: toolCallSchema,
  visibility: 'private',
  creators: ['ai', 'system'],
  reduceSummary: ({ item }) =>
    `AI tool ${item.fields.toolName}: ${item.fields.state}${item.fields.error ? ` (${item.fields.error})` : ''}`,
});

export default definePlugin({ name: 'ai_tool_call', version: '1.0.0', itemTypes: [aiToolCallType] });
