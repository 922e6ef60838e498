/**
 * `quick_replies`: an agent or the AI offers the visitor a few choices. The visitor's pick (action
 * `choose`) is recorded as an ordinary `message` from the visitor with the option's label as its
 * text, and the offer is marked answered.
 */
import { z } from 'zod';
import { AppError } from '../../../domain/errors';
import { messageText } from '../../builtin/text';
import { defineItemAction, defineItemType, definePlugin } from '../../define';

// The label a visitor picks becomes their message's text, so it is checked as one when offered (the prompt too, read as one).
const option = z.strictObject({ id: z.string().min(1).max(64), label: messageText(200) });

const quickRepliesSchema = z
  .object({
    prompt: messageText(1_000),
    options: z.array(option).min(1).max(10),
    answeredOptionId: z.string().optional(),
  })
  .refine((offer) => new Set(offer.options.map((o) => o.id)).size === offer.options.length, {
    path: ['options'],
    message: 'Option ids must be unique',
  })
  .refine((offer) => offer.answeredOptionId === undefined || offer.options.some((o) => o.id === offer.answeredOptionId), {
    path: ['answeredOptionId'],
    message: 'Must be one of the options',
  });

const choose = defineItemAction(quickRepliesSchema, {
  answeredBy: ['visitor'],
  schema: z.strictObject({ optionId: z.string().min(1) }),
  reduceAnswer: ({ item, answer }) => {
    if (item.fields.answeredOptionId !== undefined) throw new AppError('ERR_CONFLICT', 'These quick replies were already answered');
    const picked = item.fields.options.find((o) => o.id === answer.optionId);
    if (!picked) {
      throw new AppError('ERR_INVALID_INPUT', `No option "${answer.optionId}"`, [
        { path: 'answer.optionId', message: 'Must be one of the options' },
      ]);
    }
    return { reply: { type: 'message', text: picked.label }, patch: { answeredOptionId: picked.id } };
  },
});

export const quickRepliesType = defineItemType({
  name: 'quick_replies',
  schema: quickRepliesSchema,
  visibility: 'public',
  creators: ['human', 'ai'],
  reduceSummary: ({ item }) => `${item.fields.prompt} [${item.fields.options.map((o) => o.label).join(' | ')}]`,
  actions: { choose },
});

export default definePlugin({ name: 'quick_replies', version: '1.0.0', itemTypes: [quickRepliesType] });
