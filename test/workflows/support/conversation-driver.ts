/**
 * A conversation as a workflow test drives it: created in the store as the server creates it, its
 * items stored and signalled, its operations sent as updates, its timeline read back.
 */
import { randomUUID } from 'node:crypto';
import type { Store } from '../../../activities/store';
import type { LifecycleOperation } from '../../../domain/operations';
import type { Author, EventItem, TimelineItem } from '../../../domain/timeline';
import type { PluginRegistry } from '../../../plugins/registry';
import type { ConversationEngine } from '../../../runtime/conversation-engine';
import { conversationWorkflowId, type LifecycleSettings, type RosterMember, type RunLimits } from '../../../workflows/conversation/definitions';
import { SETTINGS, VISITOR, workflowInput } from '../conversation/fixtures';

/** Read at every call, so a harness may swap its engine (a restart). */
export interface DriverEnvironment {
  readonly store: Store;
  readonly conversations: ConversationEngine;
  readonly plugins: Pick<PluginRegistry, 'arrivalOf'>;
}

export interface ConversationOptions {
  /** The AI assistant that takes the conversation; none by default. */
  assistantId?: string;
  settings?: Partial<LifecycleSettings>;
  runLimits?: RunLimits;
  websiteId?: string;
  /** The team the workflow validates joins and assignments against; default the fixtures' roster. */
  roster?: RosterMember[];
}

/** One line per item: `message:<author kind>` or `event:<kind>`. */
export const describeItem = (item: TimelineItem) => (item.type === 'event' ? `event:${(item as EventItem).event.kind}` : `${item.type}:${item.author.kind}`);

export async function startConversation(env: DriverEnvironment, { assistantId, settings = {}, runLimits, websiteId = 'web_1', roster }: ConversationOptions = {}) {
  const id = `conv_${randomUUID().slice(0, 8)}`;
  await env.store.createConversation({ id, websiteId, visitorId: VISITOR.id });
  const start = workflowInput({
    conversationId: id,
    websiteId,
    settings: { ...SETTINGS, ...settings },
    ...(assistantId ? { aiAssistantId: assistantId } : {}),
    ...(runLimits ? { runLimits } : {}),
    ...(roster ? { roster } : {}),
  });
  const items = async () => (await env.store.listItems(id, { audience: 'all', limit: 100 })).items;
  return {
    id,
    workflowId: conversationWorkflowId(id),
    start,
    /** Stores an item (a public message unless told otherwise) and tells the workflow. */
    async post(author: Author, text: string, fields: Record<string, unknown> = {}) {
      const item = await this.write(author, text, fields);
      await this.notify(item);
      return item;
    },
    /** Stores an item without telling the workflow yet (as the server does between its write and its signal). */
    async write(author: Author, text: string, fields: Record<string, unknown> = {}) {
      const { item } = await env.store.appendItem({
        id: `itm_${randomUUID()}`,
        conversationId: id,
        type: 'message',
        visibility: 'public',
        author,
        text,
        createdAt: new Date().toISOString(),
        ...fields,
      } as Parameters<Store['appendItem']>[0]);
      return item;
    },
    notify: (item: TimelineItem) => env.conversations.notifyItems([env.plugins.arrivalOf(item)], start),
    operate: (actor: Author, ...operations: LifecycleOperation[]) => env.conversations.operate(id, { actor, operations }, start),
    state: () => env.conversations.getState(id),
    stored: () => env.store.getConversation(id),
    items,
    async timeline(): Promise<string[]> {
      return (await items()).map(describeItem);
    },
    async events(): Promise<EventItem[]> {
      return (await items()).filter((item): item is EventItem => item.type === 'event');
    },
  };
}

export type DrivenConversation = Awaited<ReturnType<typeof startConversation>>;
