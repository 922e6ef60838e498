/**
 * A test kit for plugin authors: run items through validation, visibility, summary, reaction and
 * actions in a unit test, with the same code the server and the workflow use, and no server.
 *
 * @example
 * const kit = createPluginTestKit(ratingPlugin);
 * const item = kit.create({ input: { type: 'rating', score: 2 }, author: { kind: 'visitor', id: 'v1' } });
 * expect(kit.react({ item, conversation: { status: 'resolved' } })).toEqual({ operations: [...] });
 */
import type { Author, AuthorKind, ConversationLifecycle, TimelineItem } from '../domain';
import type { AnswerResult } from './actions';
import { react, type ReactionResult } from './pure-hooks';
import { registryFor, type PluginRegistry } from './registry';
import { ItemTypeTable } from './type-table';
import type { Plugin, PluginEffects } from './types';

/** The conversation every kit item belongs to. */
export const TEST_CONVERSATION_ID = 'conversation-test';
/** The creation time of every kit item. */
export const TEST_CREATED_AT = '2025-01-01T00:00:00.000Z';

/** A conversation's lifecycle state as it is when nothing has happened yet. */
export const NEW_CONVERSATION: Readonly<ConversationLifecycle> = {
  status: 'open',
  priority: 'medium',
  handler: 'unassigned',
  participants: [],
  tags: [],
};

export interface PluginTestKit {
  /** The registry (built-ins plus the plugin) the kit runs on. */
  readonly registry: PluginRegistry;
  /**
   * Validates `input` as every create does (throws the same `AppError`s) and returns the item as
   * the store would keep it: id `item-<n>` unless given, `seq` n, conversation `TEST_CONVERSATION_ID`.
   */
  create(request: { readonly input: Record<string, unknown>; readonly author: Author; readonly callerKind?: AuthorKind }): TimelineItem;
  /**
   * The workflow's reaction to the item; `conversation` overrides fields of `NEW_CONVERSATION`. The
   * reaction runs twice, as on a replay: it throws when the answers differ (module-level state, the
   * time, randomness), which would break or silently change a conversation replayed later.
   * A reaction that throws does not throw here: it answers `{ error: { plugin, hook, message } }`,
   * and the workflow skips all of its operations.
   */
  react(ctx: { readonly item: TimelineItem; readonly conversation?: Partial<ConversationLifecycle> }): ReactionResult;
  /** The item's plain-text summary. */
  summarize(item: TimelineItem): string;
  /** Whether a visitor (or the team) would see the item. */
  isVisibleTo(item: TimelineItem, audience: 'visitor' | 'team'): boolean;
  /** Answers one of the item's actions, as `registry.answerAction`. */
  answer(request: { readonly item: TimelineItem; readonly actionId: string; readonly answer: unknown; readonly author: Author }): AnswerResult;
}

/** A kit for `plugin` (and its activity part, if given). Throws `PluginLoadError` if the plugin is invalid. */
export function createPluginTestKit(plugin: Plugin, effects?: PluginEffects): PluginTestKit {
  const table = new ItemTypeTable([effects ? { plugin, effects } : { plugin }]);
  const registry = registryFor(table);
  let seq = 0;
  return {
    registry,
    create({ input, author, callerKind = author.kind }) {
      const { id, fields, ...base } = registry.validateNewItem({ input, author, callerKind });
      seq += 1;
      return { ...fields, ...base, id: id ?? `item-${seq}`, conversationId: TEST_CONVERSATION_ID, seq, createdAt: TEST_CREATED_AT };
    },
    react({ item, conversation }) {
      const context = { item, conversation: { ...NEW_CONVERSATION, ...conversation } };
      const [first, replayed] = [react(table, context), react(table, context)];
      if (JSON.stringify(first) !== JSON.stringify(replayed)) {
        throw new Error(`${item.type}'s reduceArrival answered the same arrival differently on a replay: it must depend on its arguments only (no module-level state, time or randomness)`);
      }
      return first;
    },
    summarize: (item) => registry.summarize(item),
    isVisibleTo: (item, audience) => registry.isVisibleTo(item, audience),
    answer: (request) => registry.answerAction(request),
  };
}
