/**
 * The shape and size of a lifecycle operation, checked where code outside the product makes one: a
 * plugin's reaction. (REST bodies have their own schemas with these limits; the workflow's validators
 * then judge whether the operation may happen now.)
 */
import { z } from 'zod';
import { PRIORITIES } from './conversation';
import { UNREADABLE_IN_TEXT } from './readable-text';

export const MAX_TITLE_LENGTH = 200;
export const MAX_TAG_LENGTH = 50;
export const MAX_AI_PAUSE_MINUTES = 7 * 24 * 60;
export const MAX_REASON_LENGTH = 500;
export const MAX_ESCALATION_SUMMARY_LENGTH = 2_000;
/** Tags one request (or one operation) may add or remove. */
export const MAX_TAGS_PER_CHANGE = 20;

/**
 * No hidden control or text-direction characters in what people read. Stricter than a REST body's
 * reasons (which take direction marks) and kept so: reactions are judged inside the workflow, and a
 * changed rule would make recorded runs replay otherwise.
 */
const readable = (max: number) => z.string().max(max).refine((value) => !UNREADABLE_IN_TEXT.test(value), 'no control or text-direction characters');
const reason = readable(MAX_REASON_LENGTH);
const tags = z.array(readable(MAX_TAG_LENGTH)).max(MAX_TAGS_PER_CHANGE);
/** As the REST API's ids. */
const userId = z.string().min(1).max(128);

// Strict: a field the operation does not have (holding a BigInt, a cycle, megabytes) is refused too.
const lifecycleOperationSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('resolve'), reason: reason.optional(), itemsUpTo: z.number().int().optional() }),
  z.strictObject({ op: z.literal('reopen'), reason: reason.optional() }),
  z.strictObject({ op: z.literal('set_priority'), priority: z.enum(PRIORITIES), expectedPriority: z.enum(PRIORITIES).optional() }),
  // A plugin sets a title but does not clear one (`null`): earlier versions skipped a reaction's null
  // title, and taking it now would change what the runs that recorded one replay to.
  z.strictObject({ op: z.literal('set_title'), title: readable(MAX_TITLE_LENGTH) }),
  z.strictObject({ op: z.literal('add_tags'), tags }),
  z.strictObject({ op: z.literal('remove_tags'), tags }),
  z.strictObject({ op: z.literal('join'), userId }),
  z.strictObject({ op: z.literal('leave'), userId, reason: reason.optional() }),
  z.strictObject({ op: z.literal('assign'), userId, expectedAssigneeId: userId.nullable().optional() }),
  z.strictObject({ op: z.literal('unassign'), expectedAssigneeId: userId.optional(), reason: reason.optional() }),
  z.strictObject({ op: z.literal('escalate'), reason, summary: readable(MAX_ESCALATION_SUMMARY_LENGTH).optional() }),
  z.strictObject({ op: z.literal('hand_back'), reason: reason.optional() }),
  z.strictObject({ op: z.literal('pause_ai'), minutes: z.number().optional() }),
  z.strictObject({ op: z.literal('resume_ai'), reason: reason.optional() }),
]);

/** What is wrong with `value` as a lifecycle operation (naming the field), or undefined when it is one. */
export function operationProblem(value: unknown): string | undefined {
  const parsed = lifecycleOperationSchema.safeParse(value);
  if (parsed.success) return undefined;
  return parsed.error.issues.map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}
