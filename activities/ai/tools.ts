/**
 * The assistant's tools as the model sees them: descriptions and input schemas, and deliberately no
 * `execute`: the model only proposes; the conversation workflow decides and applies.
 */
import { tool, type ToolSet } from 'ai';
import { z } from 'zod';
import type { AiToolName } from '../../domain/assistant';
import { PRIORITIES } from '../../domain/conversation';
import { asMessageText } from '../../domain/message-text';
import { MISLEADING_IN_NAME, showsNothing } from '../../domain/readable-text';

export const assistantTools = {
  reply: tool({
    description: 'Send a message to the visitor. This is the only way to talk to the visitor; it ends your turn.',
    inputSchema: z.object({ text: z.string().min(1).describe('The message, in the visitor\'s language') }),
  }),
  note: tool({
    description: 'Write a private note for the support team. The visitor never sees it.',
    inputSchema: z.object({ text: z.string().min(1) }),
  }),
  set_priority: tool({
    description: 'Change the conversation\'s priority.',
    inputSchema: z.object({ priority: z.enum(PRIORITIES) }),
  }),
  tag: tool({
    description: 'Add tags to the conversation (e.g. "billing", "technical") so it reaches the right team.',
    inputSchema: z.object({ tags: z.array(z.string().min(1)).min(1) }),
  }),
  resolve: tool({
    description: 'Mark the conversation resolved, once the visitor confirms their question is answered.',
    inputSchema: z.object({ reason: z.string().optional() }),
  }),
  escalate: tool({
    description: 'Hand the conversation to a human. Use it when you cannot answer from the knowledge you have or the visitor asks for a person.',
    inputSchema: z.object({ reason: z.string().min(1), summary: z.string().optional().describe('What the visitor needs, for the human who takes over') }),
  }),
} satisfies Record<AiToolName, ToolSet[string]>;

const MISLEADING = new RegExp(MISLEADING_IN_NAME.source, 'gu');

/** A tag a model wrote as the API takes tags: one line (a control or direction character is a space), trimmed, composed; empty when it shows nothing. */
function asTag(tag: string): string {
  const line = tag.replace(MISLEADING, ' ').trim().normalize('NFC');
  return showsNothing(line) ? '' : line;
}

/**
 * A proposed call's input as the workflow should judge it: a `tag` call's tags as the API takes
 * tags (one line, trimmed, in one Unicode form, NFC), so a model's `ü` written either way is the
 * tag people filter by, not a second one that looks the same; a reply's or note's text held to a message's
 * rules, as a person's is (no control characters, at most 10,000 code points; empty, which the
 * workflow refuses, when nothing of it would show). Anything else as the model gave it.
 */
export function proposedInput(toolName: string, input: unknown): unknown {
  // A call whose input the SDK could not validate comes as the model wrote it: the workflow judges it and says what is wrong.
  if (typeof input !== 'object' || input === null) return input;
  const { tags, text } = input as { tags?: unknown; text?: unknown };
  if (toolName === 'tag' && Array.isArray(tags)) return { ...input, tags: tags.map((tag: unknown) => (typeof tag === 'string' ? asTag(tag) : tag)) };
  if ((toolName === 'reply' || toolName === 'note') && typeof text === 'string') return { ...input, text: asMessageText(text) };
  return input;
}
