/** `metadata.widget` of a new conversation: where the widget says the visitor was (domain/widget-context.ts). */
import { z } from 'zod';
import { label } from '../../domain/label-schema';
import { timeZoneName } from '../../domain/time-zone';
import { LANGUAGE_TAG, MAX_LANGUAGE_TAG_LENGTH, MAX_PAGE_ADDRESS_LENGTH, MAX_PAGE_TITLE_LENGTH, type WidgetContext } from '../../domain/widget-context';

/** An http(s) address without query or fragment. */
const pageAddress = z
  .url({ protocol: /^https?$/, error: 'an http(s) address' })
  .max(MAX_PAGE_ADDRESS_LENGTH)
  .refine((address) => !/[?#]/.test(address), 'without query or fragment');

export const widgetContextSchema = z.strictObject({
  pageUrl: pageAddress.optional(),
  pageTitle: label(z.string().trim().min(1).max(MAX_PAGE_TITLE_LENGTH)).optional(),
  referrer: pageAddress.optional(),
  language: z.string().max(MAX_LANGUAGE_TAG_LENGTH).regex(LANGUAGE_TAG, 'a language tag such as fr-FR').optional(),
  timeZone: timeZoneName.optional(),
}) satisfies z.ZodType<WidgetContext>;
