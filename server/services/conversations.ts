/**
 * Creating a conversation: validate its initial items first (nothing is written for a bad
 * request, nor for file parts, nor for ids another conversation's items hold), insert it (idempotent on a client-chosen
 * id: a retry must ask for the same content, initial items included), insert the initial items with ids
 * derived from the conversation's so a retried request does not repeat them, then tell the
 * workflow (signal-with-start) about each.
 */
import type { z } from 'zod';
import type { Conversation } from '../../domain/conversation';
import { AppError } from '../../domain/errors';
import type { TimelineItem } from '../../domain/timeline';
import type { ValidatedItem } from '../../plugins/registry';
import { pluginAudienceOf, storeAudienceOf, viewFor } from '../access';
import { requireActingAgent, type Caller } from '../caller';
import type { createConversationBody } from '../schemas/conversations';
import { appendValidated, partsOf, refuseOutOfStatus, validateItem, type ItemServiceDeps } from './items';
import { welcomeMessagesOf, withWelcomeAuthor } from './welcome-messages';
import type { WorkflowStarts } from './workflow-start';

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
  deps: ItemServiceDeps & { workflowStarts: WorkflowStarts },
  caller: Caller,
  input: CreateConversationInput,
): Promise<{ conversation: Conversation; initialTimelineItems: TimelineItem[]; created: boolean }> {
  const websiteId = caller.website.id;
  // Priority and tags are the team's triage (contract: visitors cannot change priority or tag).
  if (caller.kind === 'visitor' && (input.priority !== undefined || input.tags !== undefined)) {
    throw new AppError('ERR_FORBIDDEN', 'Visitors cannot set priority or tags');
  }
  const visitorId = ownerVisitorId(caller, input);
  const validated = (input.defaultTimelineItems ?? []).map((item, index) => validateItem(deps.plugins, caller, item, `body.defaultTimelineItems.${index}`));
  // A visitor's leading items that say the website's welcome messages are its assistant's words (welcome-messages.ts).
  const initial = caller.kind === 'visitor' && validated.length > 0 ? withWelcomeAuthor(validated, await welcomeMessagesOf(deps.store, await deps.store.listTeamMembers(websiteId))) : validated;
  initial.forEach(refuseFileParts);
  for (const validated of initial) refuseOutOfStatus(deps.plugins, validated, 'open');
  const initialIds = initial.map((validated, index) => validated.id ?? (input.conversationId && `${input.conversationId}.initial.${index}`));
  await refuseTakenIds(deps, initialIds, input.conversationId);
  // The team names a visitor the website has (one the widget made): a mistyped id would open a conversation nobody reads.
  if (caller.kind === 'agent' && !(await deps.store.getVisitor(websiteId, visitorId))) {
    throw new AppError('ERR_INVALID_INPUT', `No visitor ${visitorId}`, { fields: [{ path: 'body.visitorId', message: 'names no visitor of this website' }] });
  }

  const { conversation, created } = await deps.store.createConversation(
    {
      id: input.conversationId,
      websiteId,
      visitorId,
      priority: input.priority,
      tags: input.tags,
      metadata: input.metadata,
      initialItems: initial,
      requestedItems: input.defaultTimelineItems,
      aiAssistantId: await deps.workflowStarts.aiAssistantOf(websiteId),
    },
    storeAudienceOf(caller),
  );
  const items: TimelineItem[] = [];
  for (const [index, validated] of initial.entries()) {
    const id = initialIds[index] ?? `${conversation.id}.initial.${index}`;
    const { item } = await appendValidated(deps.store, conversation.id, validated, id, `body.defaultTimelineItems.${index}`);
    deps.notifier.sendRecorded(conversation, item);
    items.push(item);
  }
  const visible = items.filter((item) => deps.plugins.isVisibleTo(item, pluginAudienceOf(caller)));
  const written = visible.at(-1);
  // The conversation was read before its items were written: its last item and time are theirs now.
  const newest = written ? { lastTimelineItem: written, updatedAt: later(conversation.updatedAt, written.createdAt) } : {};
  return { conversation: viewFor(caller, { ...conversation, ...newest }, deps.plugins), initialTimelineItems: visible, created };
}

const later = (a: string, b: string): string => (a > b ? a : b);

/** Files are uploaded to a conversation that exists: an initial item can name none (refused before anything is written). */
function refuseFileParts({ fields }: ValidatedItem, index: number): void {
  const file = partsOf(fields).findIndex((part) => part.type === 'file');
  if (file < 0) return;
  throw new AppError('ERR_INVALID_INPUT', 'An initial item cannot carry a file', {
    fields: [{ path: `body.defaultTimelineItems.${index}.parts.${file}.fileId`, message: 'upload files after the conversation is created, then send them in a message' }],
  });
}

/**
 * Refuses, before anything is written, initial item ids the request repeats (400) or another
 * conversation's item holds (409): found only while writing them, the conversation would be left
 * created without them, and every retry refused.
 */
async function refuseTakenIds(deps: ItemServiceDeps, ids: Array<string | undefined>, conversationId: string | undefined): Promise<void> {
  const seen = new Set<string>();
  for (const [index, id] of ids.entries()) {
    if (id === undefined) continue;
    if (seen.has(id)) throw new AppError('ERR_INVALID_INPUT', `item id ${id} is given twice`, { fields: [{ path: `body.defaultTimelineItems.${index}.id`, message: 'given twice' }] });
    seen.add(id);
    const existing = await deps.store.getItem(id);
    if (existing && existing.conversationId !== conversationId) throw new AppError('ERR_CONFLICT', `item ${id} already exists with other content`);
  }
}
