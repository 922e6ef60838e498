/** `note`: an internal note from an agent or the AI; always private. */
import { z } from 'zod';
import { defineItemType } from '../define';
import { itemText } from './text';

export const noteType = defineItemType({
  name: 'note',
  schema: z.object({ text: itemText }),
  visibility: 'private',
  creators: ['human', 'ai'],
  reduceSummary: ({ item }) => `Note: ${item.text ?? ''}`,
});
