/**
 * Every activity the workflows schedule, from one factory, so a runtime registers them with one
 * call: the conversation's store writes, the AI assistant's model calls and items, routing to team
 * queues, telling conversations about changes to their website's team and settings, and plugin effects.
 */
import { Context } from '@temporalio/activity';
import type { TimelineItem } from '../domain/timeline';
import type { PluginRegistry } from '../plugins/registry';
import type { PluginEffectActivities } from '../workflows/conversation/plugin-effects';
import type { SlaBreach } from '../workflows/conversation/definitions';
import { createAiActivities, type AiTypingEvent } from './ai/activities';
import { withinCapacity } from './ai/capacity-check';
import { personHold } from './ai/person-hold';
import type { ModelResolver } from './ai/resolve-model';
import { createRoutingActivities, createTeamQueueSignals, engineAssigner, type ConversationUpdateEngine, type SignalWithStartEngine } from './ai/routing';
import { offlineReleaser } from './ai/offline-release';
import { assignedByPersonAt, countOpenAssigned, loadAssistantConfig, loadRoutingRules, openAssigned, recentItems } from './ai/store-lookups';
import { teamOnline } from './ai/team-online';
import { waitingFor } from './ai/waiting-elsewhere';
import { createConversationActivities } from './conversation';
import { offlineReleaseAfterMs } from './lifecycle-settings';
import type { ItemToAppend, Store } from './store';
import { createWebsiteChangeActivities, rosterChange, type SignalEngine } from './website-changes';

/** What the routing and website-change activities ask of the workflow engine (`WorkflowEngine` has it all). */
export type ActivityEngine = SignalWithStartEngine & ConversationUpdateEngine & SignalEngine;

export interface ActivityDeps {
  store: Store;
  plugins: PluginRegistry;
  /** Which model an assistant's `model` spec means: `createModelResolver(openAiSettings)` (activities/ai). */
  resolveModel: ModelResolver;
  /** The engine these activities run on; a getter, because the engine is created with the activities (it may wait for it). */
  engine(): ActivityEngine | Promise<ActivityEngine>;
  /** Relays the AI's typing indicator to the conversation's sockets. */
  publishTyping?(event: AiTypingEvent): void | Promise<void>;
  /** Told about every first-response SLA breach. */
  onSlaBreach?(breach: SlaBreach): void | Promise<void>;
  /** How long the process running them has run (offline-release.ts waits for pages to reconnect after a start); always long, unless given. */
  upForMs?(): number;
}

export function createActivities({ store, plugins, resolveModel, engine, publishTyping, onSlaBreach, upForMs }: ActivityDeps) {
  const lazyEngine: ActivityEngine = {
    signal: async (o) => (await engine()).signal(o),
    signalWithStart: async (o) => (await engine()).signalWithStart(o),
    executeUpdate: async (o) => (await engine()).executeUpdate(o),
    query: async (o) => (await engine()).query(o),
  };
  /** What routing reads of the team's people. */
  const people = {
    getTeamMember: (agentId: string) => store.getTeamMember(agentId),
    countOpenAssigned: (websiteId: string, agentId: string) => countOpenAssigned(store, websiteId, agentId),
  };
  const assignConversation = withinCapacity(
    engineAssigner(lazyEngine, { getTeamMember: people.getTeamMember, rosterNow: (websiteId, actor) => rosterChange(store, websiteId, actor) }),
    {
      ...people,
      holdPerson: personHold(store),
      waitingFor: waitingFor(lazyEngine),
      withdraw: createTeamQueueSignals(lazyEngine).withdraw,
      assigneeOf: async (conversationId) => (await store.getConversation(conversationId))?.assigneeId,
    },
  );
  const pluginEffects: PluginEffectActivities = {
    runPluginEffects: (request) => plugins.runEffects(request),
  };
  return {
    ...createConversationActivities({ store, ...(onSlaBreach ? { onSlaBreach } : {}) }),
    ...createAiActivities({
      resolveModel,
      getAssistantConfig: (assistantId) => loadAssistantConfig(store, assistantId),
      store: {
        // AiStore takes domain items, whose plugin arm TypeScript flattens; the store's own type restores the base fields.
        appendItem: (item, options) => store.appendItem(item as ItemToAppend, options),
        recentItems: (conversationId, limit) => recentItems(store, conversationId, limit),
        hasVisitorMessageAfter: (conversationId, seq) => store.hasVisitorMessageAfter(conversationId, seq),
        hasTeamMessageAfter: (conversationId, seq) => store.hasTeamMessageAfter(conversationId, seq),
        teamAnsweredLast: (conversationId) => store.teamAnsweredLast(conversationId),
        hasItem: async (itemId) => (await store.getItem(itemId)) !== null,
      },
      ...(publishTyping ? { publishTyping } : {}),
      teamOnline: teamOnline({ engine: lazyEngine, store }),
      context: { summarize: (item) => summaryOrNothing(plugins, item), visibleToVisitor: (item) => plugins.isVisibleTo(item, 'visitor') },
    }),
    ...createRoutingActivities({
      ...people,
      engine: lazyEngine,
      getRoutingRules: (websiteId) => loadRoutingRules(store, websiteId),
      assignConversation,
      releaseOfflineAssignee: offlineReleaser({
        engine: lazyEngine,
        releaseAfterMs: (websiteId) => offlineReleaseAfterMs(store, websiteId),
        openAssigned: (websiteId, agentId) => openAssigned(store, websiteId, agentId),
        assignedByPersonAt: (conversationId, agentId) => assignedByPersonAt(store, conversationId, agentId),
        heartbeat: () => Context.current().heartbeat(),
        abandoned: () => Context.current().cancellationSignal.aborted,
        warn: (message, fields) => Context.current().log.warn(message, fields),
        ...(upForMs ? { upForMs } : {}),
      }),
    }),
    ...createWebsiteChangeActivities({
      store,
      engine: lazyEngine,
      heartbeat: (told) => Context.current().heartbeat(told),
      abandoned: () => Context.current().cancellationSignal.aborted,
    }),
    ...pluginEffects,
  };
}

/** A plugin item's summary for the AI's context; a failing hook leaves the context's own fallback. */
function summaryOrNothing(plugins: PluginRegistry, item: TimelineItem): string | undefined {
  try {
    return plugins.summarize(item);
  } catch {
    return undefined;
  }
}
