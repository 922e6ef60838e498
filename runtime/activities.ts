/** The activity functions the workflows schedule, built from the product's dependencies. */
import { createAiActivities, createModelResolver, type AiTypingEvent } from '../activities/ai';
import { createConversationActivities } from '../activities/conversation';
import type { Store } from '../activities/store';
import type { AssistantConfig } from '../domain/assistant';
import type { TimelineItem } from '../domain/timeline';
import type { PluginRegistry } from '../plugins/registry';
import { assistantConfig } from '../server/services/ai-agents';
import type { AppConfig } from './config';

export interface ActivityDeps {
  store: Store;
  plugins: PluginRegistry;
  openai: AppConfig['openai'];
}

/** The newest `limit` items of a conversation (the store pages forwards, so start from its last seq). */
async function recentItems(store: Store, conversationId: string, limit: number): Promise<TimelineItem[]> {
  const last = (await store.getConversation(conversationId, 'all'))?.lastTimelineItem?.seq ?? 0;
  const page = await store.listItems(conversationId, { audience: 'all', afterSeq: Math.max(0, last - limit), limit: Math.min(limit, 100) });
  return page.items;
}

async function getAssistantConfig(store: Store, assistantId: string): Promise<AssistantConfig | undefined> {
  const member = await store.getTeamMember(assistantId);
  return member?.kind === 'ai' ? assistantConfig(store, member.websiteId, member) : undefined;
}

function publishTyping(store: Store, event: AiTypingEvent): Promise<void> {
  return store
    .getConversation(event.conversationId, 'public')
    .then((conversation) =>
      conversation
        ? store.publishEphemeral({ websiteId: conversation.websiteId, conversationId: event.conversationId, visibility: 'public', type: 'conversationTyping', payload: { ...event } })
        : undefined,
    );
}

export function createActivities({ store, plugins, openai }: ActivityDeps) {
  return {
    ...createConversationActivities({ store }),
    ...createAiActivities({
      resolveModel: createModelResolver({ apiKey: openai.apiKey, baseURL: openai.baseUrl }),
      getAssistantConfig: (id) => getAssistantConfig(store, id),
      store: { appendItem: (item) => store.appendItem(item as Parameters<Store['appendItem']>[0]), recentItems: (id, limit) => recentItems(store, id, limit) },
      publishTyping: (event) => publishTyping(store, event),
      context: { summarize: (item) => plugins.summarize(item) },
    }),
  };
}
