/** `message`: what visitors, agents and the AI say; text and/or parts (text and files). */
import { z } from 'zod';
import { defineItemType } from '../define';
import { itemText } from './text';

function buildPartsSchema() {
  const textPart = z.strictObject({ type: z.literal('text'), text: itemText });
  const filePart = z.strictObject({
    type: z.literal('file'),
    fileId: z.string().min(1),
    filename: z.string().min(1).max(255).optional(),
    mediaType: z.string().min(1).max(255).optional(),
    size: z.number().int().nonnegative().optional(),
    url: z.string().min(1).optional(),
    width: z.number().int().positive().optional(),
    height: z.number().int().positive().optional(),
  });
  return z.array(z.discriminatedUnion('type', [textPart, filePart])).min(1).max(20);
}

let partsSchema: ReturnType<typeof buildPartsSchema> | undefined;

/**
 * Built on first use, like the event schema: the workflow sandbox evaluates this module once per
 * conversation workflow and never parses a message.
 */
const parts = (): ReturnType<typeof buildPartsSchema> => (partsSchema ??= buildPartsSchema());

/** What a message or a note says: text and/or parts (text and files). */
export const textOrPartsSchema = z
  .object({
    text: itemText.optional(),
    parts: z.lazy(parts).optional(),
  })
  .refine((said) => said.text !== undefined || said.parts !== undefined, {
    path: ['text'],
    message: 'A message needs text or parts',
  });

/** One line for the item: its text, or its parts' texts and file names. */
export const textOrPartsSummary = ({ item }: { item: { text?: string; fields: z.output<typeof textOrPartsSchema> } }): string =>
  item.text ??
  (item.fields.parts ?? [])
    .map((part) => (part.type === 'text' ? part.text : `[file: ${part.filename ?? part.fileId}]`))
    .join(' ');

export const messageType = defineItemType({
  name: 'message',
  schema: textOrPartsSchema,
  visibility: 'public',
  creators: ['visitor', 'human', 'ai', 'system'],
  reduceSummary: textOrPartsSummary,
});
