/**
 * Creating a conversation: validate its initial items first (nothing is written for a bad
 * request), insert it (idempotent on a client-chosen id), insert the initial items with ids
 * derived from the conversation's so a retried request does not repeat them, then tell the
 * workflow (signal-with-start) about each.
 */
import type { z } from 'zod';
import type { Conversation } from '../../domain/conversation';
import { AppError } from '../../domain/errors';
import type { TimelineItem } from '../../domain/timeline';
import { pluginAudienceOf, storeAudienceOf, viewFor } from '../access';
import { requireActingAgent, type Caller } from '../caller';
import type { createConversationBody } from '../schemas/conversations';
import { appendValidated, validateItem, type ItemServiceDeps } from './items';

export type CreateConversationInput = z.output<typeof createConversationBody>;

function ownerVisitorId(caller: Caller, input: CreateConversationInput): string {
  if (caller.kind === 'visitor') {
    if (input.visitorId && input.visitorId !== caller.visitorId) throw new AppError('ERR_FORBIDDEN', 'A visitor opens conversations for itself only');
    return caller.visitorId;
  }
  requireActingAgent(caller);
  if (!input.visitorId) throw new AppError('ERR_INVALID_INPUT', 'visitorId is required', { fields: [{ path: 'body.visitorId', message: 'required for the team' }] });
  return input.visitorId;
}

export async function createConversation(
  deps: ItemServiceDeps,
  caller: Caller,
  input: CreateConversationInput,
): Promise<{ conversation: Conversation; initialTimelineItems: TimelineItem[] }> {
  const websiteId = caller.website.id;
  // Priority and tags are the team's triage (contract: visitors cannot change priority or tag).
  if (caller.kind === 'visitor' && (input.priority !== undefined || input.tags !== undefined)) {
    throw new AppError('ERR_FORBIDDEN', 'Visitors cannot set priority or tags');
  }
  const visitorId = ownerVisitorId(caller, input);
  const initial = (input.defaultTimelineItems ?? []).map((item, index) => validateItem(deps.plugins, caller, item, `body.defaultTimelineItems.${index}`));
  if (caller.kind === 'agent') await deps.store.upsertVisitor(websiteId, visitorId);

  const { conversation } = await deps.store.createConversation(
    { id: input.conversationId, websiteId, visitorId, priority: input.priority, tags: input.tags, metadata: input.metadata },
    storeAudienceOf(caller),
  );
  const items: TimelineItem[] = [];
  for (const [index, validated] of initial.entries()) {
    const { item } = await appendValidated(deps.store, conversation.id, validated, validated.id ?? `${conversation.id}.initial.${index}`, `body.defaultTimelineItems.${index}`);
    deps.notifier.sendRecorded(conversation, item);
    items.push(item);
  }
  const visible = items.filter((item) => deps.plugins.isVisibleTo(item, pluginAudienceOf(caller)));
  const last = visible.at(-1) ?? conversation.lastTimelineItem;
  return { conversation: viewFor(caller, { ...conversation, ...(last ? { lastTimelineItem: last } : {}) }), initialTimelineItems: visible };
}
