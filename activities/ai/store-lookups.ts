/**
 * What the AI and routing activities read from the store: assistant configurations and routing
 * rules (website settings), a conversation's newest items, and an agent's open assigned
 * conversations. Over the real store's methods; createActivities (activities/index.ts) wires them.
 */
import type { Store, TeamChangeSession } from '../store';
import type { AssistantConfig } from '../../domain/assistant';
import type { TeamMember } from '../../domain/people';
import { isEvent, type TimelineItem } from '../../domain/timeline';
import { DEFAULT_ROUTING_RULES, type RoutingRules } from '../../workflows/routing/team-rules';
import { defaultAssistantConfig, withCurrentDefaults } from './config';

/** The website setting an assistant's configuration is kept under (`PUT /v1/ai-agents/:id` writes it). */
export const assistantSettingKey = (assistantId: string): string => `aiAgent:${assistantId}`;

/** The website setting holding its routing rules; absent: DEFAULT_ROUTING_RULES. */
export const ROUTING_RULES_SETTING = 'routingRules';

/** The store's page size limit. */
const PAGE = 100;

/** The stored configuration of an AI team member, or its defaults (its id and name) when none is stored; undefined for anyone else. */
export async function loadAssistantConfig(store: Pick<Store, 'getTeamMember' | 'getSetting'>, assistantId: string): Promise<AssistantConfig | undefined> {
  const member = await store.getTeamMember(assistantId);
  return member?.kind === 'ai' ? configOfAssistant(store, member) : undefined;
}

/** An AI team member's configuration as stored, with the defaults of fields added since; none stored, its defaults. */
export const assistantConfigOf =
  (member: Pick<TeamMember, 'id' | 'name'>) =>
  (stored: AssistantConfig | undefined): AssistantConfig =>
    stored ? withCurrentDefaults(stored) : defaultAssistantConfig({ id: member.id, name: member.name });

/** loadAssistantConfig for an AI team member already in hand. */
export async function configOfAssistant(store: Pick<Store, 'getSetting'>, member: Pick<TeamMember, 'id' | 'name' | 'websiteId'>): Promise<AssistantConfig> {
  return assistantConfigOf(member)(await store.getSetting<AssistantConfig>(member.websiteId, assistantSettingKey(member.id)));
}

/** Routing rules as stored; none stored, the defaults. */
export const routingRulesOf = (stored: RoutingRules | undefined): RoutingRules => stored ?? DEFAULT_ROUTING_RULES;

export async function loadRoutingRules(store: Pick<Store, 'getSetting'>, websiteId: string, session?: TeamChangeSession): Promise<RoutingRules> {
  return routingRulesOf(await store.getSetting<RoutingRules>(websiteId, ROUTING_RULES_SETTING, session));
}

/** How far back a context reads (pages of PAGE items) looking for public ones among the team's. */
const MAX_CONTEXT_PAGES = 5;

/**
 * The items from the `limit`-th newest public one on (public ones are what the model reads, see
 * context.ts), with the private ones among them (an escalation's event marks a hand-over there). A
 * conversation full of the team's notes is read further back for them, up to MAX_CONTEXT_PAGES pages.
 */
export async function recentItems(store: Pick<Store, 'itemsBefore'>, conversationId: string, limit: number): Promise<TimelineItem[]> {
  const newestFirst: TimelineItem[] = [];
  let publicOnes = 0;
  let beforeSeq = Number.MAX_SAFE_INTEGER;
  for (let pages = 0; pages < MAX_CONTEXT_PAGES && publicOnes < limit; pages++) {
    const page = await store.itemsBefore(conversationId, { audience: 'all', beforeSeq, limit: PAGE });
    for (const item of page.items.reverse()) {
      if (publicOnes === limit) break;
      newestFirst.push(item);
      if (item.visibility === 'public') publicOnes += 1;
    }
    if (!page.hasPreviousPage || page.items.length === 0) break;
    beforeSeq = newestFirst.at(-1)!.seq;
  }
  return newestFirst.reverse();
}

/** Ids of the open conversations assigned to the agent, as the store's projections say. */
export async function openAssigned(store: Pick<Store, 'listConversations'>, websiteId: string, agentId: string): Promise<string[]> {
  const filter = { scope: { websiteId }, status: 'open' as const, assigneeId: agentId };
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listConversations(filter, { audience: 'all' }, { limit: PAGE, ...(cursor ? { cursor } : {}) });
    ids.push(...page.conversations.map((conversation) => conversation.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

/** How many open conversations are assigned to the agent, as the store's projections say. */
export async function countOpenAssigned(store: Pick<Store, 'listConversations'>, websiteId: string, agentId: string): Promise<number> {
  return (await openAssigned(store, websiteId, agentId)).length;
}

/**
 * When a person (not routing) last assigned the conversation to `agentId`, if its newest assignment
 * is that (an ISO time); undefined otherwise (routing's, someone else's, or none among the newest items).
 */
export async function assignedByPersonAt(store: Pick<Store, 'newestItemPicked'>, conversationId: string, agentId: string): Promise<string | undefined> {
  const newest = await store.newestItemPicked(conversationId, { audience: 'all', beforeSeq: Number.MAX_SAFE_INTEGER, types: ['event'] }, (item) =>
    isEvent(item) && item.event.kind === 'assigned' ? item : undefined,
  );
  if (!newest || !isEvent(newest) || newest.event.kind !== 'assigned' || newest.event.targetId !== agentId || newest.author.kind !== 'human') return undefined;
  return newest.createdAt;
}
