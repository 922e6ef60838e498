/**
 * Factories plugin authors call. Each returns a plain object; the registry checks it at start-up
 * (names, schema, known hooks only) and reports problems naming the plugin.
 */
import type { z } from 'zod';
import type {
  FieldsOf,
  ItemAction,
  ItemEffects,
  ItemType,
  ItemTypeHooks,
  PayloadSchema,
  Plugin,
  PluginEffects,
} from './types';

/** What `defineItemType` takes: an item type whose hooks see the schema's parsed fields. */
export type ItemTypeSpec<S extends PayloadSchema> = Omit<ItemType<FieldsOf<S>>, 'schema'> & { readonly schema: S };

/**
 * Declares an item type (workflow part).
 * @example defineItemType({ name: 'acme.order_status', schema, visibility: 'public', creators: ['human', 'ai'], reduceSummary })
 */
export function defineItemType<S extends PayloadSchema>(spec: ItemTypeSpec<S>): ItemType<FieldsOf<S>> {
  return { ...spec };
}

/**
 * Declares an action of an interactive item type: who may answer, the answer's schema, and how
 * an answer becomes a new item. `itemSchema` is the interactive type's payload schema; it only
 * types `item.fields` in `reduceAnswer`.
 * @example actions: { choose: defineItemAction(quickRepliesSchema, { answeredBy: ['visitor'], schema, reduceAnswer }) }
 */
export function defineItemAction<S extends PayloadSchema, A extends z.ZodType>(
  itemSchema: S,
  action: ItemAction<FieldsOf<S>, z.output<A>> & { readonly schema: A },
): ItemAction<FieldsOf<S>, z.output<A>> {
  return { ...action };
}

/** Declares a plugin's workflow part; export it as the default of the plugin's `workflow.ts`. */
export function definePlugin(plugin: Plugin): Plugin {
  return { ...plugin, itemTypes: [...plugin.itemTypes] };
}

/** Declares the side effects of one item type (activity part). */
export function defineItemEffects<F>(
  itemType: ItemType<F>,
  hooks: Pick<ItemTypeHooks<F>, 'onItemCreated'>,
): ItemEffects<F> {
  return { type: itemType.name, onItemCreated: hooks.onItemCreated };
}

/** Declares a plugin's activity part; export it as the default of the plugin's `activity.ts`. */
export function definePluginEffects(plugin: Plugin, itemTypes: readonly ItemEffects[]): PluginEffects {
  return { plugin: plugin.name, itemTypes: [...itemTypes] };
}
