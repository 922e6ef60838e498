/**
 * The plugin registry for the server and activities. Build it with `loadPluginRegistry` (loader.ts)
 * at start-up from configuration, or with `createPluginRegistry` from plugin objects (tests).
 *
 * API (`PluginRegistry`):
 * - `validateNewItem({ input, author, callerKind }): ValidatedItem`: every create (REST, socket,
 *   AI, workflow activities) goes through it.
 * - `isVisibleTo(item, audience: 'visitor' | 'team'): boolean`
 * - `summarize(item): string`: plain text for previews, transcripts, notifications.
 * - `runEffects({ item, conversationId }): Promise<void>`: the type's activity-side effects.
 * - `arrivalOf(item): ItemArrival`: the workflow's `itemAdded` signal for a stored item.
 * - `answerAction({ item, actionId, answer, author }): { reply, patch? }`
 * - `acceptedWhile(type)`: the conversation statuses callers may post the type in (absent: any).
 * - `plugins`: the plugins loaded, as `name@version`.
 * Failures are `AppError`s with stable codes; a failing hook rejects only the item at hand
 * (`ERR_PLUGIN_HOOK_FAILED` naming plugin and hook) and the registry keeps serving the rest.
 */
import type { ConversationStatus, ItemArrival, TimelineItem, Visibility } from '../domain';
import { answerAction, type AnswerRequest, type AnswerResult } from './actions';
import { hookError } from './errors';
import { toItemArrival } from './item-view';
import { summarize } from './pure-hooks';
import { ItemTypeTable } from './type-table';
import type { Audience, LoadedPlugin } from './types';
import { validateNewItem, type NewItemRequest, type ValidatedItem } from './validation';
import { isVisibleTo } from './visibility';

export type { AnswerRequest, AnswerResult } from './actions';
export type { NewItemRequest, ValidatedItem } from './validation';

/** The argument of `runEffects`. */
export interface EffectsRequest {
  readonly item: ItemArrival | TimelineItem;
  readonly conversationId: string;
}

export interface PluginRegistry {
  /** Validates a new item; see validation.ts for the error codes. */
  validateNewItem(request: NewItemRequest): ValidatedItem;
  /** Whether the audience may see the item. */
  isVisibleTo(item: { readonly type: string; readonly visibility: Visibility }, audience: Audience): boolean;
  /** Plain-text summary; throws `ERR_UNKNOWN_ITEM_TYPE` or `ERR_PLUGIN_HOOK_FAILED`. */
  summarize(item: ItemArrival | TimelineItem): string;
  /**
   * Runs the type's `onItemCreated`; call it from an activity only. A no-op for types without one,
   * and for types no plugin registers any more (the workflow decided to run them when the item came).
   */
  runEffects(request: EffectsRequest): Promise<void>;
  /** The item as its conversation workflow hears of it, marked when its type has effects to run. */
  arrivalOf(item: TimelineItem): ItemArrival;
  /** Turns an answer to an interactive item into a reply item and a patch; see actions.ts. */
  answerAction(request: AnswerRequest): AnswerResult;
  /** The conversation statuses a type is accepted in from callers (`acceptedWhile`), or undefined: any. */
  acceptedWhile(type: string): readonly ConversationStatus[] | undefined;
  /** The plugins loaded, built-in types first, as `name@version` (for the start-up log). */
  readonly plugins: readonly string[];
}

/**
 * A registry of the built-in types and `plugins`, checked now: throws `PluginLoadError` naming the
 * plugin for a bad declaration, a duplicate or built-in type name, or a mismatched activity part.
 */
export function createPluginRegistry(plugins: readonly LoadedPlugin[]): PluginRegistry {
  return registryFor(new ItemTypeTable(plugins));
}

/** The registry API over an already checked type table. */
export function registryFor(table: ItemTypeTable): PluginRegistry {
  return {
    validateNewItem: (request) => validateNewItem(table, request),
    isVisibleTo: (item, audience) => isVisibleTo(table, item, audience),
    summarize: (item) => summarize(table, item),
    answerAction: (request) => answerAction(table, request),
    acceptedWhile: (type) => table.require(type).definition.acceptedWhile,
    plugins: table.plugins,
    async runEffects({ item, conversationId }) {
      const registered = table.get(item.type);
      if (!registered?.effects) return;
      try {
        await registered.effects.onItemCreated({ item: toItemArrival(item), conversationId });
      } catch (thrown) {
        throw hookError(registered.plugin, 'onItemCreated', thrown);
      }
    },
    arrivalOf(item) {
      const arrival = toItemArrival(item);
      return table.get(item.type)?.effects ? { ...arrival, effects: true } : arrival;
    },
  };
}
