/**
 * The AI activities: one model step, the conversation context, and the items and typing signal the
 * assistant produces. Built by a factory from their dependencies; the workflow sees them through
 * `AiActivities` (workflows/conversation/ai/activity-types.ts).
 */
import { asyncLocalStorage } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { APICallError, RetryError, generateText, type LanguageModel } from 'ai';
import type { AssistantConfig } from '../../domain/assistant';
import type { NewTimelineItem, TimelineItem } from '../../domain/timeline';
import type { AiActivities } from '../../workflows/conversation/ai/activity-types';
import type { AiItemInput, AiReplyInput, CallModelResult, ToolCallRecord } from '../../workflows/conversation/ai/types';
import { policyOf } from './config';
import { toConversationContext, type ContextOptions } from './context';
import { handOffMessage } from './hand-off-message';
import { systemPrompt, toModelMessages } from './prompt';
import { assistantTools, proposedInput } from './tools';

/** What the server relays to agents' and the visitor's sockets as `conversationTyping`. */
export interface AiTypingEvent {
  conversationId: string;
  actorType: 'ai';
  actorId: string;
  isTyping: boolean;
}

/** The store methods the AI activities use (activities/store provides them; tests pass fakes). */
export interface AiStore {
  /**
   * Idempotent on the item's id. `handOff`: the message hands the visitor to the team, and ends no
   * wait. `unless`: asked by the store right before it places the item (the store's AppendOptions);
   * a reason refuses it, and the append fails.
   */
  appendItem(item: NewTimelineItem, options?: { handOff?: boolean; unless?: () => Promise<string | undefined> }): Promise<unknown>;
  /** The conversation's newest `limit` items, any visibility, in any order. */
  recentItems(conversationId: string, limit: number): Promise<TimelineItem[]>;
  /** Whether the visitor wrote a public message into the conversation after `seq`. */
  hasVisitorMessageAfter(conversationId: string, seq: number): Promise<boolean>;
  /** Whether a person of the team wrote a public message into the conversation after `seq`. */
  hasTeamMessageAfter(conversationId: string, seq: number): Promise<boolean>;
  /** Whether a person of the team has written to the visitor since the visitor last wrote. */
  teamAnsweredLast(conversationId: string): Promise<boolean>;
  hasItem(itemId: string): Promise<boolean>;
}

export interface AiActivityDeps {
  resolveModel(spec: string, config: AssistantConfig): LanguageModel;
  getAssistantConfig(assistantId: string): Promise<AssistantConfig | undefined>;
  store?: AiStore;
  publishTyping?(event: AiTypingEvent): void | Promise<void>;
  /**
   * Whether someone of the team a conversation goes to is online (./team-online.ts): without it,
   * or when it cannot tell, the hand-off message is posted as it is, never the away message.
   */
  teamOnline?(conversationId: string): Promise<boolean>;
  /** Context shaping: budget and plugin summaries. */
  context?: ContextOptions;
  /** Clock for `createdAt` of written items. */
  now?(): Date;
}

/** How many stored items the context is built from before trimming to its character budget. */
const CONTEXT_ITEMS = 100;

/** The running activity's cancellation signal; none outside an activity (unit tests call them directly). */
const cancellationSignal = (): AbortSignal | undefined => asyncLocalStorage.getStore()?.cancellationSignal;

export function createAiActivities(deps: AiActivityDeps): AiActivities {
  const now = deps.now ?? (() => new Date());

  async function configFor(assistantId: string): Promise<AssistantConfig> {
    const config = await deps.getAssistantConfig(assistantId);
    if (!config) throw ApplicationFailure.nonRetryable(`Unknown AI assistant ${assistantId}`, 'AiConfigError');
    return config;
  }

  function store(): AiStore {
    if (!deps.store) throw ApplicationFailure.nonRetryable('The AI activities were created without a store', 'AiConfigError');
    return deps.store;
  }

  const aiItem = (input: Pick<AiItemInput, 'conversationId' | 'assistantId' | 'itemId'>) => ({
    id: input.itemId,
    conversationId: input.conversationId,
    author: { kind: 'ai' as const, id: input.assistantId },
    createdAt: now().toISOString(),
  });

  const toolCallItem = ({ conversationId, assistantId, itemId, toolName, input, output, state, error }: ToolCallRecord): NewTimelineItem => ({
    ...aiItem({ conversationId, assistantId, itemId }),
    type: 'ai_tool_call',
    visibility: 'private',
    toolName,
    // The item type (plugins/examples/ai_tool_call) wants an object input and a bounded error.
    input: typeof input === 'object' && input !== null && !Array.isArray(input) ? input : { value: input },
    output,
    state,
    ...(error !== undefined ? { error: error.slice(0, 2000) } : {}),
  });

  /**
   * The workflow cancels the turn when the AI loses its say (an agent escalates, joins, …) or a newer
   * message takes over: an item not yet written is then not written, unless an earlier attempt of
   * the activity stored it (its answer lost). The embedded engine tells a running activity at once;
   * Temporal only one that heartbeats. A write already under way goes on, with its record.
   */
  async function unlessCancelled(itemId: string): Promise<void> {
    const signal = cancellationSignal();
    if (signal?.aborted && !(await store().hasItem(itemId))) signal.throwIfAborted();
  }

  /** The assistant's item, then the record of the tool call that asked for it, if it carries one. */
  async function appendWithRecord(item: NewTimelineItem, record: ToolCallRecord | undefined, options?: Parameters<AiStore['appendItem']>[1]): Promise<void> {
    await store().appendItem(item, options);
    if (record) await store().appendItem(toolCallItem(record));
  }

  /**
   * The hand-off message as posted, or undefined for a reply of the model's. The turn posts the
   * hand-off message as a reply of its own (no tool call's record, answering nothing); nobody of the
   * team being online, it is the away message instead. Decided here, not in the workflow, so that
   * histories recorded before replay unchanged.
   */
  async function handOffText({ conversationId, assistantId, text, record, answersUpTo }: AiReplyInput): Promise<string | undefined> {
    if (record !== undefined || answersUpTo !== undefined) return undefined;
    const config = await deps.getAssistantConfig(assistantId);
    if (!config || text !== config.escalation.handoffMessage) return undefined;
    const online = deps.teamOnline ? await deps.teamOnline(conversationId).catch(() => true) : true;
    return handOffMessage(config, { teamOnline: online, at: now() });
  }

  /**
   * Why the turn's message must not be stored, if it must not, unless an earlier attempt of this
   * activity stored it (its answer lost). Asked by the store right before it places the message
   * (`unless`), so nothing is stored between this look and the write: the turn was cancelled (the
   * AI lost its say: `signal`, the activity's own), or a newer message makes what it says moot.
   * The workflow has yet to hear of that message, so the turn is not cancelled: a reply to an older
   * message (the visitor wrote again), a reply once a person of the team answered (their message
   * goes in on the hot path before the workflow hears of it), and the hand-off once a person of the
   * team has answered the visitor ("someone will reply" after the reply).
   */
  async function refusalOf({ conversationId, answersUpTo, itemId }: AiReplyInput, handOff: boolean, signal: AbortSignal | undefined): Promise<'cancelled' | 'visitor' | 'team' | undefined> {
    const newer = answersUpTo === undefined ? await handOffMoot(conversationId, handOff) : await newerThan(conversationId, answersUpTo);
    // After the reads: a cancellation that came meanwhile counts too.
    const refusal = signal?.aborted ? 'cancelled' : newer;
    return refusal !== undefined && !(await store().hasItem(itemId)) ? refusal : undefined;
  }

  const handOffMoot = async (conversationId: string, handOff: boolean) => (handOff && (await store().teamAnsweredLast(conversationId)) ? ('team' as const) : undefined);

  /** Whose message came after the visitor messages a reply answers: the turn answers those heard after the team's last (one heard clears what was left waiting), so a person's after them is one it missed. */
  async function newerThan(conversationId: string, answersUpTo: number): Promise<'visitor' | 'team' | undefined> {
    // Together: the conversation's writes wait for this look.
    const [visitor, team] = await Promise.all([store().hasVisitorMessageAfter(conversationId, answersUpTo), store().hasTeamMessageAfter(conversationId, answersUpTo)]);
    return visitor ? 'visitor' : team ? 'team' : undefined;
  }

  return {
    async loadAssistantPolicy({ assistantId }) {
      return policyOf(await configFor(assistantId));
    },

    async buildConversationContext({ conversationId, answeringSeq }) {
      const items = deps.store ? await deps.store.recentItems(conversationId, CONTEXT_ITEMS) : [];
      return toConversationContext(conversationId, items, { ...deps.context, ...(answeringSeq === undefined ? {} : { answeringSeq }) });
    },

    async callModel({ assistantId, conversationContext, stepMessages, onlyTools }) {
      const config = await configFor(assistantId);
      const activeTools = onlyTools ? config.permissions.filter((tool) => onlyTools.includes(tool)) : config.permissions;
      try {
        const result = await generateText({
          model: deps.resolveModel(config.model, config),
          system: systemPrompt(config, conversationContext),
          messages: toModelMessages(conversationContext, stepMessages),
          tools: assistantTools,
          activeTools,
          // Tools are the only way to act (a reply is a tool call); plain text is never shown. A triage
          // call (`onlyTools`) may find nothing to do.
          toolChoice: activeTools.length === 0 ? 'none' : onlyTools ? 'auto' : 'required',
          // The workflow's retry policy retries, with backoff and in the history; not the SDK.
          maxRetries: 0,
        });
        const answer: CallModelResult = {
          text: result.text || undefined,
          toolCalls: result.toolCalls.map(({ toolCallId, toolName, input }) => ({ toolCallId, toolName, input: proposedInput(toolName, input) })),
          finishReason: result.finishReason,
          usage: { inputTokens: result.usage.inputTokens, outputTokens: result.usage.outputTokens },
        };
        return answer;
      } catch (err) {
        throw asActivityError(err);
      }
    },

    async recordToolCall(record) {
      await store().appendItem(toolCallItem(record));
    },

    async postAiReply(input) {
      const handOff = await handOffText(input);
      const signal = cancellationSignal();
      let refusal: Awaited<ReturnType<typeof refusalOf>>;
      const unless = async () => (refusal = await refusalOf(input, handOff !== undefined, signal)) && `not posted: ${refusal}`;
      try {
        await appendWithRecord({ ...aiItem(input), type: 'message', visibility: 'public', text: handOff ?? input.text }, input.record, { handOff: handOff !== undefined, unless });
      } catch (err) {
        // The store's last look found a refusal: that is why it stored nothing.
        if (refusal === 'cancelled') throw signal?.reason ?? err;
        if (refusal !== undefined) return { posted: false, overtakenBy: refusal };
        // An earlier attempt stored the hand-off in other words (who was online, or the time, changed since): it stands.
        if (handOff !== undefined && (err as { code?: unknown }).code === 'ERR_CONFLICT' && (await store().hasItem(input.itemId))) return { posted: true };
        throw err;
      }
      return { posted: true };
    },

    async postAiNote(input) {
      await unlessCancelled(input.itemId);
      await appendWithRecord({ ...aiItem(input), type: 'note', visibility: 'private', text: input.text }, input.record);
    },

    async publishAiTyping({ conversationId, assistantId, isTyping }) {
      await deps.publishTyping?.({ conversationId, actorType: 'ai', actorId: assistantId, isTyping });
    },
  };
}

/** Auth failures cannot be fixed by retrying: fail at once so the turn escalates without waiting. */
function asActivityError(err: unknown): unknown {
  const cause = RetryError.isInstance(err) ? err.lastError : err;
  if (APICallError.isInstance(cause) && (cause.statusCode === 401 || cause.statusCode === 403)) {
    return ApplicationFailure.nonRetryable(`The model provider refused the credentials (${cause.statusCode}): ${cause.message}`, 'AiModelAuthError');
  }
  return cause;
}
