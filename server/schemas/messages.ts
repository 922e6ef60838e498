import { z } from 'zod';
import { clientId } from './common';
import { newItemSchema } from './items';

export const postMessageBody = z.object({
  conversationId: clientId,
  item: newItemSchema,
});
