/** `metadata.widget` of a new conversation: where the widget says the visitor was (domain/widget-context.ts). */
import { z } from 'zod';
import { label } from '../../domain/label-schema';
import { timeZoneName } from '../../domain/time-zone';
import { LANGUAGE_TAG, MAX_LANGUAGE_TAG_LENGTH, MAX_PAGE_ADDRESS_LENGTH, MAX_PAGE_TITLE_LENGTH, pageAddressOf, type WidgetContext } from '../../domain/widget-context';

/** What is wrong with a page address, if anything: the inbox links to it, so it must be `https://host/path` written as a browser writes it. */
function addressProblem(address: string): string | undefined {
  const kept = pageAddressOf(address);
  if (kept === undefined) return 'an http(s) address';
  return address === kept ? undefined : 'origin and path only (no user, query or fragment), written as a browser does (`https://shop.example/cart`)';
}

const pageAddress = z
  .string()
  .max(MAX_PAGE_ADDRESS_LENGTH)
  .superRefine((address, ctx) => {
    const problem = addressProblem(address);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const pageTitle = label(z.string().trim().min(1).max(MAX_PAGE_TITLE_LENGTH));

export const widgetContextSchema = z.strictObject({
  pageUrl: pageAddress.optional(),
  pageTitle: pageTitle.optional(),
  referrer: pageAddress.optional(),
  language: z.string().max(MAX_LANGUAGE_TAG_LENGTH).regex(LANGUAGE_TAG, 'a language tag such as fr-FR').optional(),
  timeZone: timeZoneName.optional(),
}) satisfies z.ZodType<WidgetContext>;

/** A page the widget says its visitor is on now (the `pageViewed` frame): checked as the context's page is. */
export const viewedPageSchema = z.strictObject({ pageUrl: pageAddress, pageTitle: pageTitle.optional() });
export type ViewedPage = z.output<typeof viewedPageSchema>;
