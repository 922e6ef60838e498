import { z } from 'zod';
import { CONVERSATION_SORTS, CONVERSATION_STATUSES, HANDLER_FILTERS, PRIORITIES } from '../../domain/conversation';
import { readableText, tag } from '../../domain/label-schema';
import { MAX_AI_PAUSE_MINUTES, MAX_ESCALATION_SUMMARY_LENGTH, MAX_REASON_LENGTH, MAX_TAGS_PER_CHANGE } from '../../domain/operation-schema';
import { clientId, entityId, itemSeq, pageQuery, pathParams, queryInt, queryTime, searchText, storedTag, strictQuery, tagFilter, title } from './common';
import { newItemSchema } from './items';
import { widgetContextSchema } from './widget-context';

export const conversationParams = pathParams(z.object({ id: clientId }));
export const participantParams = pathParams(z.object({ id: clientId, userId: entityId }));
export const itemActionParams = pathParams(z.object({ id: clientId, itemId: entityId, actionId: entityId }));

export const createConversationBody = z.object({
  conversationId: clientId.optional(),
  visitorId: clientId.optional(),
  defaultTimelineItems: z.array(newItemSchema).max(10).optional(),
  priority: z.enum(PRIORITIES).optional(),
  tags: z.array(tag).max(MAX_TAGS_PER_CHANGE).optional(),
  // The caller's own fields, and under `widget` where the widget says the visitor was (checked: the inbox shows it).
  metadata: z.looseObject({ widget: widgetContextSchema.optional() }).optional(),
});

export const listConversationsQuery = strictQuery({
  q: searchText.optional(),
  status: z.enum(CONVERSATION_STATUSES).optional(),
  priority: z.enum(PRIORITIES).optional(),
  tag: tagFilter.optional(),
  assigneeId: entityId.optional(),
  handler: z.enum(HANDLER_FILTERS).optional(),
  updatedSince: queryTime.optional(),
  sort: z.enum(CONVERSATION_SORTS).optional(),
  ...pageQuery,
})
  // A sync lists the oldest change first, so that nothing changed while it pages is missed: another order would.
  .refine((query) => query.sort === undefined || query.updatedSince === undefined, {
    error: 'a listing by updatedSince comes oldest change first: give sort or updatedSince, not both',
    path: ['sort'],
  });

export const timelineQuery = strictQuery({
  ...pageQuery,
  afterSeq: queryInt(0, Number.MAX_SAFE_INTEGER).optional(),
  beforeSeq: queryInt(1, Number.MAX_SAFE_INTEGER).optional(),
});

export const reasonBody = z.object({ reason: readableText(z.string().max(MAX_REASON_LENGTH)).optional() });
/** A resolve may say the newest item the agent saw (`upToSeq`): the visitor's messages after it are not taken as seen. */
export const resolveBody = reasonBody.extend({ upToSeq: z.number().int().min(0).optional() });

/** `expectedPriority`: the priority the agent saw; a change since then is a `409` rather than overwritten. */
export const patchConversationBody = z
  .object({ priority: z.enum(PRIORITIES).optional(), expectedPriority: z.enum(PRIORITIES).optional(), title: title.nullable().optional() })
  .refine((b) => b.priority !== undefined || b.title !== undefined, { error: 'give priority or title', path: ['priority'] })
  .refine((b) => b.expectedPriority === undefined || b.priority !== undefined, { error: 'only with priority', path: ['expectedPriority'] });

export const tagsBody = z
  .object({ add: z.array(tag).max(MAX_TAGS_PER_CHANGE).optional(), remove: z.array(storedTag).max(MAX_TAGS_PER_CHANGE).optional() })
  .refine((b) => (b.add?.length ?? 0) + (b.remove?.length ?? 0) > 0, { error: 'give tags to add or remove', path: ['add'] })
  .refine((b) => !b.remove?.some((tag) => b.add?.includes(tag)), { error: 'a tag cannot be both added and removed', path: ['remove'] });

export const userBody = z.object({ userId: entityId });
/** `expectedAssigneeId`: the assignee the agent saw (`null`: none); a change since then is a `409` rather than overwritten. */
export const assignBody = userBody.extend({ expectedAssigneeId: entityId.nullable().optional() });
/** `expectedAssigneeId`: the assignee the agent saw; someone else assigned since then is a `409` rather than taken off. */
export const unassignBody = reasonBody.extend({ expectedAssigneeId: entityId.optional() });
export const escalateBody = z.object({ reason: readableText(z.string().trim().min(1).max(MAX_REASON_LENGTH)), summary: readableText(z.string().max(MAX_ESCALATION_SUMMARY_LENGTH)).optional() });
export const pauseAiBody = z.object({ minutes: z.number().int().min(1).max(MAX_AI_PAUSE_MINUTES).optional() });
export const typingBody = z.object({ isTyping: z.boolean() });
/** `seq`: seen up to this item (absent: up to the newest). */
export const seenBody = z.object({ seq: itemSeq.optional() });
/** The answer's own shape is the action's schema, checked by its plugin. */
export const actionAnswerBody = z.object({ answer: z.unknown() });
