/**
 * A new timeline item as a client sends it. Only the shape every item shares is checked here;
 * the plugin registry validates each type's own fields. Fields the server assigns are refused.
 */
import { z } from 'zod';
import { itemText } from '../../plugins/builtin/text';
import { clientItemId } from './common';

const filePart = z.object({
  type: z.literal('file'),
  fileId: z.string().min(1).max(128),
  filename: z.string().max(255).optional(),
  mediaType: z.string().max(255).optional(),
});
// Text as the message type takes it (trimmed before its length is counted), so a refusal names the field here.
const textPart = z.object({ type: z.literal('text'), text: itemText });

export const newItemSchema = z
  .looseObject({
    id: clientItemId.optional(),
    type: z.string().min(1).max(100),
    text: itemText.optional(),
    parts: z.array(z.discriminatedUnion('type', [textPart, filePart])).max(20).optional(),
    visibility: z.enum(['public', 'private']).optional(),
    seq: z.never({ error: 'assigned by the server' }).optional(),
    author: z.never({ error: 'the server records who wrote the item' }).optional(),
    createdAt: z.never({ error: 'assigned by the server' }).optional(),
    conversationId: z.never({ error: 'given beside the item, not inside it' }).optional(),
  });
export type NewItemInput = z.output<typeof newItemSchema>;
