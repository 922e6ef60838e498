/**
 * What the AI, routing and plugin-effect workflow suites run on: the shared services and embedded engine (./services.ts) with
 * models chosen per assistant (a `MockLanguageModelV3`, or the offline rule-based model), AI team
 * members with stored configurations, typing events and plugin effects recorded, and the team's
 * agents with their presence in the team queues; the AI's replies can be held part-way (./held-replies.ts).
 */
import type { LanguageModelV3 } from '@ai-sdk/provider';
import { WorkflowSetAsideError } from '../../../runtime/engine/errors';
import { assistantSettingKey, createRuleBasedModel, createTeamQueueSignals, defaultAssistantConfig, type AiTypingEvent } from '../../../activities/ai';
import type { AssistantConfig } from '../../../domain/assistant';
import type { TeamMember } from '../../../domain/people';
import type { Author } from '../../../domain/timeline';
import { createPluginRegistry } from '../../../plugins/registry';
import { ConversationEngine } from '../../../runtime/conversation-engine';
import { loggerFrom } from '../../../runtime/engine/logger-from';
import { eventually } from '../../runtime/engine/eventually';
import { startConversation, type ConversationOptions } from './conversation-driver';
import { effectsOf, effectsPlugin } from './effects-plugin';
import { heldReplies } from './held-replies';
import { embeddedEngine, workflowServices } from './services';

export const WEBSITE_ID = 'web_1';
/** The debounce the test assistants use; their first turn waits the assistant module's default (1.5 s) instead. */
export const DEBOUNCE_MS = 1_000;
/** Time to skip so that any pending debounce has fired. */
export const PAST_DEBOUNCE_MS = 2_000;

export async function productHarness(label: string) {
  const models = new Map<string, LanguageModelV3>();
  const typing: AiTypingEvent[] = [];
  const effectsRan: string[] = [];
  const replies = heldReplies();
  const services = await workflowServices({
    label,
    plugins: createPluginRegistry([{ plugin: effectsPlugin, effects: effectsOf(effectsRan) }]),
    resolveModel: (_spec, config) => models.get(config.id) ?? createRuleBasedModel(config),
    publishTyping: (event) => void typing.push(event),
    activityStore: replies.wrap,
  });
  const { store } = services;
  const errorsLogged: Array<{ message: string; meta?: Record<string, unknown> }> = [];
  const { clock, build } = await embeddedEngine(
    services,
    loggerFrom((level, message, meta) => void (level === 'ERROR' && errorsLogged.push({ message, ...(meta ? { meta } : {}) }))),
  );
  const engine = await build();
  const conversations = new ConversationEngine({ engine, loadProjection: services.loadProjection });
  const queues = createTeamQueueSignals(engine);
  let assistantCount = 0;

  return {
    engine,
    conversations,
    store,
    typing,
    effectsRan,
    /** What the engine and the workflows logged at `error`. */
    errorsLogged,
    passTime: (ms: number) => clock.advance(ms),
    holdReply: replies.hold,
    /** Moves time on in steps until `check` passes: for retries, whose timers are set while activities run. */
    passTimeUntil: (check: () => unknown, stepMs = 5_000) =>
      eventually(
        async () => {
          await clock.advance(stepMs);
          await check();
        },
        { timeoutMs: 20_000, intervalMs: 20 },
      ),

    /** An AI team member with its configuration stored, answering with `model` (default: the rule-based model); returns its author. */
    async newAssistant({ model, config = {} }: { model?: LanguageModelV3; config?: Partial<AssistantConfig> } = {}): Promise<Author> {
      assistantCount += 1;
      const id = `ai_${label}_${assistantCount}`;
      await store.upsertTeamMember({ id, websiteId: WEBSITE_ID, name: 'Helper', kind: 'ai', teams: [], capacity: 0 });
      await store.putSetting(WEBSITE_ID, assistantSettingKey(id), defaultAssistantConfig({ id, name: 'Helper', debounceMs: DEBOUNCE_MS, ...config }));
      if (model) models.set(id, model);
      return { kind: 'ai', id };
    },

    /** Replaces an assistant's stored configuration (its defaults, then `config`), as `PUT /v1/ai-agents/:id` does. */
    async changeAssistant({ id }: Author, config: Partial<AssistantConfig>): Promise<void> {
      await store.putSetting(WEBSITE_ID, assistantSettingKey(id), defaultAssistantConfig({ id, name: 'Helper', debounceMs: DEBOUNCE_MS, ...config }));
    },

    /** Takes an assistant off the team, as `DELETE /v1/ai-agents/:id` does: its turns can no longer load it. */
    async deleteAssistant({ id }: Author, by: Author): Promise<void> {
      if (!(await store.removeTeamMember(WEBSITE_ID, id, by))) throw new Error(`No assistant ${id} to delete`);
    },

    /** Brings a deleted assistant back under its id with `config` over the defaults, as `POST /v1/ai-agents` with that id does. */
    async bringBackAssistant(assistant: Author, config: Partial<AssistantConfig> = {}): Promise<void> {
      const back = await store.insertTeamMember({ id: assistant.id, websiteId: WEBSITE_ID, name: 'Helper', kind: 'ai', teams: [], capacity: 0 });
      if (!back) throw new Error(`Assistant ${assistant.id} could not be brought back`);
      await this.changeAssistant(assistant, config);
    },

    /** A human agent in the store, online in its teams' queues (what the server does on presence). */
    async agentOnline(agent: Author, { teams = ['support'], capacity = 2 }: Partial<Pick<TeamMember, 'teams' | 'capacity'>> = {}) {
      const member = await store.upsertTeamMember({ id: agent.id, websiteId: WEBSITE_ID, name: agent.id, kind: 'human', teams, capacity });
      await queues.agentOnline(member);
    },

    /** The agent's last socket closed: their teams' queues hear it (what the server does on presence). */
    async agentOffline(agent: Author) {
      const member = await store.getTeamMember(agent.id);
      if (!member) throw new Error(`No team member ${agent.id}`);
      await queues.agentOffline(member);
    },

    /** The activities' next call of the workflow update `update` waits, once the engine ran it, until released. */
    holdUpdate(update: string) {
      let reached!: () => void;
      let release!: () => void;
      const hasReached = new Promise<void>((resolve) => (reached = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      const holding: typeof engine = Object.create(engine);
      holding.executeUpdate = async (o) => {
        const result = await engine.executeUpdate(o);
        if (o.update === update) {
          services.useEngine(engine);
          reached();
          await released;
        }
        return result as never;
      };
      services.useEngine(holding);
      return { reached: hasReached, release };
    },

    /**
     * Has the activities' calls for `workflowId` refused as the embedded engine refuses those of a
     * workflow set aside (runtime/engine-thread/set-aside.ts), until the function returned is called.
     */
    setAsideFromActivities(workflowId: string): () => void {
      const refusing = new Proxy(engine, {
        get(target, key, receiver) {
          const member: unknown = Reflect.get(target, key, receiver);
          if (typeof member !== 'function') return member;
          return (arg: unknown) =>
            (arg as { workflowId?: unknown } | undefined)?.workflowId === workflowId
              ? Promise.reject(new WorkflowSetAsideError(workflowId, new Date(clock.now() + 3_600_000)))
              : member.call(target, arg);
        },
      });
      services.useEngine(refusing);
      return () => services.useEngine(engine);
    },

    newConversation: (options: ConversationOptions = {}) => startConversation({ store, conversations, plugins: services.plugins }, { websiteId: WEBSITE_ID, ...options }),

    async close() {
      await engine.shutdown();
      await services.close();
    },
  };
}

export type ProductHarness = Awaited<ReturnType<typeof productHarness>>;
