/**
 * The message hot path, shared by `POST /v1/messages` and anything else that adds an item for a
 * caller: check access, validate through the plugin registry, store (idempotent on the item id,
 * next seq), answer. A team member's first public message in a conversation joins them first
 * (reply-joins.ts). Sockets hear of it from the store's change stream; the workflow is signalled
 * in the background afterwards.
 */
import { newId, type FileInfo, type ItemToAppend, type Store } from '../../activities/store';
import type { ConversationStatus } from '../../domain/conversation';
import { AppError } from '../../domain/errors';
import type { Author, MessagePart, TimelineItem } from '../../domain/timeline';
import type { PluginRegistry, ValidatedItem } from '../../plugins/registry';
import type { ConversationScopes } from '../access';
import { authorOf, type Caller } from '../caller';
import { inRequest } from '../http-errors';
import type { ReplyJoins } from './reply-joins';
import type { WorkflowNotifier } from './workflow-notifier';

export interface ItemServiceDeps {
  store: Store;
  plugins: PluginRegistry;
  notifier: WorkflowNotifier;
  scopes: ConversationScopes;
}

export const fileUrl = (fileId: string): string => `/v1/files/${encodeURIComponent(fileId)}`;

/**
 * Whether a visitor who may see the file's conversation may see the file (and so share it): the
 * visitor side's own uploads, and files shared in public items; never one the team attached to a
 * private note only.
 */
export async function visitorMaySeeFile(store: Pick<Store, 'isFileInPublicItem'>, file: Pick<FileInfo, 'id' | 'conversationId' | 'uploadedBy'>): Promise<boolean> {
  return file.uploadedBy.kind === 'visitor' || (await store.isFileInPublicItem(file.conversationId, file.id));
}

/**
 * Item types only the workflow's activities write, never an API caller: an `ai_tool_call` is the
 * assistant's audit of what its tool calls did, so one posted by a backend acting as the assistant
 * would be a forged record.
 */
const WORKFLOW_ONLY_TYPES: ReadonlySet<string> = new Set(['ai_tool_call']);

/** Validates a new item for this caller (throws the registry's AppErrors, their fields placed under `where`). */
export function validateItem(plugins: PluginRegistry, caller: Caller, input: unknown, where = 'body.item'): ValidatedItem {
  const author = authorOf(caller);
  const validated = inRequest(where, () => plugins.validateNewItem({ input, author, callerKind: author.kind }));
  if (WORKFLOW_ONLY_TYPES.has(validated.type)) {
    throw new AppError('ERR_FORBIDDEN', `Items of type "${validated.type}" are the AI assistant's record of its own tool calls: only its workflow writes them, not the API`);
  }
  return validated;
}

/**
 * Refuses (409) an item whose type callers may post only while the conversation has another status
 * (`acceptedWhile`: a rating, once it is resolved).
 */
export function refuseOutOfStatus(plugins: PluginRegistry, validated: ValidatedItem, status: ConversationStatus): void {
  const accepted = plugins.acceptedWhile(validated.type);
  if (accepted && !accepted.includes(status)) {
    throw new AppError('ERR_INVALID_TRANSITION', `Items of type "${validated.type}" are accepted while the conversation is ${accepted.join(' or ')} (it is ${status})`);
  }
}

/**
 * Refuses (409) a public item by the AI assistant while the product keeps the assistant silent: the
 * conversation is the team's (escalated, or a person took it over) or the AI is paused. A backend
 * acting as the assistant would otherwise speak over the person who took over. Private notes stay
 * allowed. Read only for such items (the hot path stays as it was); a retry of an item already
 * stored is the store's to answer.
 */
async function refuseSilencedAssistant(store: Store, conversationId: string, validated: ValidatedItem): Promise<void> {
  if (validated.author.kind !== 'ai' || validated.visibility !== 'public') return;
  const stored = validated.id === undefined ? null : await store.getItem(validated.id);
  if (stored?.conversationId === conversationId) return;
  const conversation = await store.getConversation(conversationId);
  if (!conversation) return;
  if (conversation.handler !== 'ai') {
    throw new AppError('ERR_INVALID_TRANSITION', 'The team handles this conversation: the AI assistant stays silent until it is handed back (a private note is allowed)');
  }
  if (conversation.aiPausedUntil !== undefined && Date.parse(conversation.aiPausedUntil) > Date.now()) {
    throw new AppError('ERR_INVALID_TRANSITION', `The AI assistant is paused on this conversation until ${conversation.aiPausedUntil}: resume it first (a private note is allowed)`);
  }
}

/** The message parts of an item's fields, when it has any. */
export const partsOf = (fields: Record<string, unknown>): MessagePart[] => (Array.isArray(fields.parts) ? (fields.parts as MessagePart[]) : []);

/** Whether a visitor may name this file in an item of this conversation (looked at before the file is marked attached). */
async function visitorMayName(store: Store, fileId: string, conversationId: string): Promise<boolean> {
  const file = await store.getFileInfo(fileId);
  return file !== null && file.conversationId === conversationId && (await visitorMaySeeFile(store, file));
}

/** File parts must name files uploaded to this conversation (and the author's to see); they gain what the store knows of the file. */
async function resolveFileParts(store: Store, conversationId: string, fields: Record<string, unknown>, author: Author): Promise<Record<string, unknown>> {
  const parts = partsOf(fields);
  if (!parts.some((part) => part.type === 'file')) return fields;
  const resolved = await Promise.all(
    parts.map(async (part, index) => {
      if (part.type !== 'file') return part;
      // Marked before the item is written: the sweep of unattached uploads then keeps it. A file a
      // visitor may not name is not marked (the sweep would keep it for good).
      const mayName = author.kind !== 'visitor' || (await visitorMayName(store, part.fileId, conversationId));
      const info = mayName ? await store.attachFile(part.fileId, conversationId) : null;
      if (!info) {
        throw new AppError('ERR_INVALID_INPUT', `Unknown file ${part.fileId} for this conversation`, {
          fields: [{ path: `parts.${index}.fileId`, message: 'no such file in this conversation' }],
        });
      }
      const { id, filename, mediaType, size, width, height } = info;
      return { type: 'file' as const, fileId: id, filename, mediaType, size, url: fileUrl(id), ...(width ? { width, height } : {}) };
    }),
  );
  return { ...fields, parts: resolved };
}

/** The validated item with its file parts resolved (a part naming no file of the conversation is refused with its field placed under `where`). */
async function withFilesResolved(store: Store, conversationId: string, validated: ValidatedItem, where: string): Promise<ValidatedItem> {
  return { ...validated, fields: await inRequest(where, () => resolveFileParts(store, conversationId, validated.fields, validated.author)) };
}

/** Stores an item whose file parts are resolved, dated now, recording its workflow signal as owed. */
function appendResolved(store: Store, conversationId: string, resolved: ValidatedItem, id: string): Promise<{ item: TimelineItem; created: boolean }> {
  const { fields, id: _id, ...base } = resolved;
  return store.appendItem({ ...fields, ...base, id, conversationId, createdAt: new Date().toISOString() } as ItemToAppend, { owesSignal: true });
}

/**
 * Stores a validated item, recording its workflow signal as owed (send it with `notifier.sendRecorded`);
 * `created` is false for a retry of an item already stored. A file part naming no file of the
 * conversation is refused with its field placed under `where`.
 */
export async function appendValidated(
  store: Store,
  conversationId: string,
  validated: ValidatedItem,
  id: string = validated.id ?? newId('item'),
  where = 'body.item',
): Promise<{ item: TimelineItem; created: boolean }> {
  return appendResolved(store, conversationId, await withFilesResolved(store, conversationId, validated, where), id);
}

export async function postItem(deps: ItemServiceDeps & { replyJoins: ReplyJoins }, caller: Caller, conversationId: string, input: unknown): Promise<TimelineItem> {
  const conversation = await deps.scopes.visible(caller, conversationId);
  const validated = validateItem(deps.plugins, caller, input);
  // Read only for such types (the hot path stays as it was); a retry of an item already stored is the
  // store's to answer, the first attempt may have changed the status.
  if (deps.plugins.acceptedWhile(validated.type)) {
    const stored = validated.id === undefined ? null : await deps.store.getItem(validated.id);
    const status = stored?.conversationId === conversationId ? undefined : (await deps.store.getConversation(conversationId))?.status;
    if (status !== undefined) refuseOutOfStatus(deps.plugins, validated, status);
  }
  await refuseSilencedAssistant(deps.store, conversationId, validated);
  // File parts are resolved before the author's join, so a message refused for them joins nobody.
  const resolved = await withFilesResolved(deps.store, conversationId, validated, 'body.item');
  await deps.replyJoins.before(caller, conversationId, resolved);
  const { item } = await appendResolved(deps.store, conversationId, resolved, resolved.id ?? newId('item'));
  // Also on a retry: the first attempt may have died before signalling; the workflow dedupes by item id.
  deps.notifier.sendRecorded(conversation, item);
  return item;
}
