/** `note`: an internal note from an agent or the AI, with text and/or files, as a message; always private. */
import { defineItemType } from '../define';
import { textOrPartsSchema, textOrPartsSummary } from './message';

export const noteType = defineItemType({
  name: 'note',
  schema: textOrPartsSchema,
  visibility: 'private',
  creators: ['human', 'ai'],
  reduceSummary: (args) => `Note: ${textOrPartsSummary(args)}`,
});
